package org.matcomp.compressor.dictionary;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The dictionary step of MOD (Engan, Aase &amp; Husøy 1999): with the code Z fixed, D = (ZᵀZ)⁻¹·Zᵀ·X is the exact
 * least-squares optimum, found from K×K normal equations by Cholesky. Atoms are then rescaled to unit norm with the
 * inverse scale moved into Z, which leaves Z·D unchanged; atoms no row uses are replaced by the normalised residuals
 * of the worst-represented rows (their coefficients are zero, so this too leaves Z·D unchanged and gives the next
 * coding step somewhere useful to put them).
 */
final class ModUpdate {
  private ModUpdate() {}

  /**
   * What one update did: the new unit atoms, the norm each solved atom had (the factor moved into its column of
   * Z; 0 for atoms no row used), and how many unused atoms were replaced.
   */
  record Outcome(float[][] dictionary, double[] scales, int replacedAtoms) {}

  /**
   * The MOD step from given normal equations A = ZᵀZ and B = ZᵀX (left unchanged): D = A⁻¹B over the used atoms,
   * normalised, with {@code values} rescaled in place and unused atoms replaced. Null, leaving {@code values}
   * untouched, when A is singular even after a tiny ridge.
   *
   * @param uses how many rows use each atom; atoms with none are replaced
   */
  static Outcome fromNormalEquations(double[][] a, double[][] b, int[] uses, float[] x, int n, int dim, int atoms,
      int width, int[] indices, double[] values, int[] counts, double[] squaredErrors) {
    int[] used = new int[atoms];
    int m = 0;
    double maxDiag = 0;
    for (int j = 0; j < atoms; j++) {
      // Usage counts, not A's diagonal: A is updated incrementally, so an atom whose last user left may keep a
      // round-off residue there.
      if (uses[j] > 0 && a[j][j] > 0) {
        used[m++] = j;
        maxDiag = Math.max(maxDiag, a[j][j]);
      }
    }
    double[][] solution = solve(a, b, used, m, dim, maxDiag);
    if (solution == null) {
      return null;
    }
    float[][] dictionary = new float[atoms][];
    double[] scale = new double[atoms];
    for (int u = 0; u < m; u++) {
      int j = used[u];
      scale[j] = Math.sqrt(Kernels.dot(solution[u], solution[u], dim));
      if (scale[j] > 0) {
        dictionary[j] = unit(solution[u], scale[j], dim);
      }
    }
    scaleValues(values, indices, n * width, scale);
    int replaced = replaceUnused(dictionary, x, dim, width, indices, values, counts, squaredErrors);
    return new Outcome(dictionary, scale, replaced);
  }

  private static float[] unit(double[] v, double norm, int dim) {
    float[] atom = new float[dim];
    for (int p = 0; p < dim; p++) {
      atom[p] = (float) (v[p] / norm);
    }
    return atom;
  }

  /**
   * values[i] *= scale[indices[i]] over all slots (unused slots hold 0). A small method of its own: a long loop in
   * the rarely called update would get that whole method compiled on-stack in a cold JVM.
   */
  private static void scaleValues(double[] values, int[] indices, int slots, double[] scale) {
    for (int i = 0; i < slots; i++) {
      values[i] *= scale[indices[i]];
    }
  }

  /** D_U = A_UU⁻¹·B_U over the used atoms U, or null if singular even with a ridge of 1e-9·max diag. */
  private static double[][] solve(double[][] a, double[][] b, int[] used, int m, int dim, double maxDiag) {
    for (double ridge : new double[] {0, 1e-9 * maxDiag}) {
      double[][] l = new double[m][m];
      double[][] rhs = new double[m][];
      for (int u = 0; u < m; u++) {
        gather(a[used[u]], used, l[u], u + 1);
        l[u][u] += ridge;
        rhs[u] = b[used[u]].clone();
      }
      if (DenseCholesky.factor(l, m, 1e-12 * maxDiag)) {
        DenseCholesky.solve(l, m, rhs, dim);
        return rhs;
      }
    }
    return null;
  }

  private static void gather(double[] src, int[] at, double[] dst, int n) {
    for (int v = 0; v < n; v++) {
      dst[v] = src[at[v]];
    }
  }

  /**
   * Fills the null rows of {@code dictionary} with the normalised residuals of the rows with the largest errors,
   * one row each; returns how many were filled.
   */
  private static int replaceUnused(float[][] dictionary, float[] x, int dim, int width, int[] indices,
      double[] values, int[] counts, double[] squaredErrors) {
    int missing = 0;
    for (float[] atom : dictionary) {
      if (atom == null) {
        missing++;
      }
    }
    if (missing == 0) {
      return 0;
    }
    // The `missing` largest errors, by a bounded min-heap (ties to the lower row index for determinism).
    PriorityQueue<Integer> worst = new PriorityQueue<>((i, j) -> {
      int c = Double.compare(squaredErrors[i], squaredErrors[j]);
      return c != 0 ? c : Integer.compare(j, i);
    });
    for (int r = 0; r < squaredErrors.length; r++) {
      if (worst.size() < missing) {
        worst.add(r);
      } else if (squaredErrors[r] > squaredErrors[worst.peek()]) {
        worst.poll();
        worst.add(r);
      }
    }
    List<Integer> rows = new ArrayList<>(worst);
    rows.sort((i, j) -> {
      int c = Double.compare(squaredErrors[j], squaredErrors[i]);
      return c != 0 ? c : Integer.compare(i, j);
    });
    int next = 0;
    int filled = 0;
    double[] residual = new double[dim];
    for (int j = 0; j < dictionary.length; j++) {
      if (dictionary[j] != null) {
        continue;
      }
      float[] atom = null;
      while (atom == null && next < rows.size()) {
        int r = rows.get(next++);
        for (int p = 0; p < dim; p++) {
          residual[p] = x[r * dim + p];
        }
        for (int s = 0; s < counts[r]; s++) {
          float[] d = dictionary[indices[r * width + s]];
          if (d != null) {
            Kernels.axpy(-values[r * width + s], d, residual, dim);
          }
        }
        double norm = Math.sqrt(Kernels.dot(residual, residual, dim));
        if (norm > 1e-12) {
          atom = new float[dim];
          for (int p = 0; p < dim; p++) {
            atom[p] = (float) (residual[p] / norm);
          }
        }
      }
      if (atom == null) {
        // Nothing left to explain: any unit vector will do, the atom stays unused.
        atom = new float[dim];
        atom[j % dim] = 1f;
      }
      dictionary[j] = atom;
      filled++;
    }
    return filled;
  }
}
