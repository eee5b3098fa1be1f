package org.matcomp.bench;

import java.util.SplittableRandom;

/**
 * The synthetic signals of the dictionary benchmarks, as in the acceptance check: rows that mix a few of
 * K hidden unit atoms with Gaussian weights, plus Gaussian noise. Seeded, so both sides of a comparison and
 * repeated runs see the same data.
 */
final class SparseMixture {
  final int rows;
  final int dim;
  final int atoms;
  /** atoms × dim, unit rows. */
  final float[] dictionary;
  /** rows × dim. */
  final float[] signals;
  /** rows × active planted atom indices, sorted. */
  final int[] supports;

  private SparseMixture(int rows, int dim, int atoms, float[] dictionary, float[] signals, int[] supports) {
    this.rows = rows;
    this.dim = dim;
    this.atoms = atoms;
    this.dictionary = dictionary;
    this.signals = signals;
    this.supports = supports;
  }

  static SparseMixture generate(int rows, int dim, int atoms, int active, double noise, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] d = new float[atoms * dim];
    for (int a = 0; a < atoms; a++) {
      double norm = 0;
      double[] v = new double[dim];
      for (int p = 0; p < dim; p++) {
        v[p] = gaussian(rnd);
        norm += v[p] * v[p];
      }
      for (int p = 0; p < dim; p++) {
        d[a * dim + p] = (float) (v[p] / Math.sqrt(norm));
      }
    }
    float[] x = new float[rows * dim];
    int[] supports = new int[rows * active];
    double[] row = new double[dim];
    boolean[] used = new boolean[atoms];
    for (int r = 0; r < rows; r++) {
      java.util.Arrays.fill(row, 0);
      int[] chosen = new int[active];
      for (int s = 0; s < active; s++) {
        int a;
        do {
          a = rnd.nextInt(atoms);
        } while (used[a]);
        used[a] = true;
        chosen[s] = a;
        double w = gaussian(rnd);
        for (int p = 0; p < dim; p++) {
          row[p] += w * d[a * dim + p];
        }
      }
      for (int a : chosen) {
        used[a] = false;
      }
      java.util.Arrays.sort(chosen);
      System.arraycopy(chosen, 0, supports, r * active, active);
      for (int p = 0; p < dim; p++) {
        x[r * dim + p] = (float) (row[p] + noise * gaussian(rnd));
      }
    }
    return new SparseMixture(rows, dim, atoms, d, x, supports);
  }

  private static double gaussian(SplittableRandom rnd) {
    double u = 1.0 - rnd.nextDouble();
    double v = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
