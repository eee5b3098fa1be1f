package org.matcomp.compressor.prune;

import static com.google.common.base.Preconditions.checkArgument;

/** Argument checks shared by the pruning rules and scores, so every message names the matrix the same way. */
final class Checks {
  private Checks() {}

  static void shape(String matrix, int rows, int cols) {
    checkArgument(rows > 0 && cols > 0, "%s has an empty or negative shape %sx%s", matrix, rows, cols);
  }

  /** {@code values} must hold rows·cols finite entries; {@code what} says which array ("weights", "scores"...). */
  static void finiteMatrix(String matrix, String what, float[] values, int rows, int cols) {
    length(matrix, what, values, rows, cols);
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        throw new IllegalArgumentException(String.format("%s (%dx%d): %s have a non-finite entry %s at [%d, %d]",
            matrix, rows, cols, what, values[i], i / cols, i % cols));
      }
    }
  }

  /** {@code values} must hold rows·cols entries of a non-empty shape. */
  static void length(String matrix, String what, float[] values, int rows, int cols) {
    shape(matrix, rows, cols);
    checkArgument(values.length == (long) rows * cols, "%s: %s hold %s entries, the %sx%s matrix needs %s", matrix,
        what, values.length, rows, cols, (long) rows * cols);
  }

  /** The reference's rule for every sparsity: a fraction in [0, 1) (pruning everything is never asked for). */
  static void sparsity(String matrix, double sparsity) {
    checkArgument(sparsity >= 0 && sparsity < 1, "%s: sparsity %s is outside [0, 1)", matrix, sparsity);
  }
}
