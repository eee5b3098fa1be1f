package org.matcomp.compressor.dictionary;

import java.util.SplittableRandom;

/**
 * Data-driven initial atoms: k-means++ seeding (Arthur &amp; Vassilvitskii 2007) over the directions of the rows.
 * OMP scores atoms by |⟨x, d⟩|, so a row and its negation want the same atom; the distance used is therefore the
 * sign-free 1 − ⟨u, c⟩² between unit rows u and chosen atoms c (the squared sine of their angle), and each pick is
 * drawn with probability proportional to it. Seeding looks at a seeded random sample of at most
 * {@link #SAMPLE_PER_ATOM}·K rows: enough candidates to spread K atoms, at a cost independent of the table's height.
 */
final class AtomSeeding {
  /**
   * Two candidates per atom. Eight cost four times the seeding work for no better dictionary: on the issue's
   * 10 000 × 64 table (256 atoms, k = 8, 10 iterations) the final error was 0.1589 from eight, 0.1570 from two and
   * 0.1589 from one, the learning iterations deciding it rather than the seeds.
   */
  static final int SAMPLE_PER_ATOM = 2;

  private AtomSeeding() {}

  /**
   * K unit atoms (rows) for signals x (n × dim, row-major), deterministic in {@code seed}, on the Java or the native
   * kernels (the same atoms either way; tests compare the two).
   */
  static float[][] seed(float[] x, int n, int dim, int atoms, long seed, boolean nativeKernels) {
    if (nativeKernels) {
      return seedNative(x, n, dim, atoms, seed);
    }
    SplittableRandom random = new SplittableRandom(seed);
    int m = (int) Math.min(n, (long) SAMPLE_PER_ATOM * atoms);
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = 0; i < m; i++) {
      int j = i + random.nextInt(n - i);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    // The sample's unit rows, transposed (dim × m) so that all m inner products with an atom are saxpys.
    float[][] t = new float[dim][m];
    float[] dist = new float[m];
    int usable = 0;
    for (int i = 0; i < m; i++) {
      int row = order[i];
      double norm = Math.sqrt(Kernels.squaredNorm(x, row * dim, dim));
      if (norm > 0) {
        for (int p = 0; p < dim; p++) {
          t[p][usable] = (float) (x[row * dim + p] / norm);
        }
        dist[usable] = 1f;
        usable++;
      }
    }
    float[][] chosen = new float[atoms][dim];
    int a = 0;
    if (usable > 0) {
      int first = random.nextInt(usable);
      // One uniform per pick after the first, drawn up front: the native picks and these then consume the same
      // stream, whatever number of picks happens.
      double[] uniforms = new double[atoms];
      for (int i = 1; i < atoms; i++) {
        uniforms[i] = random.nextDouble();
      }
      a = pick(t, dist, usable, dim, first, uniforms, chosen);
    }
    fillRandom(chosen, a, dim, random);
    return chosen;
  }

  /**
   * {@link #seed} on the native kernels: the same sample, picks and random stream (SplittableRandom's state comes
   * back from C, and {@code new SplittableRandom(state)} continues that stream), so the same atoms.
   */
  private static float[][] seedNative(float[] x, int n, int dim, int atoms, long seed) {
    float[] picked = new float[atoms * dim];
    long[] state = {seed};
    int a = NativeKernels.seed(x, n, dim, atoms, state, picked);
    float[][] chosen = new float[atoms][dim];
    for (int i = 0; i < a; i++) {
      System.arraycopy(picked, i * dim, chosen[i], 0, dim);
    }
    fillRandom(chosen, a, dim, new SplittableRandom(state[0]));
    return chosen;
  }

  /** Atoms from {@code from} on as random unit vectors: for samples with fewer distinct directions than atoms. */
  private static void fillRandom(float[][] chosen, int from, int dim, SplittableRandom random) {
    // Unused atoms get replaced during learning anyway.
    for (int a = from; a < chosen.length; a++) {
      double norm = 0;
      for (int p = 0; p < dim; p++) {
        float v = (float) gaussian(random);
        chosen[a][p] = v;
        norm += (double) v * v;
      }
      float inv = (float) (1 / Math.sqrt(norm));
      for (int p = 0; p < dim; p++) {
        chosen[a][p] *= inv;
      }
    }
  }

  /**
   * The k-means++ picks: atom a is the sample row drawn by uniforms[a] with probability ∝ its distance to the atoms
   * so far (atom 0 is row {@code first}). Returns how many atoms were picked: fewer when every distance is zero.
   */
  private static int pick(float[][] t, float[] dist, int usable, int dim, int first, double[] uniforms,
      float[][] chosen) {
    float[] dots = new float[usable];
    int a = 0;
    for (; a < chosen.length; a++) {
      int pick = a == 0 ? first : draw(dist, usable, uniforms[a]);
      if (pick < 0) {
        break;
      }
      for (int p = 0; p < dim; p++) {
        chosen[a][p] = t[p][pick];
      }
      innerProducts(chosen[a], t, dots, usable, dim);
      shrinkDistances(dots, dist, usable);
      dist[pick] = 0f;
    }
    return a;
  }

  /** dist = min(dist, 1 − dots²): each candidate's distance to its nearest chosen atom so far. */
  private static void shrinkDistances(float[] dots, float[] dist, int n) {
    for (int i = 0; i < n; i++) {
      dist[i] = Math.min(dist[i], Math.max(0f, 1f - dots[i] * dots[i]));
    }
  }

  /** An index drawn with probability ∝ dist by the uniform u, or −1 if every distance is zero. */
  private static int draw(float[] dist, int n, double u) {
    double total = 0;
    for (int i = 0; i < n; i++) {
      total += dist[i];
    }
    if (!(total > 1e-12)) {
      return -1;
    }
    double target = u * total;
    double acc = 0;
    int last = -1;
    for (int i = 0; i < n; i++) {
      if (dist[i] > 0) {
        acc += dist[i];
        last = i;
        if (acc > target) {
          return i;
        }
      }
    }
    return last;
  }

  private static void innerProducts(float[] c, float[][] t, float[] dots, int n, int dim) {
    java.util.Arrays.fill(dots, 0, n, 0f);
    Kernels.gemv4(c, t, dim, dots, n);
  }

  private static double gaussian(SplittableRandom random) {
    // Box–Muller from two uniforms: SplittableRandom has no nextGaussian in Java 17.
    double u = 1.0 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
