package org.matcomp.compressor.kmeans;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ScalarKMeansTest {
  private static float[] gaussian(int n, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (0.05 * r.nextGaussian());
    }
    return x;
  }

  @Test
  void twoSeparatedGroupsGiveTheirMeans() {
    float[] x = {10, 0, 11, 1, 12, 2};
    Clustering c = ScalarKMeans.fit(x, KMeansOptions.of(2, CentroidInit.KMEANS_PLUS_PLUS, 3));
    assertArrayEquals(new float[] {1, 11}, c.centroids());
    assertArrayEquals(new int[] {1, 0, 1, 0, 1, 0}, c.codes());
    assertEquals(4.0, c.inertia(), 1e-12); // (1+0+1) per group
  }

  @Test
  void histogramPathOnAMillionGaussiansBeatsPlainLloydMax() {
    // 2^20 entries take the histogram path; 256 levels of N(0, σ²) have MSE ≈ 4.15e-5·σ² (Panter–Dite), which a
    // near-exact method must reach on a sample this large.
    float[] x = gaussian(1 << 20, 1);
    double mse = ScalarKMeans.fit(x, KMeansOptions.of(256, CentroidInit.KMEANS_PLUS_PLUS, 0)).inertia() / x.length;
    assertTrue(mse / (0.05 * 0.05) < 4.2e-5, "normalised MSE " + mse / (0.05 * 0.05));
  }

  /** Exact optimum by the textbook O(k·n²) dynamic programme over sorted values. */
  private static double bruteForceOptimum(float[] x, int k) {
    double[] v = new double[x.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = x[i];
    }
    java.util.Arrays.sort(v);
    int n = v.length;
    double[] s1 = new double[n + 1];
    double[] s2 = new double[n + 1];
    for (int i = 0; i < n; i++) {
      s1[i + 1] = s1[i] + v[i];
      s2[i + 1] = s2[i] + v[i] * v[i];
    }
    double[] prev = new double[n + 1];
    java.util.Arrays.fill(prev, Double.POSITIVE_INFINITY);
    prev[0] = 0;
    for (int j = 0; j < k; j++) {
      double[] cur = new double[n + 1];
      java.util.Arrays.fill(cur, Double.POSITIVE_INFINITY);
      cur[0] = 0;
      for (int i = 1; i <= n; i++) {
        for (int t = 0; t < i; t++) {
          double s = s1[i] - s1[t];
          cur[i] = Math.min(cur[i], prev[t] + s2[i] - s2[t] - s * s / (i - t));
        }
      }
      prev = cur;
    }
    return prev[n];
  }

  @Test
  void smallInputsReachTheExactOptimum() {
    float[] x = gaussian(600, 13);
    for (int k : new int[] {2, 5, 11}) {
      double optimum = bruteForceOptimum(x, k);
      double ours = ScalarKMeans.fit(x, KMeansOptions.of(k, CentroidInit.LINEAR, 0)).inertia();
      assertEquals(optimum, ours, optimum * 1e-6, "k=" + k);
    }
  }

  @Test
  void gridAndHistogramPathsStayWithinATenThousandthOfTheOptimum() {
    float[] x = gaussian(1500, 17);
    double optimum = bruteForceOptimum(x, 7);
    // No budget for all 1500 points and a 256-boundary grid force the grid; an exact limit below n the histogram.
    double grid = ScalarKMeans.fit(x, KMeansOptions.of(7, CentroidInit.LINEAR, 0), 0, 256, Integer.MAX_VALUE)
        .inertia();
    double histogram = ScalarKMeans.fit(x, KMeansOptions.of(7, CentroidInit.LINEAR, 0), 0, 256, 100).inertia();
    assertTrue(grid >= optimum * (1 - 1e-9) && grid <= optimum * (1 + 1e-4), "grid " + grid + " vs " + optimum);
    assertTrue(histogram >= optimum * (1 - 1e-9) && histogram <= optimum * (1 + 1e-4),
        "histogram " + histogram + " vs " + optimum);
  }

  @Test
  void theStartDoesNotMatterForScalars() {
    // Lloyd alone reaches different fixed points from these starts on this sample; the programme does not.
    float[] x = gaussian(20_000, 7);
    double reference = ScalarKMeans.fit(x, KMeansOptions.of(12, CentroidInit.KMEANS_PLUS_PLUS, 1)).inertia();
    for (CentroidInit init : CentroidInit.values()) {
      assertEquals(reference, ScalarKMeans.fit(x, KMeansOptions.of(12, init, 5)).inertia(), 0, init.label());
    }
  }

  @Test
  void sixteenLevelsOfAGaussianMatchLloydMax() {
    // Max's (1960) optimal 16-level quantiser of N(0, 1) has mean squared error 0.009497.
    float[] x = gaussian(400_000, 11);
    double mse = ScalarKMeans.fit(x, KMeansOptions.of(16, CentroidInit.KMEANS_PLUS_PLUS, 0)).inertia() / x.length;
    assertEquals(0.009497, mse / (0.05 * 0.05), 2e-4);
  }

  @Test
  void codesNameTheNearestCodeword() {
    float[] x = gaussian(5_000, 3);
    Clustering c = ScalarKMeans.fit(x, KMeansOptions.of(9, CentroidInit.RANDOM, 2));
    float[] book = c.centroids();
    int[] codes = c.codes();
    double sse = 0;
    for (int i = 0; i < x.length; i++) {
      float own = Math.abs(x[i] - book[codes[i]]);
      for (float w : book) {
        assertTrue(own <= Math.abs(x[i] - w), "entry " + i);
      }
      sse += (double) own * own;
    }
    assertEquals(sse, c.inertia(), sse * 1e-9);
  }

  @Test
  void histogramPathCodesAreNearestAndItsInertiaIsExact() {
    // More entries than EXACT_LIMIT: points are histogram bins, codes come from the bin table.
    float[] x = gaussian(ScalarKMeans.EXACT_LIMIT + 50_000, 23);
    x[5] = 0f;
    x[6] = -0f;
    Clustering c = ScalarKMeans.fit(x, KMeansOptions.of(16, CentroidInit.KMEANS_PLUS_PLUS, 0));
    float[] book = c.centroids();
    int[] codes = c.codes();
    double sse = 0;
    for (int i = 0; i < x.length; i++) {
      float own = Math.abs(x[i] - book[codes[i]]);
      for (float w : book) {
        assertTrue(own <= Math.abs(x[i] - w), "entry " + i);
      }
      sse += (double) own * own;
    }
    assertEquals(sse, c.inertia(), sse * 1e-9);
  }

  @Test
  void zeroPinningPutsAnExactZeroInTheCodebookAndRecodes() {
    float[] x = gaussian(10_000, 5);
    Clustering free = ScalarKMeans.fit(x, KMeansOptions.of(8, CentroidInit.KMEANS_PLUS_PLUS, 0));
    Clustering pinned = ScalarKMeans.fit(x, KMeansOptions.of(8, CentroidInit.KMEANS_PLUS_PLUS, 0).withPinZero(true));
    float[] book = pinned.centroids();
    assertEquals(0f, book[pinned.pinnedIndex()]);
    // With an even number of levels on symmetric data, no free level sits at 0, so pinning costs error.
    assertTrue(pinned.inertia() > free.inertia());
    int[] codes = pinned.codes();
    for (int i = 0; i < x.length; i++) {
      for (float w : book) {
        assertTrue(Math.abs(x[i] - book[codes[i]]) <= Math.abs(x[i] - w), "entry " + i + " not recoded");
      }
    }
  }

  @Test
  void fewerDistinctValuesThanClustersGiveZeroError() {
    float[] x = {1, 1, 2, 2, 2, 5};
    Clustering c = ScalarKMeans.fit(x, KMeansOptions.of(5, CentroidInit.KMEANS_PLUS_PLUS, 0));
    assertEquals(0.0, c.inertia());
  }

  @Test
  void moreClustersThanValuesIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ScalarKMeans.fit(new float[3], KMeansOptions.of(4, CentroidInit.LINEAR, 0)));
    assertTrue(e.getMessage().contains("clusters=4"), e.getMessage());
  }

  @Test
  void radixSortOrdersSignedValuesLikeArraysSort() {
    float[] x = gaussian(100_000, 9);
    x[0] = -0f;
    x[1] = 0f;
    x[2] = Float.MAX_VALUE;
    x[3] = -Float.MAX_VALUE;
    x[4] = Float.MIN_VALUE;
    float[] expected = x.clone();
    java.util.Arrays.sort(expected);
    assertArrayEquals(expected, FloatRadixSort.sorted(x));
  }
}
