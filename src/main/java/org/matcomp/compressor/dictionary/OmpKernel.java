package org.matcomp.compressor.dictionary;

import java.util.Arrays;

/**
 * One thread's Batch-OMP (Rubinstein, Zibulevsky &amp; Elad 2008, Alg. 1) for one signal at a time, with every work
 * array allocated once. Per signal it costs one product D·x (K·d) plus, per chosen atom, a triangular solve on the
 * growing Cholesky factor of G_II and a pass over the Gram rows of the active atoms; no matrix is inverted or
 * refactored.
 *
 * <p>It follows scikit-learn's {@code _gram_omp} step by step so that supports agree:
 *
 * <ul>
 *   <li>the atom taken is the argmax of |α| over scikit-learn's working order, which swaps each chosen atom to the
 *       front — so on an exact tie the atom earliest in that order wins, not simply the lowest index;
 *   <li>it stops when that atom is already active or its α² is below float64 epsilon, when the new Cholesky pivot
 *       is ≤ epsilon (dependent atoms), at k atoms, or once ‖x‖² − γᵀα⁰_I reaches the tolerance.
 * </ul>
 *
 * <p>Precision: α is only used to rank atoms, so it is kept in float; the chosen atom's correlation, the Cholesky
 * factor, γ and the residual are recomputed in double. Coefficients therefore match scikit-learn to float64 round-off;
 * a support can differ only where two correlations tie to within float round-off (≈1e-7 relative).
 */
final class OmpKernel {
  /** numpy's float64 epsilon, scikit-learn's {@code min_float} for float64 Gram matrices. */
  static final double EPS = Math.ulp(1.0);

  private final GramDictionary g;
  private final int maxAtoms;
  private final double tolerance;
  private final float[] x;
  private final double[] xd;
  private final float[] alpha0;
  private final float[] alpha;
  private final double[] alpha0Selected;
  private final double[] chol;
  private final double[] w;
  private final int[] position;
  private final int[] atomAt;
  private final int[] swappedWith;
  private double pendingAlpha0;

  /** Atoms chosen for the last signal, in the order chosen; the first {@link #count} entries are valid. */
  final int[] selected;
  /** Least-squares coefficients of {@link #selected} for the last signal. */
  final double[] coefficients;
  int count;
  /** ‖x − D_Iᵀγ‖² of the last signal by the Gram identity ‖x‖² − γᵀα⁰_I. */
  double residual;

  /**
   * @param tolerance stop once the squared residual is at most this; negative for none (then exactly
   *     {@code maxAtoms} atoms unless the signal is represented exactly sooner)
   */
  OmpKernel(GramDictionary g, int maxAtoms, double tolerance) {
    this.g = g;
    this.maxAtoms = maxAtoms;
    this.tolerance = tolerance;
    int k = g.atoms;
    x = new float[g.dim];
    xd = new double[g.dim];
    alpha0 = new float[k];
    alpha = new float[k];
    alpha0Selected = new double[maxAtoms];
    chol = new double[maxAtoms * maxAtoms];
    w = new double[maxAtoms];
    position = new int[k];
    atomAt = new int[k];
    for (int i = 0; i < k; i++) {
      position[i] = i;
      atomAt[i] = i;
    }
    swappedWith = new int[maxAtoms];
    selected = new int[maxAtoms];
    coefficients = new double[maxAtoms];
  }

  /** Codes the signal signals[offset .. offset+dim); results in the fields. */
  void code(float[] signals, int offset) {
    // Deliberately a short driver over small methods: each of them runs several times per signal, so in a cold
    // JVM they reach the optimising compiler after a few hundred signals, where one big method would run
    // profiled C1 code until thousands of signals had passed.
    double norm2 = load(signals, offset);
    correlations();
    float[] ranked = alpha0;
    int n = 0;
    double resid = norm2;
    while (true) {
      int lam = choose(ranked, n);
      if (lam < 0) {
        break;
      }
      accept(lam, n);
      n++;
      solveCoefficients(n);
      if (tolerance >= 0) {
        resid = norm2 - dotSelected(n);
        if (Math.abs(resid) <= tolerance) {
          break;
        }
      }
      if (n == maxAtoms) {
        break;
      }
      updateCorrelations(n);
      ranked = alpha;
    }
    count = n;
    residual = tolerance >= 0 && n > 0 ? resid : norm2 - dotSelected(n);
    restoreWorkingOrder(n);
  }

  /** Copies the signal into the work arrays; returns ‖x‖². */
  private double load(float[] signals, int offset) {
    final int d = g.dim;
    System.arraycopy(signals, offset, x, 0, d);
    double norm2 = 0;
    for (int p = 0; p < d; p++) {
      xd[p] = x[p];
      norm2 += xd[p] * xd[p];
    }
    return norm2;
  }

  /**
   * The next atom given the current ranking with n atoms active, with its Cholesky row written to row n of the
   * factor and its exact correlation to {@link #pendingAlpha0}; −1 when OMP stops (the atom is already active,
   * its correlation has vanished, or it depends on the active atoms).
   */
  private int choose(float[] ranked, int n) {
    final double[][] gram = g.gram;
    int lam = argmaxAbs(ranked, g.atoms);
    if (n > 0) {
      lam = earliestInWorkingOrder(ranked, lam, n);
    }
    double a0 = Kernels.dot(xd, g.atomRows[lam], g.dim);
    double a = a0;
    for (int i = 0; i < n; i++) {
      a -= coefficients[i] * gram[selected[i]][lam];
    }
    if (position[lam] < n || a * a < EPS) {
      return -1;
    }
    if (n == 0) {
      chol[0] = Math.sqrt(gram[lam][lam]);
    } else {
      // w = L⁻¹ G_{I,λ}: the new row of the Cholesky factor of G_II.
      double v = 0;
      for (int i = 0; i < n; i++) {
        double s = gram[selected[i]][lam];
        int row = i * maxAtoms;
        for (int j = 0; j < i; j++) {
          s -= chol[row + j] * w[j];
        }
        s /= chol[row + i];
        w[i] = s;
        v += s * s;
      }
      double pivot = gram[lam][lam] - v;
      if (pivot <= EPS) {
        return -1;
      }
      int row = n * maxAtoms;
      System.arraycopy(w, 0, chol, row, n);
      chol[row + n] = Math.sqrt(pivot);
    }
    pendingAlpha0 = a0;
    return lam;
  }

  /** Makes λ the n-th active atom, mirroring scikit-learn's swap of it into working position n. */
  private void accept(int lam, int n) {
    int p = position[lam];
    int displaced = atomAt[n];
    atomAt[p] = displaced;
    position[displaced] = p;
    atomAt[n] = lam;
    position[lam] = n;
    swappedWith[n] = p;
    selected[n] = lam;
    alpha0Selected[n] = pendingAlpha0;
  }

  /** Undoes the swaps in reverse, so the working order is the identity again for the next signal. */
  private void restoreWorkingOrder(int n) {
    for (int i = n - 1; i >= 0; i--) {
      int p = swappedWith[i];
      int a = atomAt[i];
      int b = atomAt[p];
      atomAt[i] = b;
      atomAt[p] = a;
      position[b] = i;
      position[a] = p;
    }
  }

  /**
   * Least-squares coefficients of signals[offset..offset+dim) on a fixed support (the previous code's atoms under
   * an updated dictionary), by the same Cholesky route; results in the fields like {@link #code}. Atoms that turn
   * out dependent (pivot ≤ epsilon) are dropped, so {@link #count} may shrink.
   */
  void refit(float[] signals, int offset, int[] support, int supportOffset, int supportCount) {
    final int d = g.dim;
    final double[][] gram = g.gram;
    double norm2 = 0;
    for (int p = 0; p < d; p++) {
      xd[p] = signals[offset + p];
      norm2 += xd[p] * xd[p];
    }
    int n = 0;
    for (int t = 0; t < supportCount; t++) {
      int lam = support[supportOffset + t];
      double v = 0;
      for (int i = 0; i < n; i++) {
        double s = gram[selected[i]][lam];
        int row = i * maxAtoms;
        for (int j = 0; j < i; j++) {
          s -= chol[row + j] * w[j];
        }
        s /= chol[row + i];
        w[i] = s;
        v += s * s;
      }
      double pivot = gram[lam][lam] - v;
      if (pivot <= EPS) {
        continue;
      }
      int row = n * maxAtoms;
      System.arraycopy(w, 0, chol, row, n);
      chol[row + n] = Math.sqrt(pivot);
      selected[n] = lam;
      alpha0Selected[n] = Kernels.dot(xd, g.atomRows[lam], d);
      n++;
    }
    solveCoefficients(n);
    count = n;
    residual = norm2 - dotSelected(n);
  }

  /** α⁰ = D·x, four dictionary dimensions per pass over the K correlations. */
  private void correlations() {
    final int k = g.atoms;
    final int d = g.dim;
    Arrays.fill(alpha0, 0f);
    int p = 0;
    for (; p + 3 < d; p += 4) {
      Kernels.axpy4(x, p, g.transposed, alpha0, k);
    }
    for (; p < d; p++) {
      Kernels.axpy(x[p], g.transposed[p], alpha0, k);
    }
  }

  /** α = α⁰ − G_I·γ, four Gram rows per pass. */
  private void updateCorrelations(int n) {
    final int k = g.atoms;
    final float[][] gf = g.gramFloat;
    float[] src = alpha0;
    for (int i = 0; i < n; i += 4) {
      float[] g0 = gf[selected[i]];
      float c0 = (float) coefficients[i];
      float[] g1 = i + 1 < n ? gf[selected[i + 1]] : g0;
      float c1 = i + 1 < n ? (float) coefficients[i + 1] : 0f;
      float[] g2 = i + 2 < n ? gf[selected[i + 2]] : g0;
      float c2 = i + 2 < n ? (float) coefficients[i + 2] : 0f;
      float[] g3 = i + 3 < n ? gf[selected[i + 3]] : g0;
      float c3 = i + 3 < n ? (float) coefficients[i + 3] : 0f;
      Kernels.subtract4(src, alpha, c0, g0, c1, g1, c2, g2, c3, g3, k);
      src = alpha;
    }
  }

  /** γ = (L Lᵀ)⁻¹ α⁰_I by a forward and a backward substitution. */
  private void solveCoefficients(int n) {
    double[] y = coefficients;
    for (int i = 0; i < n; i++) {
      double s = alpha0Selected[i];
      int row = i * maxAtoms;
      for (int j = 0; j < i; j++) {
        s -= chol[row + j] * y[j];
      }
      y[i] = s / chol[row + i];
    }
    for (int i = n - 1; i >= 0; i--) {
      double s = y[i];
      for (int j = i + 1; j < n; j++) {
        s -= chol[j * maxAtoms + i] * y[j];
      }
      y[i] = s / chol[i * maxAtoms + i];
    }
  }

  private double dotSelected(int n) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += coefficients[i] * alpha0Selected[i];
    }
    return s;
  }

  /**
   * The first index of the largest |a[j]|. Kept free of any tie logic: the plain compare-and-select loop runs about
   * twice as fast, and ties are settled afterwards by {@link #earliestInWorkingOrder}.
   */
  static int argmaxAbs(float[] a, int n) {
    int best = 0;
    float bestValue = Math.abs(a[0]);
    for (int j = 1; j < n; j++) {
      float v = Math.abs(a[j]);
      if (v > bestValue) {
        best = j;
        bestValue = v;
      }
    }
    return best;
  }

  /**
   * Among the atoms whose |a| equals that of {@code best} (the first such index), the one numpy's argmax would
   * return over scikit-learn's swapped working order. Only atoms moved by a swap have a position other than their
   * index, and they sit at positions 0..n−1 and at the positions the displaced atoms went to; if {@code best} was
   * not moved, only those can come before it. If it was moved, any tie can, so all atoms are checked (rare: the
   * winner is then one of the few displaced atoms).
   */
  private int earliestInWorkingOrder(float[] a, int best, int n) {
    float m = Math.abs(a[best]);
    if (position[best] != best) {
      for (int j = 0; j < a.length; j++) {
        if (Math.abs(a[j]) == m && position[j] < position[best]) {
          best = j;
        }
      }
      return best;
    }
    for (int i = 0; i < n; i++) {
      int c = atomAt[i];
      if (Math.abs(a[c]) == m && position[c] < position[best]) {
        best = c;
      }
      c = atomAt[swappedWith[i]];
      if (Math.abs(a[c]) == m && position[c] < position[best]) {
        best = c;
      }
    }
    return best;
  }
}
