package org.matcomp.linalg;

import java.util.stream.IntStream;

/**
 * Dense row-major matrix products in plain Java, parallel over output rows. The i-k-j loop order keeps the inner
 * loop a contiguous saxpy that the JIT vectorises; big products in a graph go to TF's MatMul instead.
 */
public final class Gemm {
  private static final long PARALLEL_THRESHOLD = 1L << 18;

  private Gemm() {}

  /** C (m×n) = A (m×k) · B (k×n). */
  public static float[] multiply(float[] a, int m, int k, float[] b, int n) {
    float[] c = new float[m * n];
    IntStream rows = IntStream.range(0, m);
    if ((long) m * k * n >= PARALLEL_THRESHOLD) {
      rows = rows.parallel();
    }
    rows.forEach(i -> {
      int cRow = i * n;
      int aRow = i * k;
      for (int p = 0; p < k; p++) {
        float aip = a[aRow + p];
        if (aip == 0f) {
          continue;
        }
        int bRow = p * n;
        for (int j = 0; j < n; j++) {
          c[cRow + j] += aip * b[bRow + j];
        }
      }
    });
    return c;
  }
}
