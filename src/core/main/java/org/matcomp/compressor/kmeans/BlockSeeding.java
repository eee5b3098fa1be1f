package org.matcomp.compressor.kmeans;

import java.util.SplittableRandom;

/** Initial centroids for k-means of n points of dimension d (row-major n×d), as k×d row-major. */
final class BlockSeeding {
  /** K-means++ draws from at most this many points per cluster (see {@link #kmeansPlusPlus}). */
  static final int SAMPLE_PER_CLUSTER = 32;

  private BlockSeeding() {}

  static float[] centroids(float[] x, int n, int d, int k, CentroidInit init, long seed) {
    return switch (init) {
      case LINEAR -> linear(x, n, d, k);
      case DENSITY_BASED -> density(x, n, d, k);
      case RANDOM -> random(x, n, d, k, seed);
      case KMEANS_PLUS_PLUS -> kmeansPlusPlus(x, n, d, k, seed);
    };
  }

  private static float[] linear(float[] x, int n, int d, int k) {
    float[] c = new float[k * d];
    for (int q = 0; q < d; q++) {
      float lo = Float.POSITIVE_INFINITY;
      float hi = Float.NEGATIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        float v = x[i * d + q];
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      for (int j = 0; j < k; j++) {
        c[j * d + q] = k == 1 ? 0.5f * (lo + hi) : (float) (lo + ((double) hi - lo) * j / (k - 1));
      }
    }
    return c;
  }

  private static float[] density(float[] x, int n, int d, int k) {
    float[] c = new float[k * d];
    float[] column = new float[n];
    for (int q = 0; q < d; q++) {
      for (int i = 0; i < n; i++) {
        column[i] = x[i * d + q];
      }
      float[] sorted = FloatRadixSort.sorted(column);
      for (int j = 0; j < k; j++) {
        c[j * d + q] = sorted[(int) Math.min(n - 1, (long) ((j + 0.5) * n / k))];
      }
    }
    return c;
  }

  private static float[] random(float[] x, int n, int d, int k, long seed) {
    int[] idx = DistinctSample.of(n, k, new SplittableRandom(seed));
    float[] c = new float[k * d];
    for (int j = 0; j < k; j++) {
      System.arraycopy(x, idx[j] * d, c, j * d, d);
    }
    return c;
  }

  /**
   * Greedy D²-sampling as sklearn does it — each centre the best of 2 + ln k candidates drawn with probability
   * proportional to the squared distance to the nearest centre so far — on a uniform subsample of at most
   * {@link #SAMPLE_PER_CLUSTER}·k points. Seeding from all n points costs k·(2 + ln k) passes over the data, for
   * 262144 blocks and k = 256 several times the Lloyd run it seeds, while a subsample of a few dozen points per
   * cluster draws centres from the same distribution up to sampling noise, which Lloyd's iterations remove. Each
   * sample point tracks its nearest centre; a candidate c can only be nearer to a point at distance r from its
   * centre a if ‖c − a‖ &lt; 2r, so most points are settled by one comparison.
   */
  private static float[] kmeansPlusPlus(float[] all, int total, int d, int k, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int n = (int) Math.min(total, (long) SAMPLE_PER_CLUSTER * k);
    float[] x = all;
    if (n < total) {
      int[] idx = DistinctSample.of(total, n, rnd);
      x = new float[n * d];
      for (int i = 0; i < n; i++) {
        System.arraycopy(all, idx[i] * d, x, i * d, d);
      }
    }
    float[] c = new float[k * d];
    System.arraycopy(x, rnd.nextInt(n) * d, c, 0, d);
    float[] dist = new float[n];
    int[] nearest = new int[n];
    java.util.Arrays.fill(dist, Float.POSITIVE_INFINITY);
    float[] centreGap = new float[k];
    absorb(x, n, d, dist, nearest, c, 0, centreGap);
    int trials = 2 + (int) Math.log(k);
    int[] candidates = new int[trials];
    double[] potentials = new double[trials];
    int workers = Math.min(trials, ParallelChunks.threads());
    float[][] gapBuffers = new float[workers][k];
    float[] points = x;
    for (int m = 1; m < k; m++) {
      double mass = sum(dist);
      for (int t = 0; t < trials; t++) {
        candidates[t] = mass > 0 ? sample(dist, mass, rnd) : rnd.nextInt(n);
      }
      // The candidates are drawn first and only then scored, in parallel, so the result does not depend on threads.
      int centres = m;
      ParallelChunks.run(trials, workers, (w, from, to) -> {
        for (int t = from; t < to; t++) {
          potentials[t] = potential(points, n, d, dist, nearest, c, centres, candidates[t], gapBuffers[w]);
        }
      });
      int best = candidates[0];
      double bestPotential = potentials[0];
      for (int t = 1; t < trials; t++) {
        if (potentials[t] < bestPotential) {
          bestPotential = potentials[t];
          best = candidates[t];
        }
      }
      System.arraycopy(x, best * d, c, m * d, d);
      gaps(c, m * d, c, m, d, centreGap);
      absorb(x, n, d, dist, nearest, c, m, centreGap);
    }
    return c;
  }

  /*
   * The loops over the sample live in small methods of their own: the JIT compiles those after a few calls, while a
   * loop inside this one big method would run interpreted until on-stack replacement — and the CLI times a single
   * call in a fresh JVM.
   */

  private static double sum(float[] v) {
    double s = 0;
    for (float x : v) {
      s += x;
    }
    return s;
  }

  /**
   * Makes centre m the nearest centre of the points it is nearer to. {@code gap} holds its squared distances to the
   * earlier centres: it can only be nearer to a point at squared distance r² from its centre a if gap[a] &lt; 4r².
   * The first centre (m = 0) takes every point.
   */
  private static void absorb(float[] x, int n, int d, float[] dist, int[] nearest, float[] c, int m, float[] gap) {
    int centre = m * d;
    for (int i = 0; i < n; i++) {
      float r2 = dist[i];
      if (m == 0 || gap[nearest[i]] < 4 * r2) {
        float s = squaredDistance(x, i * d, c, centre, d);
        if (s < r2) {
          dist[i] = s;
          nearest[i] = m;
        }
      }
    }
  }

  /** Σ over the points of the squared distance to the nearest of the m centres and the candidate point. */
  private static double potential(float[] x, int n, int d, float[] dist, int[] nearest, float[] c, int m,
      int candidate, float[] gap) {
    gaps(x, candidate * d, c, m, d, gap);
    double potential = 0;
    for (int i = 0; i < n; i++) {
      float r2 = dist[i];
      if (gap[nearest[i]] < 4 * r2) {
        r2 = Math.min(r2, squaredDistance(x, i * d, x, candidate * d, d));
      }
      potential += r2;
    }
    return potential;
  }

  /** Squared distances from the point at p[from..] to each of the first m centres. */
  private static void gaps(float[] p, int from, float[] c, int m, int d, float[] out) {
    for (int a = 0; a < m; a++) {
      out[a] = squaredDistance(p, from, c, a * d, d);
    }
  }

  private static float squaredDistance(float[] a, int aFrom, float[] b, int bFrom, int d) {
    return Distances.squared(a, aFrom, b, bFrom, d);
  }

  /** A point drawn with probability proportional to {@code dist}. */
  private static int sample(float[] dist, double mass, SplittableRandom rnd) {
    double u = rnd.nextDouble() * mass;
    int last = -1;
    for (int i = 0; i < dist.length; i++) {
      if (dist[i] > 0) {
        last = i;
        u -= dist[i];
        if (u < 0) {
          return i;
        }
      }
    }
    return last; // rounding left u just above zero: the last point with any mass
  }
}
