package org.matcomp.compressor.dictionary;

import java.util.ArrayList;
import java.util.Collections;
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

  /** What one update did. */
  record Outcome(float[][] dictionary, int replacedAtoms) {}

  /**
   * Computes the new dictionary and rescales {@code values} in place. Returns null, leaving {@code values}
   * untouched, when the normal equations are singular even after a tiny ridge (the caller keeps its dictionary).
   *
   * @param squaredErrors each row's current ‖x − z·D‖², to find the worst-represented rows
   */
  static Outcome update(float[] x, int n, int dim, int atoms, int width, int[] indices, float[] values,
      int[] counts, double[] squaredErrors) {
    List<double[][][]> partials = Collections.synchronizedList(new ArrayList<>());
    Workers.forRanges(n, 2048, () -> {
      double[][][] p = {new double[atoms][atoms], new double[atoms][dim]};
      partials.add(p);
      return p;
    }, (p, from, to) -> {
      double[][] a = p[0];
      double[][] b = p[1];
      for (int r = from; r < to; r++) {
        int base = r * width;
        for (int s = 0; s < counts[r]; s++) {
          int i = indices[base + s];
          double v = values[base + s];
          Kernels.axpy(v, x, r * dim, b[i], dim);
          double[] ai = a[i];
          for (int t = 0; t < counts[r]; t++) {
            ai[indices[base + t]] += v * values[base + t];
          }
        }
      }
    });
    double[][] a = partials.get(0)[0];
    double[][] b = partials.get(0)[1];
    for (int q = 1; q < partials.size(); q++) {
      for (int i = 0; i < atoms; i++) {
        Kernels.axpy(1.0, partials.get(q)[0][i], a[i], atoms);
        Kernels.axpy(1.0, partials.get(q)[1][i], b[i], dim);
      }
    }
    int[] used = new int[atoms];
    int m = 0;
    double maxDiag = 0;
    for (int j = 0; j < atoms; j++) {
      if (a[j][j] > 0) {
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
      double norm = Math.sqrt(Kernels.dot(solution[u], solution[u], dim));
      if (norm > 0) {
        float[] atom = new float[dim];
        for (int p = 0; p < dim; p++) {
          atom[p] = (float) (solution[u][p] / norm);
        }
        dictionary[j] = atom;
        scale[j] = norm;
      }
    }
    for (int r = 0; r < n; r++) {
      int base = r * width;
      for (int s = 0; s < counts[r]; s++) {
        values[base + s] = (float) (values[base + s] * scale[indices[base + s]]);
      }
    }
    int replaced = replaceUnused(dictionary, x, dim, width, indices, values, counts, squaredErrors);
    return new Outcome(dictionary, replaced);
  }

  /** D_U = A_UU⁻¹·B_U over the used atoms U, or null if singular even with a ridge of 1e-9·max diag. */
  private static double[][] solve(double[][] a, double[][] b, int[] used, int m, int dim, double maxDiag) {
    for (double ridge : new double[] {0, 1e-9 * maxDiag}) {
      double[][] l = new double[m][m];
      double[][] rhs = new double[m][];
      for (int u = 0; u < m; u++) {
        double[] src = a[used[u]];
        for (int v = 0; v <= u; v++) {
          l[u][v] = src[used[v]];
        }
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

  /**
   * Fills the null rows of {@code dictionary} with the normalised residuals of the rows with the largest errors,
   * one row each; returns how many were filled.
   */
  private static int replaceUnused(float[][] dictionary, float[] x, int dim, int width, int[] indices,
      float[] values, int[] counts, double[] squaredErrors) {
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
            Kernels.axpy(-(double) values[r * width + s], d, residual, dim);
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
