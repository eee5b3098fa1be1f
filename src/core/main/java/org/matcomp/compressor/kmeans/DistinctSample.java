package org.matcomp.compressor.kmeans;

import java.util.SplittableRandom;

/** k distinct indices of [0, n), uniformly, by Floyd's algorithm: k draws whatever k/n is. */
final class DistinctSample {
  private DistinctSample() {}

  /** Ascending distinct indices. */
  static int[] of(int n, int k, SplittableRandom rnd) {
    boolean[] taken = new boolean[n];
    for (int j = n - k; j < n; j++) {
      int t = rnd.nextInt(j + 1);
      taken[taken[t] ? j : t] = true;
    }
    int[] out = new int[k];
    int m = 0;
    for (int i = 0; i < n && m < k; i++) {
      if (taken[i]) {
        out[m++] = i;
      }
    }
    return out;
  }
}
