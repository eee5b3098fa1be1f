package org.matcomp.compressor.dictionary;

/**
 * The small dense loops every step of coding and learning is made of. Three rules keep a cold run fast on HotSpot 17
 * (measured with -XX:+LogCompilation: in a cold single call the optimising compiler's queue, not the arithmetic, was
 * the bottleneck, so what matters is how many compilations a run triggers):
 *
 * <ul>
 *   <li>They are tiny static methods, called millions of times, so the JIT compiles and vectorises them within the
 *       first milliseconds of a cold run, long before the larger methods that call them would be.
 *   <li>Each operates on whole row arrays from index 0. C2's SuperWord (JDK 17) gives up on {@code y[yo+i] +=
 *       a·x[xo+i]} because it cannot rule out that x and y are the same array at a shifted offset; with equal
 *       indices there is no such dependence and the loop vectorises (measured 5× faster). Hence the row-of-arrays
 *       layouts ({@code double[][]}, {@code float[][]}) inside this package.
 *   <li>Few of them, shared: one float kernel ({@link #axpy4}) serves correlations, updates and seeding, and a
 *       method that runs once per pass (a dictionary update, a Gram matrix) keeps no long loop of its own but calls
 *       small per-row methods like these, since a long loop makes the JIT compile the whole enclosing method
 *       on-stack, and often again normally.
 * </ul>
 */
final class Kernels {
  private Kernels() {}

  /** y[0..n) += a · x[0..n). */
  static void axpy(double a, double[] x, double[] y, int n) {
    for (int i = 0; i < n; i++) {
      y[i] += a * x[i];
    }
  }

  /** y[0..n) += a · x[0..n), float storage. */
  static void axpy(float a, float[] x, float[] y, int n) {
    for (int i = 0; i < n; i++) {
      y[i] += a * x[i];
    }
  }

  /** y[0..n) += a · x[0..n), a float row accumulated in double. */
  static void axpy(double a, float[] x, double[] y, int n) {
    for (int i = 0; i < n; i++) {
      y[i] += a * x[i];
    }
  }

  /**
   * y[0..n) += c0·x0 + c1·x1 + c2·x2 + c3·x3, four rows per pass so y is loaded and stored once per four. This is
   * the one vectorised float kernel of coding and learning: the correlations D·x (four dictionary dimensions per
   * call), the updates α = α⁰ − G_I·γ (four Gram rows per call, coefficients negated) and the seeding's inner
   * products all go through it, so a cold JVM compiles a single hot loop with C2 instead of one copy per use.
   * Four is the sweet spot on HotSpot 17: eight rows measured 4× slower (too many live array bases), two or one
   * 20–70% slower (more passes over y). Unused slots take coefficient 0 with any finite row.
   *
   * <p>The sum is formed as y + (((c0·x0 + c1·x1) + c2·x2) + c3·x3) in float, as Java evaluates it; negating all
   * four coefficients gives exactly y − (c0·x0 + ... ), since rounding is symmetric in sign.
   */
  static void axpy4(float c0, float[] x0, float c1, float[] x1, float c2, float[] x2, float c3, float[] x3,
      float[] y, int n) {
    for (int i = 0; i < n; i++) {
      y[i] += c0 * x0[i] + c1 * x1[i] + c2 * x2[i] + c3 * x3[i];
    }
  }

  /**
   * y[0..n) += Σ_{p<count} c[p] · rows[p][0..n), a matrix-vector product as {@link #axpy4} passes. A last partial
   * group is padded with zero coefficients, which changes no magnitude (only, possibly, the sign of a zero).
   */
  static void gemv4(float[] c, float[][] rows, int count, float[] y, int n) {
    int p = 0;
    for (; p + 3 < count; p += 4) {
      axpy4(c[p], rows[p], c[p + 1], rows[p + 1], c[p + 2], rows[p + 2], c[p + 3], rows[p + 3], y, n);
    }
    if (p < count) {
      float[] r0 = rows[p];
      axpy4(c[p], r0, p + 1 < count ? c[p + 1] : 0f, p + 1 < count ? rows[p + 1] : r0,
          p + 2 < count ? c[p + 2] : 0f, p + 2 < count ? rows[p + 2] : r0, 0f, r0, y, n);
    }
  }

  /** Σ x[xo+i]·y[yo+i] in double with four partial sums (the JIT does not reorder a floating-point reduction). */
  static double dot(float[] x, int xo, float[] y, int yo, int n) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 += (double) x[xo + i] * y[yo + i];
      s1 += (double) x[xo + i + 1] * y[yo + i + 1];
      s2 += (double) x[xo + i + 2] * y[yo + i + 2];
      s3 += (double) x[xo + i + 3] * y[yo + i + 3];
    }
    for (; i < n; i++) {
      s0 += (double) x[xo + i] * y[yo + i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** Σ x[i]·y[i] over whole rows, in double with four partial sums. */
  static double dot(double[] x, double[] y, int n) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 += x[i] * y[i];
      s1 += x[i + 1] * y[i + 1];
      s2 += x[i + 2] * y[i + 2];
      s3 += x[i + 3] * y[i + 3];
    }
    for (; i < n; i++) {
      s0 += x[i] * y[i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** Σ x[xo+i]² in double. */
  static double squaredNorm(float[] x, int xo, int n) {
    return dot(x, xo, x, xo, n);
  }

  /** y[0..n) = x[xo..xo+n) in double; returns Σ y², summed like {@link #dot(double[], double[], int)}. */
  static double widen(float[] x, int xo, double[] y, int n) {
    for (int i = 0; i < n; i++) {
      y[i] = x[xo + i];
    }
    return dot(y, y, n);
  }

  /** Row r of a row-major matrix as its own array. */
  static float[][] rows(float[] data, int rows, int cols) {
    float[][] out = new float[rows][cols];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(data, r * cols, out[r], 0, cols);
    }
    return out;
  }
}
