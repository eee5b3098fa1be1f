package org.matcomp.linalg;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;

/**
 * An immutable dense row-major float matrix. Algorithms work on flat arrays ({@link #copyData()}); this type
 * carries matrices between layers with their shape attached.
 */
public final class FloatMatrix {
  private final int rows;
  private final int cols;
  private final float[] data;

  private FloatMatrix(int rows, int cols, float[] data) {
    this.rows = rows;
    this.cols = cols;
    this.data = data;
  }

  /** Copies {@code data} (row-major, rows·cols entries). */
  public static FloatMatrix of(int rows, int cols, float[] data) {
    checkShape(rows, cols, data.length);
    return new FloatMatrix(rows, cols, data.clone());
  }

  /**
   * Takes ownership of {@code data} without copying: the caller must not touch it afterwards. For algorithm outputs
   * that were just allocated, where a copy would only cost memory.
   */
  public static FloatMatrix adopt(int rows, int cols, float[] data) {
    checkShape(rows, cols, data.length);
    return new FloatMatrix(rows, cols, data);
  }

  public static FloatMatrix zeros(int rows, int cols) {
    checkShape(rows, cols, (long) rows * cols);
    return new FloatMatrix(rows, cols, new float[rows * cols]);
  }

  private static void checkShape(int rows, int cols, long length) {
    checkArgument(rows >= 0 && cols >= 0, "negative shape %sx%s", rows, cols);
    checkArgument((long) rows * cols == length, "shape %sx%s needs %s entries, got %s", rows, cols,
        (long) rows * cols, length);
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  public long size() {
    return (long) rows * cols;
  }

  public float get(int i, int j) {
    return data[i * cols + j];
  }

  /** A fresh row-major copy of the entries. */
  public float[] copyData() {
    return data.clone();
  }

  /** Copies the entries into {@code dst} (for callers that reuse buffers). */
  public void copyInto(float[] dst) {
    checkArgument(dst.length == data.length, "destination holds %s entries, matrix %s", dst.length, data.length);
    System.arraycopy(data, 0, dst, 0, data.length);
  }

  public FloatMatrix transpose() {
    float[] t = new float[data.length];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        t[j * rows + i] = data[i * cols + j];
      }
    }
    return new FloatMatrix(cols, rows, t);
  }

  /** this · other, multi-threaded. */
  public FloatMatrix times(FloatMatrix other) {
    checkArgument(cols == other.rows, "cannot multiply %sx%s by %sx%s", rows, cols, other.rows, other.cols);
    return new FloatMatrix(rows, other.cols, Gemm.multiply(data, rows, cols, other.data, other.cols));
  }

  /** ‖this‖_F, accumulated in double. */
  public double frobeniusNorm() {
    double s = 0;
    for (float v : data) {
      s += (double) v * v;
    }
    return Math.sqrt(s);
  }

  /** ‖this − other‖_F / ‖this‖_F, accumulated in double; 0 when both are zero. */
  public double relativeErrorTo(FloatMatrix other) {
    checkArgument(rows == other.rows && cols == other.cols, "shapes differ: %sx%s vs %sx%s", rows, cols,
        other.rows, other.cols);
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < data.length; i++) {
      double d = (double) data[i] - other.data[i];
      diff += d * d;
      norm += (double) data[i] * data[i];
    }
    if (norm == 0) {
      return diff == 0 ? 0 : Double.POSITIVE_INFINITY;
    }
    return Math.sqrt(diff / norm);
  }

  public double maxAbsDifference(FloatMatrix other) {
    checkArgument(rows == other.rows && cols == other.cols, "shapes differ: %sx%s vs %sx%s", rows, cols,
        other.rows, other.cols);
    double m = 0;
    for (int i = 0; i < data.length; i++) {
      m = Math.max(m, Math.abs((double) data[i] - other.data[i]));
    }
    return m;
  }

  /**
   * Throws if any entry is NaN or infinite, naming {@code what} and the first bad entry: a factorisation of such a
   * matrix would silently produce garbage.
   */
  public FloatMatrix requireFinite(String what) {
    for (int i = 0; i < data.length; i++) {
      if (!Float.isFinite(data[i])) {
        throw new IllegalArgumentException(String.format("%s (%dx%d) has a non-finite entry %s at [%d, %d]", what,
            rows, cols, data[i], i / cols, i % cols));
      }
    }
    return this;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FloatMatrix m && rows == m.rows && cols == m.cols && Arrays.equals(data, m.data);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * rows + cols) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "FloatMatrix[" + rows + "x" + cols + "]";
  }
}
