package org.matcomp.compressor.kmeans;

/**
 * The k centroids split into about √k spatial groups by a few Lloyd iterations on the centroids themselves. The
 * nearest member of a point's nearest group is a cheap guess — about 2√k distances instead of k — of its nearest
 * centroid, good enough for {@link BlockKMeans}'s exact neighbour scan to start from and stop early.
 */
final class CentroidGroups {
  private static final int ITERATIONS = 10;

  private final int d;
  private final int groups;
  private final float[] centres;
  private final float[] memberCoords;
  private final int[] members;
  private final int[] start;

  private CentroidGroups(int d, int groups, float[] centres, float[] memberCoords, int[] members, int[] start) {
    this.d = d;
    this.groups = groups;
    this.centres = centres;
    this.memberCoords = memberCoords;
    this.members = members;
    this.start = start;
  }

  /** Groups the k×d centroids {@code c}; the first √k centroids start the groups (k-means++ order spreads them). */
  static CentroidGroups of(float[] c, int k, int d) {
    int g = Math.max(1, (int) Math.sqrt(k));
    float[] centres = new float[g * d];
    System.arraycopy(c, 0, centres, 0, g * d);
    int[] group = new int[k];
    double[] sums = new double[g * d];
    int[] counts = new int[g];
    for (int it = 0; it < ITERATIONS; it++) {
      java.util.Arrays.fill(sums, 0);
      java.util.Arrays.fill(counts, 0);
      for (int j = 0; j < k; j++) {
        int best = nearest(c, j * d, centres, g, d);
        group[j] = best;
        counts[best]++;
        for (int q = 0; q < d; q++) {
          sums[best * d + q] += c[j * d + q];
        }
      }
      for (int h = 0; h < g; h++) {
        if (counts[h] > 0) {
          for (int q = 0; q < d; q++) {
            centres[h * d + q] = (float) (sums[h * d + q] / counts[h]);
          }
        }
      }
    }
    for (int j = 0; j < k; j++) {
      group[j] = nearest(c, j * d, centres, g, d);
    }
    int[] start = new int[g + 1];
    for (int j = 0; j < k; j++) {
      start[group[j] + 1]++;
    }
    for (int h = 0; h < g; h++) {
      start[h + 1] += start[h];
    }
    int[] fill = start.clone();
    int[] members = new int[k];
    float[] memberCoords = new float[k * d];
    for (int j = 0; j < k; j++) {
      int slot = fill[group[j]]++;
      members[slot] = j;
      System.arraycopy(c, j * d, memberCoords, slot * d, d);
    }
    return new CentroidGroups(d, g, centres, memberCoords, members, start);
  }

  /** A centroid near the point at {@code x[from..from+d)}: the nearest member of the nearest non-empty group. */
  int nearestGuess(float[] x, int from) {
    int bestGroup = -1;
    float bestSq = Float.POSITIVE_INFINITY;
    for (int h = 0; h < groups; h++) {
      if (start[h + 1] == start[h]) {
        continue;
      }
      float s = squaredDistance(x, from, centres, h * d, d);
      if (s < bestSq) {
        bestSq = s;
        bestGroup = h;
      }
    }
    int best = start[bestGroup];
    bestSq = Float.POSITIVE_INFINITY;
    for (int slot = start[bestGroup]; slot < start[bestGroup + 1]; slot++) {
      float s = squaredDistance(x, from, memberCoords, slot * d, d);
      if (s < bestSq) {
        bestSq = s;
        best = slot;
      }
    }
    return members[best];
  }

  private static int nearest(float[] p, int from, float[] centres, int g, int d) {
    int best = 0;
    float bestSq = Float.POSITIVE_INFINITY;
    for (int h = 0; h < g; h++) {
      float s = squaredDistance(p, from, centres, h * d, d);
      if (s < bestSq) {
        bestSq = s;
        best = h;
      }
    }
    return best;
  }

  private static float squaredDistance(float[] a, int aFrom, float[] b, int bFrom, int d) {
    return Distances.squared(a, aFrom, b, bFrom, d);
  }
}
