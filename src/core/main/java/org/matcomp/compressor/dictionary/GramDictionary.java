package org.matcomp.compressor.dictionary;

/**
 * A dictionary prepared for Batch-OMP, shared read-only by the coding threads. The correlations α = D·x − G_I·γ
 * that only rank atoms are kept in float (half the memory traffic of the two hot loops); everything that decides a
 * value — the Cholesky factor of G_II, the chosen atoms' correlations, the coefficients and the residual — is
 * computed in double from {@link #gram} and {@link #atomRowsDouble}, like scikit-learn's float64 {@code
 * orthogonal_mp_gram}. Rows are separate arrays (see {@link Kernels}).
 */
final class GramDictionary {
  final int atoms;
  final int dim;
  /** The atoms in double (exact copies), for double inner products. */
  final double[][] atomRowsDouble;
  /** dim rows of length atoms: transposed[p][j] = D[j][p], for α⁰ = D·x as saxpys. */
  final float[][] transposed;
  /** G = D·Dᵀ in double, symmetric. */
  final double[][] gram;
  /** G rounded to float, for the α updates. */
  final float[][] gramFloat;

  private GramDictionary(int atoms, int dim, double[][] atomRowsDouble, float[][] transposed, double[][] gram,
      float[][] gramFloat) {
    this.atoms = atoms;
    this.dim = dim;
    this.atomRowsDouble = atomRowsDouble;
    this.transposed = transposed;
    this.gram = gram;
    this.gramFloat = gramFloat;
  }

  /** Prepares {@code dictionary} (atoms × dim, row-major, atoms as rows). The caller has validated it. */
  static GramDictionary of(float[] dictionary, int atoms, int dim) {
    float[][] rows = Kernels.rows(dictionary, atoms, dim);
    float[][] t = new float[dim][atoms];
    double[][] rowsD = new double[atoms][dim];
    for (int a = 0; a < atoms; a++) {
      spread(rows[a], a, t, rowsD[a], dim);
    }
    // K²/2 dot products of length d in double: 2·10⁶ multiply-adds for 256 × 64, a millisecond, so no threads.
    double[][] g = new double[atoms][atoms];
    float[][] gf = new float[atoms][atoms];
    for (int i = 0; i < atoms; i++) {
      gramRow(rowsD, i, dim, g, gf);
    }
    return new GramDictionary(atoms, dim, rowsD, t, g, gf);
  }

  /** Atom a into column a of the transposed copy and into its double row. */
  private static void spread(float[] atom, int a, float[][] t, double[] atomD, int dim) {
    for (int p = 0; p < dim; p++) {
      t[p][a] = atom[p];
      atomD[p] = atom[p];
    }
  }

  /**
   * Entries (i, j ≤ i) and their mirrors. The loops of {@link #of} are split into per-atom methods like this one:
   * {@code of} runs once per dictionary, and a long loop inside it would make a cold JVM compile all of it on-stack.
   */
  private static void gramRow(double[][] rowsD, int i, int dim, double[][] g, float[][] gf) {
    double[] ri = rowsD[i];
    for (int j = 0; j <= i; j++) {
      double v = Kernels.dot(ri, rowsD[j], dim);
      g[i][j] = v;
      g[j][i] = v;
      gf[i][j] = (float) v;
      gf[j][i] = (float) v;
    }
  }
}
