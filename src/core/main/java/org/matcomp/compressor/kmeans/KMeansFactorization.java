package org.matcomp.compressor.kmeans;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.BaseFactorization;
import org.matcomp.compressor.Method;

/**
 * A codebook matrix: A (m×n) cut into 1×b blocks along rows, each block replaced by one of k codewords.
 *
 * <p>Factors: {@code codebook} (k×b float32, trainable), {@code codes} (m×n/b, ⌈log2 k⌉ bits rounded to 1, 2, 4
 * or 8 while k ≤ 256, else int32, fixed)
 * and, for k-means + pruning with b &gt; 1 only, {@code mask} (m×n bits, fixed). Product rule:
 * W = reshape(gather(codebook, codes), m×n), then W ⊙ mask when a mask is present. For k-means + pruning, codebook
 * row {@link #zeroCode()} is the pinned zero codeword and must stay exactly 0 while the codebook trains (multiply the
 * codebook by a constant row mask before the gather); then every pruned block stays zero, and with b = 1 the codes
 * alone carry the pruning mask.
 *
 * <p>{@link #applyTo} forms W and multiplies. Skipping W does not pay on a CPU: x·W = Σ_c codebook[c]·(Σ of the x
 * entries whose code is c) trades each multiply-add for an add plus a scattered write, while the gather that forms W
 * costs m·n once per call against the b·m·n of the product itself.
 */
public final class KMeansFactorization extends BaseFactorization {
  private final Factor codebook;
  private final Factor codes;
  private final Factor mask;
  private final int blockSize;
  private final int clusters;
  private final int zeroCode;
  private final double inertia;

  KMeansFactorization(Method method, Factor codebook, Factor codes, Factor mask, int rows, int cols,
      int blockSize, int zeroCode, double inertia) {
    super(method, rows, cols);
    this.codebook = codebook;
    this.codes = codes;
    this.mask = mask;
    this.blockSize = blockSize;
    this.clusters = codebook.spec().shape()[0];
    this.zeroCode = zeroCode;
    this.inertia = inertia;
  }

  public int clusters() {
    return clusters;
  }

  public int blockSize() {
    return blockSize;
  }

  /** The codebook row pinned to zero that must stay zero (k-means + pruning), or −1 when none is constrained. */
  public int zeroCode() {
    return zeroCode;
  }

  /** ‖A − W‖²_F in double, A being the matrix as given to the compressor (before any pruning). */
  public double inertia() {
    return inertia;
  }

  /** {@code inertia}, {@code clusters} and {@code block_size} for reports. */
  @Override
  public Map<String, Double> diagnostics() {
    Map<String, Double> d = new LinkedHashMap<>();
    d.put("inertia", inertia);
    d.put("clusters", (double) clusters);
    d.put("block_size", (double) blockSize);
    return Collections.unmodifiableMap(d);
  }

  /** k×b codewords. */
  public FloatMatrix codebook() {
    return FloatMatrix.adopt(clusters, blockSize, codebook.floats());
  }

  /** One code per block, row-major m×(n/b) (copy). */
  public int[] codes() {
    return codes.ints();
  }

  /** The pruning mask (1 = kept), present only for k-means + pruning with blocks wider than 1. */
  public Optional<Factor> mask() {
    return Optional.ofNullable(mask);
  }

  @Override
  public List<Factor> factors() {
    List<Factor> out = new ArrayList<>(List.of(codebook, codes));
    if (mask != null) {
      out.add(mask);
    }
    return Collections.unmodifiableList(out);
  }

  @Override
  public FloatMatrix product() {
    float[] book = codebook.floats();
    int[] code = codes.ints();
    float[] w = new float[rows() * cols()];
    for (int blk = 0; blk < code.length; blk++) {
      System.arraycopy(book, code[blk] * blockSize, w, blk * blockSize, blockSize);
    }
    if (mask != null) {
      int[] keep = mask.ints();
      for (int i = 0; i < w.length; i++) {
        if (keep[i] == 0) {
          w[i] = 0f;
        }
      }
    }
    return FloatMatrix.adopt(rows(), cols(), w);
  }

  @Override
  public FloatMatrix applyTo(FloatMatrix x) {
    checkArgument(x.cols() == rows(), "input has %s columns, the %s matrix %s rows", x.cols(), method(), rows());
    return x.times(product());
  }

  @Override
  public String toString() {
    return "KMeansFactorization[" + method() + ", " + rows() + "x" + cols() + ", k=" + clusters + ", block=" + blockSize
        + (mask != null ? ", masked" : "") + ", inertia=" + inertia + "]";
  }
}
