package org.matcomp.compressor.dictionary;

/**
 * A dictionary prepared for Batch-OMP, shared read-only by the coding threads. The correlations α = D·x − G_I·γ
 * that only rank atoms are kept in float (half the memory traffic of the two hot loops); everything that decides a
 * value — the Cholesky factor of G_II, the chosen atoms' correlations, the coefficients and the residual — is
 * computed in double from {@link #gram} and {@link #atomRows}, like scikit-learn's float64 {@code
 * orthogonal_mp_gram}. Rows are separate arrays (see {@link Kernels}).
 */
final class GramDictionary {
  final int atoms;
  final int dim;
  /** The atoms, one row each (atoms × dim). */
  final float[][] atomRows;
  /** dim rows of length atoms: transposed[p][j] = D[j][p], for α⁰ = D·x as saxpys. */
  final float[][] transposed;
  /** G = D·Dᵀ in double, symmetric. */
  final double[][] gram;
  /** G rounded to float, for the α updates. */
  final float[][] gramFloat;

  private GramDictionary(int atoms, int dim, float[][] atomRows, float[][] transposed, double[][] gram,
      float[][] gramFloat) {
    this.atoms = atoms;
    this.dim = dim;
    this.atomRows = atomRows;
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
      for (int p = 0; p < dim; p++) {
        t[p][a] = rows[a][p];
        rowsD[a][p] = rows[a][p];
      }
    }
    // K²/2 dot products of length d in double: 2·10⁶ multiply-adds for 256 × 64, a millisecond, so no threads.
    double[][] g = new double[atoms][atoms];
    float[][] gf = new float[atoms][atoms];
    for (int i = 0; i < atoms; i++) {
      for (int j = 0; j <= i; j++) {
        double v = Kernels.dot(rowsD[i], rowsD[j], dim);
        g[i][j] = v;
        g[j][i] = v;
        gf[i][j] = (float) v;
        gf[j][i] = (float) v;
      }
    }
    return new GramDictionary(atoms, dim, rows, t, g, gf);
  }
}
