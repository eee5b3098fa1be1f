package org.matcomp.compressor.prune;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.FactorType;
import org.matcomp.compressor.BaseFactorization;
import org.matcomp.linalg.FloatMatrix;

/**
 * A pruned m×n matrix: the kept values (factor {@code values}, float32, trainable, in ascending row-major position)
 * and where they sit, stored whichever way is smaller — a bitmap (factor {@code mask}, one bit an entry, ⌈mn/8⌉
 * bytes) or flat row-major indices (factor {@code indices}, int32, 4 bytes a kept entry). Indices win below 1/32
 * density. The product rule scatters the values into zeros; the i-th value goes to the i-th set bit (or the i-th
 * index).
 */
public final class PrunedFactorization extends BaseFactorization {
  /** How positions are stored. */
  public enum Positions {
    BITMAP,
    INDICES
  }

  public static final String VALUES = "values";
  public static final String MASK = "mask";
  public static final String INDICES = "indices";

  /**
   * Above this density x·W forms the dense product and uses {@link FloatMatrix#times}. Measured on this 2-core machine
   * (2048², batch 64, under load): the CSR loop took 13–47 ms at 5–50 % kept where the dense kernel took 63–300 ms,
   * and the two met only at 80–90 % kept, before counting the cost of forming the dense product; half is a margin
   * for hosts whose dense kernel vectorises better.
   */
  static final double SPARSE_APPLY_MAX_DENSITY = 0.5;

  private final float[] values;
  private final int[] indices;
  private final int[] rowStart;
  private final int[] colOf;
  private final Factor valuesFactor;
  private final Factor positionsFactor;

  private PrunedFactorization(int rows, int cols, float[] values, int[] indices, Factor valuesFactor,
      Factor positionsFactor) {
    super(PruneMethod.INSTANCE, rows, cols);
    this.values = values;
    this.indices = indices;
    this.valuesFactor = valuesFactor;
    this.positionsFactor = positionsFactor;
    this.rowStart = new int[rows + 1];
    this.colOf = new int[indices.length];
    for (int p = 0; p < indices.length; p++) {
      rowStart[indices[p] / cols + 1]++;
      colOf[p] = indices[p] % cols;
    }
    for (int i = 0; i < rows; i++) {
      rowStart[i + 1] += rowStart[i];
    }
  }

  /** The cheaper way to store the positions of {@code kept} entries of an m×n matrix (ties go to the bitmap). */
  public static Positions cheaperPositions(int rows, int cols, int kept) {
    long bitmap = FactorType.BIT.bytesFor((long) rows * cols);
    long list = FactorType.INT32.bytesFor(kept);
    return list < bitmap ? Positions.INDICES : Positions.BITMAP;
  }

  /** The factors for {@code kept} survivors of an m×n matrix, known before any data. */
  public static List<FactorSpec> layout(int rows, int cols, int kept) {
    FactorSpec v = FactorSpec.trainableFloat(VALUES, kept);
    FactorSpec p = cheaperPositions(rows, cols, kept) == Positions.BITMAP
        ? new FactorSpec(MASK, FactorType.BIT, new int[] {rows, cols}, false)
        : new FactorSpec(INDICES, FactorType.INT32, new int[] {kept}, false);
    return List.of(v, p);
  }

  /** Keeps the entries of {@code a} (row-major m×n) that {@code mask} keeps. */
  public static PrunedFactorization of(float[] a, int rows, int cols, PruningMask mask) {
    checkArgument(mask.rows() == rows && mask.cols() == cols, "a %sx%s mask cannot prune a %sx%s matrix",
        mask.rows(), mask.cols(), rows, cols);
    checkArgument(a.length == (long) rows * cols, "a %sx%s matrix needs %s entries, got %s", rows, cols,
        (long) rows * cols, a.length);
    int[] idx = mask.keptIndices();
    float[] vals = new float[idx.length];
    for (int p = 0; p < idx.length; p++) {
      vals[p] = a[idx[p]];
    }
    List<FactorSpec> specs = layout(rows, cols, idx.length);
    Factor positions = specs.get(1).type() == FactorType.BIT
        ? Factor.ofInts(specs.get(1), mask.toBits())
        : Factor.ofInts(specs.get(1), idx);
    return new PrunedFactorization(rows, cols, vals, idx, Factor.ofFloats(specs.get(0), vals), positions);
  }

  /**
   * Rebuilds from factors as {@link #layout} names them (e.g. after the values trained): {@code values} plus either
   * {@code mask} or {@code indices}.
   */
  public static PrunedFactorization fromFactors(int rows, int cols, List<Factor> factors) {
    checkArgument(factors.size() == 2, "a pruned matrix has 2 factors (values, mask|indices), got %s", factors);
    Factor v = factors.get(0);
    Factor p = factors.get(1);
    checkArgument(v.name().equals(VALUES) && v.spec().type() == FactorType.FLOAT32,
        "first factor must be float32 '%s', got %s", VALUES, v.spec());
    float[] vals = v.floats();
    int[] idx;
    if (p.name().equals(MASK)) {
      int[] bits = p.ints();
      checkArgument(bits.length == (long) rows * cols, "mask factor holds %s entries, the %sx%s matrix needs %s",
          bits.length, rows, cols, (long) rows * cols);
      idx = IntStream.range(0, bits.length).filter(i -> bits[i] != 0).toArray();
    } else {
      checkArgument(p.name().equals(INDICES), "second factor must be '%s' or '%s', got %s", MASK, INDICES, p.spec());
      idx = p.ints();
      for (int i = 0; i < idx.length; i++) {
        checkArgument(idx[i] < rows * cols && (i == 0 || idx[i] > idx[i - 1]),
            "indices must ascend inside [0, %s); entry %s is %s", rows * cols, i, idx[i]);
      }
    }
    checkArgument(vals.length == idx.length, "%s values for %s positions", vals.length, idx.length);
    return new PrunedFactorization(rows, cols, vals, idx, v, p);
  }

  public int keptCount() {
    return values.length;
  }

  public Positions positions() {
    return positionsFactor.name().equals(MASK) ? Positions.BITMAP : Positions.INDICES;
  }

  /** The kept positions as a mask. */
  public PruningMask mask() {
    long[] words = new long[PruningMask.wordsFor((long) rows() * cols())];
    for (int i : indices) {
      words[i >>> 6] |= 1L << i;
    }
    return new PruningMask(rows(), cols(), words);
  }

  /** {@code sparsity}: the fraction of entries zeroed; {@code kept}: how many survive. */
  @Override
  public Map<String, Double> diagnostics() {
    return Map.of("sparsity", 1 - (double) values.length / ((long) rows() * cols()), "kept", (double) values.length);
  }

  @Override
  public List<Factor> factors() {
    return List.of(valuesFactor, positionsFactor);
  }

  @Override
  public FloatMatrix product() {
    float[] dense = new float[rows() * cols()];
    for (int p = 0; p < indices.length; p++) {
      dense[indices[p]] = values[p];
    }
    return FloatMatrix.adopt(rows(), cols(), dense);
  }

  /** x·W: a CSR loop over the kept entries when sparse enough, else a dense product. */
  @Override
  public FloatMatrix applyTo(FloatMatrix x) {
    checkArgument(x.cols() == rows(), "input has %s columns, the pruned matrix %s rows", x.cols(), rows());
    if (values.length > SPARSE_APPLY_MAX_DENSITY * rows() * cols()) {
      return x.times(product());
    }
    int b = x.rows();
    float[] xd = x.copyData();
    float[] y = new float[b * cols()];
    IntStream batch = IntStream.range(0, b);
    if ((long) b * values.length >= 1 << 18) {
      batch = batch.parallel();
    }
    batch.forEach(r -> {
      int xRow = r * rows();
      int yRow = r * cols();
      for (int i = 0; i < rows(); i++) {
        float xi = xd[xRow + i];
        if (xi == 0f) {
          continue;
        }
        for (int p = rowStart[i]; p < rowStart[i + 1]; p++) {
          y[yRow + colOf[p]] += xi * values[p];
        }
      }
    });
    return FloatMatrix.adopt(b, cols(), y);
  }

  @Override
  public String toString() {
    return String.format("PrunedFactorization[%dx%d, kept %d, %s]", rows(), cols(), values.length, positions());
  }
}
