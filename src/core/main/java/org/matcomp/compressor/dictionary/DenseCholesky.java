package org.matcomp.compressor.dictionary;

/**
 * In-place Cholesky factorisation of a small symmetric positive definite matrix and solves with many right-hand
 * sides, for the least-squares dictionary update (K × K normal equations, K in the hundreds). Rows are separate
 * arrays so the solves run as contiguous saxpys over the right-hand sides.
 */
final class DenseCholesky {
  private DenseCholesky() {}

  /**
   * Overwrites the lower triangle of {@code a} (m × m, rows) with L such that L·Lᵀ = a. Returns false (leaving
   * {@code a} partly overwritten) when a pivot is not above {@code minPivot}: the matrix is singular to working
   * precision.
   */
  static boolean factor(double[][] a, int m, double minPivot) {
    for (int j = 0; j < m; j++) {
      double[] lj = a[j];
      double pivot = lj[j] - Kernels.dot(lj, lj, j);
      if (!(pivot > minPivot)) {
        return false;
      }
      double ljj = Math.sqrt(pivot);
      lj[j] = ljj;
      for (int i = j + 1; i < m; i++) {
        double[] li = a[i];
        li[j] = (li[j] - Kernels.dot(li, lj, j)) / ljj;
      }
    }
    return true;
  }

  /** Solves L·Lᵀ·X = B in place for B given as m rows of length n (B's rows become X's rows). */
  static void solve(double[][] l, int m, double[][] b, int n) {
    for (int i = 0; i < m; i++) {
      double[] li = l[i];
      for (int j = 0; j < i; j++) {
        Kernels.axpy(-li[j], b[j], b[i], n);
      }
      scale(b[i], 1.0 / li[i], n);
    }
    for (int i = m - 1; i >= 0; i--) {
      for (int j = i + 1; j < m; j++) {
        Kernels.axpy(-l[j][i], b[j], b[i], n);
      }
      scale(b[i], 1.0 / l[i][i], n);
    }
  }

  private static void scale(double[] x, double s, int n) {
    for (int i = 0; i < n; i++) {
      x[i] *= s;
    }
  }
}
