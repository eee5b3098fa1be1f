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
    double[][] td = new double[dim][atoms];
    for (int a = 0; a < atoms; a++) {
      for (int p = 0; p < dim; p++) {
        t[p][a] = rows[a][p];
        td[p][a] = rows[a][p];
      }
    }
    double[][] g = new double[atoms][];
    float[][] gf = new float[atoms][];
    Workers.forRanges(atoms, 32, () -> null, (unused, from, to) -> {
      for (int a = from; a < to; a++) {
        double[] row = new double[atoms];
        for (int p = 0; p < dim; p++) {
          Kernels.axpy(rows[a][p], td[p], row, atoms);
        }
        g[a] = row;
      }
    });
    // Symmetrise exactly: the two triangles were summed in different orders.
    for (int i = 0; i < atoms; i++) {
      for (int j = i + 1; j < atoms; j++) {
        g[j][i] = g[i][j];
      }
    }
    for (int i = 0; i < atoms; i++) {
      gf[i] = new float[atoms];
      for (int j = 0; j < atoms; j++) {
        gf[i][j] = (float) g[i][j];
      }
    }
    return new GramDictionary(atoms, dim, rows, t, g, gf);
  }
}
