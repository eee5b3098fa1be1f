package org.matcomp.compressor.dictionary;

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
  /** K zeros, to clear α⁰ by an array copy (an intrinsic in every tier, where a fill loop must first be compiled). */
  private final float[] zeros;
  private final double[] alpha0Selected;
  /** Rows of the Cholesky factor L of G_II (row i holds L[i][0..i]); separate arrays keep the JIT's range checks simple. */
  private final double[][] chol;
  private final double[] w;
  private final int[] position;
  private final int[] atomAt;
  private final int[] swappedWith;

  /** Atoms chosen for the last signal, in the order chosen; the first {@link #count} entries are valid. */
  final int[] selected;
  /** Least-squares coefficients of {@link #selected} for the last signal. */
  final double[] coefficients;
  /** y = L⁻¹α⁰_I, the forward half of the coefficient solve, grown by one entry per chosen atom. */
  private final double[] forward;
  int count;
  /**
   * ‖x − D_Iᵀv‖² of the last signal for the coefficients v as stored (see {@link #storedResidual}), by the Gram
   * identity in double; NaN or infinite if the signal has a non-finite entry (it is then not coded).
   */
  double residual;
  /** ‖x‖² of the last signal, in double. */
  double squaredNorm;

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
    zeros = new float[k];
    alpha0Selected = new double[maxAtoms];
    chol = new double[maxAtoms][maxAtoms];
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
    forward = new double[maxAtoms];
  }

  /** Codes the signal signals[offset .. offset+dim); results in the fields. */
  void code(float[] signals, int offset) {
    // Deliberately a short driver over small methods: each of them runs several times per signal, so in a cold
    // JVM they reach the optimising compiler after a few hundred signals, where one big method would run
    // profiled C1 code until thousands of signals had passed.
    double norm2 = load(signals, offset);
    squaredNorm = norm2;
    if (!Double.isFinite(norm2)) {
      // A NaN or infinite entry (a finite float squared and summed over a row cannot overflow a double). The
      // caller reports it by name; coding it would only propagate NaN.
      count = 0;
      residual = norm2;
      return;
    }
    correlations();
    float[] ranked = alpha0;
    int n = 0;
    while (true) {
      int lam = argmaxAbs(ranked, g.atoms);
      if (n > 0) {
        lam = earliestInWorkingOrder(ranked, lam, n);
      }
      int grown = adopt(lam, n, Kernels.dot(xd, g.atomRowsDouble[lam], g.dim), true);
      if (grown < 0) {
        break;
      }
      n = grown;
      if (tolerance >= 0 && Math.abs(norm2 - dotSelected(n)) <= tolerance) {
        break;
      }
      if (n == maxAtoms) {
        break;
      }
      updateCorrelations(n);
      ranked = alpha;
    }
    count = n;
    residual = storedResidual(norm2, n);
    restoreWorkingOrder(n);
  }

  /**
   * ‖x − D_Iᵀv‖² for the first n coefficients v = γ rounded to float, as they are stored. For the least-squares γ
   * (G_II·γ = α⁰_I) the Gram identity ‖x‖² − 2vᵀα⁰_I + vᵀG_IIv reduces to ‖x‖² − γᵀα⁰_I + δᵀG_IIδ with δ = v − γ;
   * float rounding makes δ ~6e-8·|γ|, so that last term (~4e-15·‖γ‖²) lies below the double round-off of the
   * first two, and the residual of the stored code is ‖x‖² − γᵀα⁰_I to working precision.
   */
  private double storedResidual(double norm2, int n) {
    return norm2 - dotSelected(n);
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
   * Makes λ the n-th active atom and returns n + 1, with the Cholesky factor of G_II grown by one row, y = L⁻¹α⁰_I
   * by one entry (the earlier entries do not change) and γ = L⁻ᵀy solved afresh; or returns −1, changing nothing,
   * when λ depends on the active atoms (the new pivot is ≤ epsilon). For OMP ({@code omp}) it also returns −1 when
   * scikit-learn stops: λ is already active or its residual correlation α⁰_λ − G_{λ,I}·γ has vanished; and it
   * swaps λ into working position n as scikit-learn does.
   *
   * <p>One method for the whole step, not one per stage: in a cold JVM each small method with loops was compiled
   * on its own, several of them twice (on-stack and standard), and the optimising compiler's queue, not the
   * arithmetic, set the pace. Rows 0 and n − 1 of the triangular loops are peeled, so that every pass of an outer
   * loop runs its inner loop: with i = 0 the JIT's hoisted range check on w[i − 1] failed at once, and the method
   * was deoptimised and recompiled repeatedly.
   */
  private int adopt(int lam, int n, double a0, boolean omp) {
    final double[][] gram = g.gram;
    if (omp) {
      double a = a0;
      for (int i = 0; i < n; i++) {
        a -= coefficients[i] * gram[selected[i]][lam];
      }
      if (position[lam] < n || a * a < EPS) {
        return -1;
      }
    }
    double[] ln = chol[n];
    if (n == 0) {
      // scikit-learn takes the first atom without a pivot test; a refit still drops a (near-)zero atom.
      if (!omp && gram[lam][lam] <= EPS) {
        return -1;
      }
      ln[0] = Math.sqrt(gram[lam][lam]);
    } else {
      // w = L⁻¹·G_{I,λ}, the new row of the factor; pivot G_λλ − ‖w‖².
      double s0 = gram[selected[0]][lam] / chol[0][0];
      w[0] = s0;
      double v = s0 * s0;
      for (int i = 1; i < n; i++) {
        double[] li = chol[i];
        double s = gram[selected[i]][lam];
        for (int j = 0; j < i; j++) {
          s -= li[j] * w[j];
        }
        s /= li[i];
        w[i] = s;
        v += s * s;
      }
      double pivot = gram[lam][lam] - v;
      if (pivot <= EPS) {
        return -1;
      }
      System.arraycopy(w, 0, ln, 0, n);
      ln[n] = Math.sqrt(pivot);
    }
    if (omp) {
      int p = position[lam];
      int displaced = atomAt[n];
      atomAt[p] = displaced;
      position[displaced] = p;
      atomAt[n] = lam;
      position[lam] = n;
      swappedWith[n] = p;
    }
    selected[n] = lam;
    alpha0Selected[n] = a0;
    double f = a0;
    for (int j = 0; j < n; j++) {
      f -= ln[j] * forward[j];
    }
    forward[n] = f / ln[n];
    // γ = L⁻ᵀy from the last row up, counted forwards: a counting-down loop that starts below its bound (n = 0)
    // failed the JIT's loop-limit predicate and cost a recompilation.
    double[] y = coefficients;
    int m = n + 1;
    y[n] = forward[n] / ln[n];
    for (int q = 1; q < m; q++) {
      int i = n - q;
      double s = forward[i];
      for (int j = i + 1; j < m; j++) {
        s -= chol[j][i] * y[j];
      }
      y[i] = s / chol[i][i];
    }
    return m;
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
   * out dependent (pivot ≤ epsilon) are dropped, so {@link #count} may shrink. The row comes in double (the
   * learner keeps X so, making its inner products and accumulations vectorisable), with its ‖x‖².
   */
  void refit(double[] xRow, double norm2, int[] support, int supportOffset, int supportCount) {
    final double[][] atomsD = g.atomRowsDouble;
    final int d = g.dim;
    int n = 0;
    for (int t = 0; t < supportCount; t++) {
      int lam = support[supportOffset + t];
      int grown = adopt(lam, n, Kernels.dot(xRow, atomsD[lam], d), false);
      if (grown > 0) {
        n = grown;
      }
    }
    count = n;
    squaredNorm = norm2;
    residual = storedResidual(norm2, n);
  }

  /** α⁰ = D·x, four dictionary dimensions per pass over the K correlations. */
  private void correlations() {
    System.arraycopy(zeros, 0, alpha0, 0, g.atoms);
    Kernels.gemv4(x, g.transposed, g.dim, alpha0, g.atoms);
  }

  /** α = α⁰ − G_I·γ, four Gram rows per pass; −γ so that the one kernel {@link Kernels#axpy4} serves. */
  private void updateCorrelations(int n) {
    final int k = g.atoms;
    final float[][] gf = g.gramFloat;
    System.arraycopy(alpha0, 0, alpha, 0, k);
    for (int i = 0; i < n; i += 4) {
      float[] g0 = gf[selected[i]];
      float c0 = -(float) coefficients[i];
      float[] g1 = i + 1 < n ? gf[selected[i + 1]] : g0;
      float c1 = i + 1 < n ? -(float) coefficients[i + 1] : -0f;
      float[] g2 = i + 2 < n ? gf[selected[i + 2]] : g0;
      float c2 = i + 2 < n ? -(float) coefficients[i + 2] : -0f;
      float[] g3 = i + 3 < n ? gf[selected[i + 3]] : g0;
      float c3 = i + 3 < n ? -(float) coefficients[i + 3] : -0f;
      Kernels.axpy4(c0, g0, c1, g1, c2, g2, c3, g3, alpha, k);
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
