package org.matcomp.compressor.kmeans;

/**
 * A lookup table that guesses a point's nearest centroid from its cell in a coarse grid: each of the first (up to
 * four) coordinates is cut at its sample quantiles into equal-count bins, about 4096 cells in all, and each cell
 * holds the centroid nearest to its representative point. A guess costs a few comparisons per coordinate and one
 * table read, against the k distances of a full search; {@link BlockKMeans}'s exact neighbour scan starts from it
 * and stops early when it is right or nearly so. Quantile bins put the cells where the points are, so in the dense
 * part of the data a cell is a fraction of a Voronoi cell.
 */
final class CentroidGrid {
  private static final int CELLS = 4096;
  private static final int SAMPLE = 8192;

  private final int d;
  private final int dims;
  private final int perDim;
  /** perDim − 1 ascending cut points per gridded coordinate, padded with +∞ to a power of two for bisection. */
  private final float[] cuts;
  private final int cutStride;
  private final int[] table;

  private CentroidGrid(int d, int dims, int perDim, float[] cuts, int cutStride, int[] table) {
    this.d = d;
    this.dims = dims;
    this.perDim = perDim;
    this.cuts = cuts;
    this.cutStride = cutStride;
    this.table = table;
  }

  /** A grid for the n×d points {@code x} (a strided sample sets the cuts) and the k×d centroids {@code c}. */
  static CentroidGrid of(float[] x, int n, int d, float[] c, int k) {
    int dims = Math.min(d, 4);
    int perDim = 2;
    while (pow(perDim + 1, dims) <= CELLS) {
      perDim++;
    }
    int cutStride = Integer.highestOneBit(Math.max(1, perDim - 1)) << 1;
    float[] cuts = new float[dims * cutStride];
    java.util.Arrays.fill(cuts, Float.POSITIVE_INFINITY);
    int m = Math.min(n, SAMPLE);
    float[][] reps = new float[dims][perDim];
    float[] column = new float[m];
    double[] mean = new double[d];
    for (int q = 0; q < d; q++) {
      for (int s = 0; s < m; s++) {
        float v = x[(int) ((long) s * n / m) * d + q];
        mean[q] += v;
        if (q < dims) {
          column[s] = v;
        }
      }
      mean[q] /= m;
      if (q < dims) {
        float[] sorted = FloatRadixSort.sorted(column);
        for (int b = 0; b < perDim; b++) {
          if (b > 0) {
            cuts[q * cutStride + b - 1] = sorted[(int) ((long) b * m / perDim)];
          }
          reps[q][b] = sorted[(int) Math.min(m - 1, (long) ((b + 0.5) * m / perDim))];
        }
      }
    }
    int cells = pow(perDim, dims);
    int[] table = new int[cells];
    float[] rep = new float[d];
    for (int q = dims; q < d; q++) {
      rep[q] = (float) mean[q];
    }
    for (int cell = 0; cell < cells; cell++) {
      int rest = cell;
      for (int q = dims - 1; q >= 0; q--) {
        rep[q] = reps[q][rest % perDim];
        rest /= perDim;
      }
      table[cell] = nearest(rep, c, k, d);
    }
    return new CentroidGrid(d, dims, perDim, cuts, cutStride, table);
  }

  /** The guess for the point at {@code x[from..from+d)}. */
  int guess(float[] x, int from) {
    int cell = 0;
    int half = cutStride >> 1;
    for (int q = 0; q < dims; q++) {
      float v = x[from + q];
      int base = q * cutStride;
      int pos = 0;
      for (int step = half; step > 0; step >>= 1) {
        pos += cuts[base + pos + step - 1] < v ? step : 0;
      }
      cell = cell * perDim + pos;
    }
    return table[cell];
  }

  /** The centroid nearest to p; a method of its own so the JIT compiles it early (see {@link BlockKMeans}). */
  private static int nearest(float[] p, float[] c, int k, int d) {
    int best = 0;
    float bestSq = Float.POSITIVE_INFINITY;
    for (int j = 0; j < k; j++) {
      float s = Distances.squared(p, 0, c, j * d, d);
      if (s < bestSq) {
        bestSq = s;
        best = j;
      }
    }
    return best;
  }

  private static int pow(int b, int e) {
    int r = 1;
    for (int i = 0; i < e; i++) {
      r *= b;
    }
    return r;
  }
}
