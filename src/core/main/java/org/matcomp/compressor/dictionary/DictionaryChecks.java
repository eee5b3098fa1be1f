package org.matcomp.compressor.dictionary;

import static com.google.common.base.Preconditions.checkArgument;

/** Input checks shared by the coder, the learner and the compressor; every message names the matrix. */
final class DictionaryChecks {
  private DictionaryChecks() {}

  /** Shape and finiteness of a rows × cols row-major matrix. */
  static void requireMatrix(String name, float[] data, int rows, int cols) {
    requireShape(name, data, rows, cols);
    requireFinite(name, data, rows, cols);
  }

  /** Shape only: for callers that detect non-finite entries on their own pass over the data. */
  static void requireShape(String name, float[] data, int rows, int cols) {
    checkArgument(rows > 0 && cols > 0, "%s has an empty shape %sx%s", name, rows, cols);
    checkArgument(data.length == (long) rows * cols, "%s has %s entries, shape %sx%s needs %s", name, data.length,
        rows, cols, (long) rows * cols);
  }

  /** Throws naming the first non-finite entry, if any. */
  static void requireFinite(String name, float[] data, int rows, int cols) {
    for (int i = 0; i < data.length; i++) {
      if (!Float.isFinite(data[i])) {
        throw new IllegalArgumentException(String.format("%s (%dx%d) has a non-finite entry %s at [%d, %d]", name,
            rows, cols, data[i], i / cols, i % cols));
      }
    }
  }

  /** A usable dictionary: finite, and no atom of zero norm (OMP would divide by it). */
  static void requireDictionary(String name, float[] dictionary, int atoms, int dim) {
    requireMatrix(name, dictionary, atoms, dim);
    for (int a = 0; a < atoms; a++) {
      if (!(Kernels.squaredNorm(dictionary, a * dim, dim) > 0)) {
        throw new IllegalArgumentException(String.format("%s (%dx%d) has a zero-norm atom at row %d", name, atoms,
            dim, a));
      }
    }
  }
}
