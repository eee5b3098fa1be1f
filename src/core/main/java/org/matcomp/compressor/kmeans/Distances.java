package org.matcomp.compressor.kmeans;

/**
 * Squared Euclidean distance between two d-vectors stored inside flat arrays. Blocks of 2 and 4 (the common VQ
 * widths) get straight-line code: the JIT cannot unroll a loop whose trip count is a field, and in the neighbour
 * scans of {@link BlockKMeans} the loop overhead was most of the cost of a distance.
 */
final class Distances {
  private Distances() {}

  static float squared(float[] a, int aFrom, float[] b, int bFrom, int d) {
    switch (d) {
      case 4: {
        float d0 = a[aFrom] - b[bFrom];
        float d1 = a[aFrom + 1] - b[bFrom + 1];
        float d2 = a[aFrom + 2] - b[bFrom + 2];
        float d3 = a[aFrom + 3] - b[bFrom + 3];
        return (d0 * d0 + d1 * d1) + (d2 * d2 + d3 * d3);
      }
      case 2: {
        float d0 = a[aFrom] - b[bFrom];
        float d1 = a[aFrom + 1] - b[bFrom + 1];
        return d0 * d0 + d1 * d1;
      }
      default: {
        float s = 0;
        for (int q = 0; q < d; q++) {
          float diff = a[aFrom + q] - b[bFrom + q];
          s += diff * diff;
        }
        return s;
      }
    }
  }
}
