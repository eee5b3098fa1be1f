package org.matcomp.compressor.prune;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.FactorType;
import org.matcomp.compressor.Factorization;
import org.matcomp.compressor.RecodedFactorization;
import org.matcomp.linalg.FloatMatrix;

/**
 * Kept positions as relative indices (Deep Compression's): each kept entry stores the gap from the previous one in a
 * b-bit symbol; symbol v &lt; 2^b − 1 is a kept entry v + 1 places on, symbol 2^b − 1 is a filler that only advances
 * 2^b − 1 places, for gaps too long for one symbol. Fillers take a slot in every per-entry factor (a value, or a
 * value's code), which the product rule zeroes. At 90 % sparsity with 4-bit codes for the values this stores
 * positions and values in about 10 bits a kept entry, where a bitmap alone costs 10 bits; past 97 % it beats int32
 * indices by far.
 *
 * <p>Positions are re-coded this way only when a matrix is stored ({@link #smallest}): the training graph keeps the
 * bitmap, whose size does not depend on the data.
 */
public final class GapPositions {
  /** The factor holding the symbols. */
  public static final String GAPS = "gaps";

  private static final int[] WIDTHS = {2, 4, 8};

  private GapPositions() {}

  /** The symbols coding ascending positions {@code kept} in {@code bits}-bit symbols. */
  static int[] encode(int[] kept, int bits) {
    int top = (1 << bits) - 1;
    List<Integer> out = new ArrayList<>();
    int prev = -1;
    for (int p : kept) {
      int gap = p - prev;
      checkArgument(gap >= 1, "positions must ascend: %s after %s", p, prev);
      while (gap > top) {
        out.add(top);
        gap -= top;
      }
      out.add(gap - 1);
      prev = p;
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  private static long count(int[] kept, int bits) {
    int top = (1 << bits) - 1;
    long n = 0;
    int prev = -1;
    for (int p : kept) {
      n += 1 + (p - prev - 1) / top;
      prev = p;
    }
    return n;
  }

  /** What each symbol advances the position by: the decoding table of {@code bits}-bit symbols. */
  public static int[] advances(int bits) {
    int top = (1 << bits) - 1;
    int[] t = new int[top + 1];
    for (int v = 0; v < top; v++) {
      t[v] = v + 1;
    }
    t[top] = top;
    return t;
  }

  /** 1 for a symbol that is a kept entry, 0 for a filler. */
  public static float[] kept(int bits) {
    float[] t = new float[1 << bits];
    Arrays.fill(t, 1f);
    t[t.length - 1] = 0f;
    return t;
  }

  /**
   * {@code f} with its positions (a {@code mask} bitmap or {@code indices}) re-coded as gaps when that stores fewer
   * bytes (the width of the gaps chosen too), else {@code f} itself. Per-kept-entry factors are the 1-D ones of one
   * entry a kept position.
   */
  public static Factorization smallest(Factorization f) {
    Optional<Factor> maskFactor = f.factors().stream()
        .filter(x -> x.name().equals(PrunedFactorization.MASK) && x.spec().type() == FactorType.BIT
            || x.name().equals(PrunedFactorization.INDICES) && x.spec().type() == FactorType.INT32).findFirst();
    if (maskFactor.isEmpty()) {
      return f;
    }
    int[] kept;
    if (maskFactor.get().name().equals(PrunedFactorization.INDICES)) {
      kept = maskFactor.get().ints();
    } else {
      int[] bits = maskFactor.get().ints();
      kept = java.util.stream.IntStream.range(0, bits.length).filter(i -> bits[i] != 0).toArray();
    }
    if (kept.length < 2) {
      return f;
    }
    List<Factor> perEntry = f.factors().stream().filter(x -> x != maskFactor.get())
        .filter(x -> x.spec().shape().length == 1 && x.spec().entries() == kept.length).toList();
    if (perEntry.isEmpty()) {
      return f;
    }
    long best = maskFactor.get().spec().storageBytes()
        + perEntry.stream().mapToLong(x -> x.spec().storageBytes()).sum();
    int bestWidth = 0;
    for (int w : WIDTHS) {
      long n = count(kept, w);
      long bytes = FactorType.indexFor(1 << w).bytesFor(n)
          + perEntry.stream().mapToLong(x -> x.spec().type().bytesFor(n)).sum();
      if (bytes < best) {
        best = bytes;
        bestWidth = w;
      }
    }
    if (bestWidth == 0) {
      return f;
    }
    int[] symbols = encode(kept, bestWidth);
    int top = (1 << bestWidth) - 1;
    List<Factor> out = new ArrayList<>();
    for (Factor x : f.factors()) {
      if (x == maskFactor.get()) {
        out.add(Factor.ofInts(new FactorSpec(GAPS, FactorType.indexFor(1 << bestWidth), new int[] {symbols.length},
            false), symbols));
      } else if (perEntry.contains(x)) {
        out.add(padded(x, symbols, top));
      } else {
        out.add(x);
      }
    }
    FloatMatrix product = f.product();
    return new RecodedFactorization(f, out, product);
  }

  /** A per-entry factor with a filler (zero) wherever the symbols hold one. */
  private static Factor padded(Factor x, int[] symbols, int top) {
    FactorSpec spec = new FactorSpec(x.name(), x.spec().type(), new int[] {symbols.length}, x.spec().trainable());
    boolean floats = x.spec().type().isFloat();
    float[] fv = floats ? x.floats() : null;
    int[] iv = floats ? null : x.ints();
    float[] fo = floats ? new float[symbols.length] : null;
    int[] io = floats ? null : new int[symbols.length];
    int k = 0;
    for (int s = 0; s < symbols.length; s++) {
      if (symbols[s] == top) {
        continue;
      }
      if (floats) {
        fo[s] = fv[k];
      } else {
        io[s] = iv[k];
      }
      k++;
    }
    return floats ? Factor.ofFloats(spec, fo) : Factor.ofInts(spec, io);
  }
}
