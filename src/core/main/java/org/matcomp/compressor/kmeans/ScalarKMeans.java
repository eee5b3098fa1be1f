package org.matcomp.compressor.kmeans;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * K-means of scalars (block size 1), exact or nearly so, on {@link WeightedScalars}: ascending points with prefix
 * sums — the distinct values themselves (after a radix sort) for up to {@link #EXACT_LIMIT} entries or when clusters
 * are narrow, else the non-empty bins of a fine histogram (one sweep instead of a sort; see {@link #HISTOGRAM_SHIFT}).
 *
 * <ol>
 *   <li>{@link OptimalPartition}: the optimal split into k runs by dynamic programming, over every point when the
 *       work budget allows (the exact optimum), otherwise over a grid of 1024 to 4096 candidate boundaries — half equal-weight
 *       (fine where the data are dense), half equal-width (fine in the tails, where optimal levels thin out much
 *       more slowly than the data: their density follows p^⅓, not p).
 *   <li>Lloyd's iterations from there, run to an exact fixed point: every cell is a contiguous range of points
 *       between two centroid midpoints, found by a galloping search from its last position, and every centroid a
 *       prefix-sum difference, so an iteration costs O(k log n). This moves the grid optimum onto the points.
 *   <li>Codes of the actual entries by a branch-free bisection of the k − 1 midpoints.
 * </ol>
 *
 * <p>Lloyd alone, from any start, stops in local optima: on 1024 Gaussian weights rounded to 2⁻¹⁰ it ends up to 8 %
 * above the optimum (see the goldens), and even on 20000 distinct values different starts give fixed points 0.1 %
 * apart. The dynamic programme removes the dependence on the start, so {@link KMeansOptions#init()} does not apply
 * to scalars. Above {@link #MAX_DP_CLUSTERS} clusters the programme is skipped and Lloyd starts from the (j + ½)/k
 * quantiles.
 */
public final class ScalarKMeans {
  /** Up to this many entries the points are the exact distinct values (sorted); above, histogram bins. */
  static final int EXACT_LIMIT = 1 << 18;
  /**
   * Histogram bins above {@link #EXACT_LIMIT} are the floats sharing their top 16 bits: 2^16 bins, each 1/128 of a
   * binade (0.8 % of its values) wide. The histogram is used only if no bin holds more than an eighth of a cluster's
   * average weight, which rules it out where it would be too coarse (for 0.05·N(0, 1) weights, beyond k ≈ 50).
   */
  static final int HISTOGRAM_SHIFT = 16;
  /**
   * The programme runs over every point while k·u·log₂u (its cost in evaluations of a run's error, u points) stays
   * within this budget; otherwise over a grid of 16k candidate boundaries, clamped to [{@link #MIN_GRID},
   * {@link #MAX_GRID}]. The budget is small because the first call runs in a cold JVM, where the programme's short
   * recursive loops stay interpreted longest; Lloyd then finishes the job on all points at O(k log u) an iteration.
   */
  static final long DP_BUDGET = 1L << 18;
  static final int MIN_GRID = 1024;
  static final int MAX_GRID = 4096;
  /** Above this k the programme's table (k × candidates) grows too large to pay; Lloyd from quantiles is used. */
  static final int MAX_DP_CLUSTERS = 1024;
  /**
   * Cap on iterations when run to a fixed point. Lloyd on many levels converges linearly with a rate near 1, so the
   * cap is far above the generic one; at O(k log n) an iteration costs microseconds.
   */
  static final int FIXED_POINT_CAP = 20_000;

  private ScalarKMeans() {}

  /**
   * Clusters the finite values {@code x} into {@code options.clusters()} levels, ascending.
   *
   * @throws IllegalArgumentException if k exceeds the number of values
   */
  public static Clustering fit(float[] x, KMeansOptions options) {
    return fit(x, options, DP_BUDGET, 0, EXACT_LIMIT);
  }

  /**
   * As {@link #fit(float[], KMeansOptions)} with given limits (tests reach the grid and histogram paths with them);
   * {@code gridSize} 0 means the default grid for k.
   */
  static Clustering fit(float[] x, KMeansOptions options, long budget, int gridSize, int exactLimit) {
    int n = x.length;
    int k = options.clusters();
    checkArgument(k <= n, "clusters=%s exceeds the %s values to cluster", k, n);
    WeightedScalars d = null;
    if (n > exactLimit) {
      d = WeightedScalars.binned(x, HISTOGRAM_SHIFT);
      if (d.maxWeight > d.totalWeight() / (8.0 * k)) {
        d = null; // a bin as heavy as an eighth of a cluster: too coarse for this k
      }
    }
    if (d == null) {
      d = WeightedScalars.exact(x);
    }
    int u = d.size();
    double[] c = new double[k];
    if (u <= k) {
      for (int j = 0; j < k; j++) {
        c[j] = d.values[Math.min(j, u - 1)]; // every point its own level; spare levels repeat the last
      }
    } else if (k <= MAX_DP_CLUSTERS) {
      c = OptimalPartition.centroids(d, candidates(d, k, budget, gridSize), k);
    } else {
      double total = d.totalWeight();
      for (int j = 0; j < k; j++) {
        c[j] = d.values[Math.min(u - 1, d.positionOfWeight((j + 0.5) * total / k, 0))];
      }
    }
    int[] bounds = new int[k + 1];
    bounds[k] = u;
    int cap = Math.max(options.maxIterations(), FIXED_POINT_CAP);
    int iterations = u <= k ? 0 : lloyd(d, c, bounds, -1, cap);
    int pinned = -1;
    if (options.pinZero()) {
      pinned = 0;
      for (int j = 1; j < k; j++) {
        if (Math.abs(c[j]) < Math.abs(c[pinned])) {
          pinned = j;
        }
      }
      c[pinned] = 0;
      iterations += lloyd(d, c, bounds, pinned, cap);
    }
    float[] codebook = new float[k];
    for (int j = 0; j < k; j++) {
      codebook[j] = (float) c[j];
    }
    int[] codes = new int[n];
    double inertia = d.binIds != null ? encodeBinned(x, d, codebook, codes) : encode(x, codebook, codes);
    return new Clustering(k, 1, codebook, codes, inertia, iterations, pinned);
  }

  /** Run boundaries the programme may use: every point if the budget allows, else the half-and-half grid. */
  private static int[] candidates(WeightedScalars d, int k, long budget, int gridSize) {
    int u = d.size();
    int grid = gridSize > 0 ? gridSize : Math.max(MIN_GRID, Math.min(MAX_GRID, 16 * k));
    if (grid >= u || (long) k * u * log2(u) <= budget) {
      int[] all = new int[u + 1];
      for (int i = 0; i <= u; i++) {
        all[i] = i;
      }
      return all;
    }
    int half = grid / 2;
    int[] pos = new int[2 * half + 2];
    double lo = d.values[0];
    double hi = d.values[u - 1];
    double total = d.totalWeight();
    int m = 0;
    int byWeight = 0;
    int byValue = 0;
    for (int b = 0; b <= half; b++) {
      byWeight = b == half ? u : d.positionOfWeight(total * b / half, byWeight);
      byValue = b == half ? u : d.firstGreater(lo + (hi - lo) * b / half, byValue);
      pos[m++] = byWeight;
      pos[m++] = byValue;
    }
    java.util.Arrays.sort(pos);
    int distinct = 0;
    for (int i = 0; i < pos.length; i++) {
      if (pos[i] > 0 && (distinct == 0 || pos[i] != pos[distinct - 1])) {
        pos[distinct++] = pos[i];
      }
    }
    int[] out = new int[distinct + 1]; // 0, then the distinct positive positions, which end with u
    System.arraycopy(pos, 0, out, 1, distinct);
    return out;
  }

  private static int log2(long v) {
    return 64 - Long.numberOfLeadingZeros(Math.max(1, v));
  }

  /**
   * Lloyd's iterations on the points until no boundary moves; centroid {@code pinned} (if ≥ 0) is held. Centroids
   * stay ascending: a cell's mean lies between its two midpoints, and an empty cell keeps its centroid, which its
   * neighbours' new means cannot cross.
   */
  private static int lloyd(WeightedScalars d, double[] c, int[] bounds, int pinned, int cap) {
    int k = c.length;
    int it = 0;
    while (it < cap) {
      it++;
      boolean moved = false;
      for (int j = 1; j < k; j++) {
        int b = d.firstGreater(0.5 * (c[j - 1] + c[j]), bounds[j]);
        moved |= b != bounds[j];
        bounds[j] = b;
      }
      if (!moved && it > 1) {
        break;
      }
      for (int j = 0; j < k; j++) {
        if (j != pinned && bounds[j + 1] > bounds[j]) {
          c[j] = d.mean(bounds[j], bounds[j + 1]);
        }
      }
    }
    return it;
  }

  /**
   * {@link #encode} for histogram points, without a search per entry: a bin whose lowest and highest possible values
   * have the same nearest codeword gives all its entries that code, found from a table indexed by the bin. Only
   * entries of the few bins that straddle a midpoint are bisected. The inertia comes from per-code sums.
   */
  static double encodeBinned(float[] x, WeightedScalars d, float[] codebook, int[] codes) {
    int k = codebook.length;
    int shift = d.shift;
    int[] table = new int[1 << (32 - shift)];
    double[] mids = midpoints(codebook);
    double[] codeSum = new double[k];
    double[] codeWeight = new double[k];
    int low = 0;
    int high = 0;
    for (int p = 0; p < d.size(); p++) {
      int b = d.binIds[p];
      double lo = Float.intBitsToFloat(FloatRadixSort.unkey(b << shift));
      double hi = Float.intBitsToFloat(FloatRadixSort.unkey(((b + 1) << shift) - 1));
      // Bins are ascending, so both counts of midpoints below an edge only grow: a merge, not a search.
      while (low < k - 1 && mids[low] < lo) {
        low++;
      }
      while (high < k - 1 && mids[high] < hi) {
        high++;
      }
      if (low == high) {
        table[b] = low;
        codeSum[low] += d.sum[p + 1] - d.sum[p];
        codeWeight[low] += d.weight[p + 1] - d.weight[p];
      } else {
        table[b] = -1;
      }
    }
    int n = x.length;
    int chunks = ParallelChunks.count(n);
    double[][] straddleSum = new double[chunks][k];
    double[][] straddleWeight = new double[chunks][k];
    int half = k == 1 ? 0 : mids.length >> 1;
    ParallelChunks.run(n, chunks, (chunk, from, to) -> {
      double[] sums = straddleSum[chunk];
      double[] weights = straddleWeight[chunk];
      for (int i = from; i < to; i++) {
        codes[i] = codeOf(x[i], table, shift, mids, half, sums, weights);
      }
    });
    // Σ (x − c)² over the entries coded c is Σx² − 2c·Σx + c²·count, so the inertia needs only per-code sums.
    double inertia = d.totalSquares;
    for (int j = 0; j < k; j++) {
      double s = codeSum[j];
      double w = codeWeight[j];
      for (int ch = 0; ch < chunks; ch++) {
        s += straddleSum[ch][j];
        w += straddleWeight[ch][j];
      }
      double c = codebook[j];
      inertia -= 2 * c * s - c * c * w;
    }
    return Math.max(0, inertia);
  }

  /**
   * One entry's code from the bin table, bisecting (and booking the entry's sum) only for straddling bins. A method
   * of its own so that the JIT compiles it after a few hundred entries rather than at on-stack replacement of the
   * whole loop, tens of thousands of entries later — the CLI times a single call in a fresh JVM.
   */
  private static int codeOf(float v, int[] table, int shift, double[] mids, int half, double[] sums,
      double[] weights) {
    int code = table[FloatRadixSort.key(Float.floatToRawIntBits(v)) >>> shift];
    if (code < 0) {
      code = bisect(mids, half, v);
      sums[code] += v;
      weights[code]++;
    }
    return code;
  }

  /** The k − 1 midpoints between consecutive codewords, padded with +∞ to a power of two. */
  private static double[] midpoints(float[] codebook) {
    int k = codebook.length;
    int p = Integer.highestOneBit(Math.max(1, k - 1)) << 1;
    double[] mids = new double[p];
    java.util.Arrays.fill(mids, Double.POSITIVE_INFINITY);
    for (int j = 0; j + 1 < k; j++) {
      mids[j] = 0.5 * ((double) codebook[j] + codebook[j + 1]);
    }
    return mids;
  }

  /** Number of midpoints below v: a fixed number of steps that compile to conditional moves. */
  private static int bisect(double[] mids, int half, double v) {
    int pos = 0;
    for (int step = half; step > 0; step >>= 1) {
      pos += mids[pos + step - 1] < v ? step : 0;
    }
    return pos;
  }

  /** Writes each value's nearest codeword and returns Σ (x − codeword)². */
  static double encode(float[] x, float[] codebook, int[] codes) {
    int k = codebook.length;
    double[] mids = midpoints(codebook);
    int half = k == 1 ? 0 : mids.length >> 1;
    int n = x.length;
    int chunks = ParallelChunks.count(n);
    double[] partial = new double[chunks];
    ParallelChunks.run(n, chunks, (chunk, from, to) -> {
      double err = 0;
      for (int i = from; i < to; i++) {
        double v = x[i];
        int code = bisect(mids, half, v);
        codes[i] = code;
        double e = v - codebook[code];
        err += e * e;
      }
      partial[chunk] = err;
    });
    double inertia = 0;
    for (double e : partial) {
      inertia += e;
    }
    return inertia;
  }

}
