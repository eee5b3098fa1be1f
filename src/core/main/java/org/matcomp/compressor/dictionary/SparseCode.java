package org.matcomp.compressor.dictionary;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;

/**
 * A sparse code Z (rows × atoms) stored as at most {@code width} (index, value) slots per row, row-major. A row
 * that needed fewer atoms (its residual reached zero or the tolerance first) has {@link #count(int)} below the
 * width, and its unused slots hold index 0 with value 0 — so any consumer may sum all {@code width} slots of a row
 * (as the compressed factors are read in a graph) and get the same product. Immutable: arrays are copied out.
 */
public final class SparseCode {
  private final int rows;
  private final int width;
  private final int[] indices;
  private final float[] values;
  private final int[] counts;
  private final double[] squaredResiduals;

  /** Takes ownership of the arrays (algorithm outputs); callers outside the package use {@link #of}. */
  SparseCode(int rows, int width, int[] indices, float[] values, int[] counts, double[] squaredResiduals) {
    this.rows = rows;
    this.width = width;
    this.indices = indices;
    this.values = values;
    this.counts = counts;
    this.squaredResiduals = squaredResiduals;
  }

  /**
   * A code from its slots (copied). Rows with fewer atoms must have their trailing slots padded with (0, 0).
   *
   * @param atoms the dictionary size, to check the indices
   */
  public static SparseCode of(int rows, int width, int atoms, int[] indices, float[] values) {
    checkArgument(rows >= 0 && width > 0, "code shape %sx%s is invalid", rows, width);
    checkArgument(indices.length == (long) rows * width && values.length == indices.length,
        "code of %s rows x %s slots needs %s indices and values, got %s and %s", rows, width,
        (long) rows * width, indices.length, values.length);
    int[] counts = new int[rows];
    for (int r = 0; r < rows; r++) {
      int c = 0;
      for (int s = 0; s < width; s++) {
        int idx = indices[r * width + s];
        checkArgument(idx >= 0 && idx < atoms, "code index %s at row %s, slot %s is outside [0, %s)", idx, r, s,
            atoms);
        checkArgument(Float.isFinite(values[r * width + s]), "code value at row %s, slot %s is %s", r, s,
            values[r * width + s]);
        if (values[r * width + s] != 0) {
          c = s + 1;
        }
      }
      counts[r] = c;
    }
    double[] unknown = new double[rows];
    Arrays.fill(unknown, Double.NaN);
    return new SparseCode(rows, width, indices.clone(), values.clone(), counts, unknown);
  }

  public int rows() {
    return rows;
  }

  /** Slots per row: the target number of nonzeros k. */
  public int width() {
    return width;
  }

  /** Atoms actually used by {@code row} (its leading slots); the rest are (0, 0) padding. */
  public int count(int row) {
    return counts[row];
  }

  public int index(int row, int slot) {
    return indices[row * width + slot];
  }

  public float value(int row, int slot) {
    return values[row * width + slot];
  }

  /** rows × width atom indices, row-major, in the order the atoms were chosen. */
  public int[] indices() {
    return indices.clone();
  }

  /** rows × width coefficients matching {@link #indices()}. */
  public float[] values() {
    return values.clone();
  }

  public int[] counts() {
    return counts.clone();
  }

  /**
   * ‖x_r − z_r·D‖² per row as the coder computed it for the stored (float) values, by the Gram identity
   * ‖x‖² − 2z·D·x + z·G·zᵀ in double; NaN for a code built with {@link #of}.
   */
  public double[] squaredResiduals() {
    return squaredResiduals.clone();
  }

  /**
   * The arrays themselves, for readers in this package that promise not to modify them (a factorization built from
   * this code shares them instead of copying megabytes).
   */
  int[] indicesShared() {
    return indices;
  }

  float[] valuesShared() {
    return values;
  }

  double[] squaredResidualsShared() {
    return squaredResiduals;
  }

  /** Z·D as a dense rows × dim array, for a dictionary of {@code atoms} rows of length {@code dim}. */
  public float[] times(float[] dictionary, int atoms, int dim) {
    checkArgument(dictionary.length == (long) atoms * dim, "dictionary has %s entries, shape %sx%s",
        dictionary.length, atoms, dim);
    float[][] atomRows = Kernels.rows(dictionary, atoms, dim);
    float[] out = new float[rows * dim];
    Workers.forRanges(rows, 1024, () -> new float[dim], (row, from, to) -> {
      for (int r = from; r < to; r++) {
        Arrays.fill(row, 0f);
        for (int s = 0; s < counts[r]; s++) {
          int at = r * width + s;
          Kernels.axpy(values[at], atomRows[indices[at]], row, dim);
        }
        System.arraycopy(row, 0, out, r * dim, dim);
      }
    });
    return out;
  }

  /**
   * ‖X − Z·D‖_F / ‖X‖_F computed exactly row by row in double, without forming Z·D; 0 when X and the residual are
   * both zero.
   */
  public double relativeError(float[] signals, float[] dictionary, int dim) {
    checkArgument(signals.length == (long) rows * dim, "signals have %s entries, expected %s x %s",
        signals.length, rows, dim);
    checkArgument(dictionary.length % dim == 0, "dictionary length %s is not a multiple of dim %s",
        dictionary.length, dim);
    float[][] atomRows = Kernels.rows(dictionary, dictionary.length / dim, dim);
    double[] err = new double[rows];
    double[] norm = new double[rows];
    Workers.forRanges(rows, 1024, () -> new double[dim], (r0, from, to) -> {
      for (int r = from; r < to; r++) {
        for (int p = 0; p < dim; p++) {
          r0[p] = signals[r * dim + p];
        }
        for (int s = 0; s < counts[r]; s++) {
          int at = r * width + s;
          Kernels.axpy(-(double) values[at], atomRows[indices[at]], r0, dim);
        }
        double e = 0;
        for (int p = 0; p < dim; p++) {
          e += r0[p] * r0[p];
        }
        err[r] = e;
        norm[r] = Kernels.squaredNorm(signals, r * dim, dim);
      }
    });
    double e = 0;
    double x = 0;
    for (int r = 0; r < rows; r++) {
      e += err[r];
      x += norm[r];
    }
    if (x == 0) {
      return e == 0 ? 0 : Double.POSITIVE_INFINITY;
    }
    return Math.sqrt(e / x);
  }

  @Override
  public String toString() {
    return "SparseCode[" + rows + " rows x " + width + " slots]";
  }
}
