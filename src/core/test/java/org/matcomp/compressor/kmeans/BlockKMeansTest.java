package org.matcomp.compressor.kmeans;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BlockKMeansTest {
  private static float[] gaussian(int n, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (0.05 * r.nextGaussian());
    }
    return x;
  }

  /** Textbook Lloyd from given centroids, until no code changes: the reference the bounded version must equal. */
  private static int[] naiveLloyd(float[] x, int n, int d, float[] c) {
    int k = c.length / d;
    int[] codes = new int[n];
    java.util.Arrays.fill(codes, -1);
    for (int it = 0; it < 10_000; it++) {
      boolean changed = false;
      for (int i = 0; i < n; i++) {
        int best = 0;
        float bestSq = Float.POSITIVE_INFINITY;
        for (int j = 0; j < k; j++) {
          float s = 0;
          for (int q = 0; q < d; q++) {
            float diff = x[i * d + q] - c[j * d + q];
            s += diff * diff;
          }
          if (s < bestSq) {
            bestSq = s;
            best = j;
          }
        }
        changed |= codes[i] != best;
        codes[i] = best;
      }
      if (!changed) {
        return codes;
      }
      double[] sums = new double[k * d];
      int[] counts = new int[k];
      for (int i = 0; i < n; i++) {
        counts[codes[i]]++;
        for (int q = 0; q < d; q++) {
          sums[codes[i] * d + q] += x[i * d + q];
        }
      }
      for (int j = 0; j < k; j++) {
        if (counts[j] > 0) {
          for (int q = 0; q < d; q++) {
            c[j * d + q] = (float) (sums[j * d + q] / counts[j]);
          }
        }
      }
    }
    throw new AssertionError("naive Lloyd did not converge");
  }

  @Test
  void boundedLloydEqualsTextbookLloydFromTheSameStart() {
    int n = 3000;
    int d = 4;
    float[] x = gaussian(n * d, 21);
    KMeansOptions options = new KMeansOptions(24, CentroidInit.KMEANS_PLUS_PLUS, 4, false, 10_000, 0, 1.0);
    float[] start = BlockSeeding.centroids(x, n, d, 24, CentroidInit.KMEANS_PLUS_PLUS, 4);
    int[] expected = naiveLloyd(x, n, d, start);
    Clustering c = BlockKMeans.fit(x, n, d, options);
    assertArrayEquals(expected, c.codes());
    assertArrayEquals(start, c.centroids(), 1e-6f);
  }

  @Test
  void overRelaxedStepsReachAtLeastPlainLloydsErrorInTheSameIterations() {
    int n = 40_000;
    int d = 4;
    float[] x = gaussian(n * d, 31);
    KMeansOptions plain = new KMeansOptions(64, CentroidInit.KMEANS_PLUS_PLUS, 2, false, 20, 0, 1.0);
    double plainError = BlockKMeans.fit(x, n, d, plain).inertia();
    double relaxedError = BlockKMeans.fit(x, n, d, plain.withOverRelaxation(1.6)).inertia();
    assertTrue(relaxedError < plainError, relaxedError + " !< " + plainError);
  }

  @Test
  void separatedClustersAreFoundExactly() {
    // Four tight 2-D groups around (±10, ±10), each point ±1 from its centre along one axis.
    float[][] centres = {{-10, -10}, {-10, 10}, {10, -10}, {10, 10}};
    float[] x = new float[4 * 4 * 2];
    int p = 0;
    for (float[] c : centres) {
      float[][] offsets = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
      for (float[] o : offsets) {
        x[p++] = c[0] + o[0];
        x[p++] = c[1] + o[1];
      }
    }
    for (CentroidInit init : CentroidInit.values()) {
      Clustering c = BlockKMeans.fit(x, 16, 2, KMeansOptions.of(4, init, 1));
      if (init == CentroidInit.LINEAR || init == CentroidInit.DENSITY_BASED) {
        continue; // diagonal starts may merge the off-diagonal groups; only sound starts must find all four
      }
      assertEquals(16 * 1.0, c.inertia(), 1e-9, init.label());
    }
  }

  @Test
  void codesNameTheNearestCentroid() {
    int n = 4000;
    int d = 3;
    float[] x = gaussian(n * d, 2);
    Clustering c = BlockKMeans.fit(x, n, d, KMeansOptions.of(40, CentroidInit.RANDOM, 8));
    float[] book = c.centroids();
    int[] codes = c.codes();
    double sse = 0;
    for (int i = 0; i < n; i++) {
      double own = dist2(x, i, book, codes[i], d);
      for (int j = 0; j < 40; j++) {
        assertTrue(own <= dist2(x, i, book, j, d) * (1 + 1e-5), "point " + i);
      }
      sse += own;
    }
    assertEquals(sse, c.inertia(), sse * 1e-6);
  }

  @Test
  void zeroPinningHoldsTheNearestCentroidAtZero() {
    int n = 4000;
    int d = 2;
    float[] x = gaussian(n * d, 6);
    Clustering c = BlockKMeans.fit(x, n, d, KMeansOptions.of(16, CentroidInit.KMEANS_PLUS_PLUS, 1).withPinZero(true));
    float[] book = c.centroids();
    int z = c.pinnedIndex();
    assertEquals(0f, book[z * d]);
    assertEquals(0f, book[z * d + 1]);
    int[] codes = c.codes();
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 16; j++) {
        assertTrue(dist2(x, i, book, codes[i], d) <= dist2(x, i, book, j, d) * (1 + 1e-5), "point " + i);
      }
    }
  }

  @Test
  void emptyClustersAreReseeded() {
    // Linear init on data with a far outlier puts most starting centroids in empty space.
    int n = 2000;
    float[] x = gaussian(n, 4);
    x[0] = 50f;
    Clustering c = BlockKMeans.fit(x, n / 2, 2, KMeansOptions.of(8, CentroidInit.LINEAR, 0));
    int[] counts = new int[8];
    for (int code : c.codes()) {
      counts[code]++;
    }
    for (int j = 0; j < 8; j++) {
      assertTrue(counts[j] > 0, "cluster " + j + " is empty");
    }
  }

  private static double dist2(float[] x, int i, float[] c, int j, int d) {
    double s = 0;
    for (int q = 0; q < d; q++) {
      double diff = (double) x[i * d + q] - c[j * d + q];
      s += diff * diff;
    }
    return s;
  }
}
