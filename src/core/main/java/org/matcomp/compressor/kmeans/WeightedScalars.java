package org.matcomp.compressor.kmeans;

/**
 * Scalars as ascending weighted points with prefix sums of weight, of x, and of each point's sum²/weight, in double:
 * the form 1-D k-means runs on. Every 1-D Voronoi cell is then a contiguous range found by one binary search, and
 * the weight, mean and error of a range come from the prefix sums in O(1).
 *
 * <p>{@link #exact} sorts the data and merges equal values, so a clustering of the points is a clustering of the
 * data. {@link #binned} sums the data into a fine histogram instead, each non-empty bin one point at its mean: one
 * light sweep in place of a sort, at a resolution far below the width of any cluster it is used for.
 *
 * <p>The error of a range is that of its points as point masses, Σ s_p²/w_p − (Σ s_p)²/Σ w_p. For a partition that
 * does not split points this differs from the true squared error only by the points' own spread, the same for every
 * such partition, so it ranks partitions exactly; {@link #totalSquares} (Σ x² over the data) turns it back into the
 * true error where that is needed.
 */
final class WeightedScalars {
  /** Point values, ascending. */
  final double[] values;
  /** Prefix sums over points: weight[i] = Σ_{p &lt; i} w_p, sum[i] = Σ_{p &lt; i} s_p, massSq[i] = Σ_{p &lt; i} s_p²/w_p. */
  final double[] weight;
  final double[] sum;
  final double[] massSq;
  /** Σ x² over the data. */
  final double totalSquares;
  /** Largest weight of a single point. */
  final double maxWeight;
  /** For {@link #binned} points, each point's bin (its values' common top bits); null for exact points. */
  final int[] binIds;
  /** The bin shift of {@link #binned} points; −1 for exact points. */
  final int shift;

  private WeightedScalars(double[] values, double[] pointWeight, double[] pointSum, double totalSquares, int[] binIds,
      int shift) {
    int u = values.length;
    this.values = values;
    this.weight = new double[u + 1];
    this.sum = new double[u + 1];
    this.massSq = new double[u + 1];
    double maxW = 0;
    for (int p = 0; p < u; p++) {
      double w = pointWeight[p];
      double s = pointSum[p];
      weight[p + 1] = weight[p] + w;
      sum[p + 1] = sum[p] + s;
      massSq[p + 1] = massSq[p] + s * s / w;
      maxW = Math.max(maxW, w);
    }
    this.maxWeight = maxW;
    this.totalSquares = totalSquares;
    this.binIds = binIds;
    this.shift = shift;
  }

  /** One point per distinct value of the finite array {@code x}, weighted by its multiplicity. */
  static WeightedScalars exact(float[] x) {
    float[] s = FloatRadixSort.sorted(x);
    int n = s.length;
    int distinct = n == 0 ? 0 : 1;
    for (int i = 1; i < n; i++) {
      if (s[i] != s[i - 1]) {
        distinct++;
      }
    }
    double[] values = new double[distinct];
    double[] w = new double[distinct];
    double[] s1 = new double[distinct];
    double squares = 0;
    int p = -1;
    for (int i = 0; i < n; i++) {
      double v = s[i];
      if (i == 0 || s[i] != s[i - 1]) {
        values[++p] = v;
      }
      w[p] += 1;
      s1[p] += v;
      squares += v * v;
    }
    return new WeightedScalars(values, w, s1, squares, null, -1);
  }

  /**
   * The non-empty bins of a histogram of the finite array {@code x} whose bins are the floats sharing their top
   * {@code 32 - shift} bits (sign, exponent and leading mantissa bits): bins 2^(shift−23) of a value wide, finest
   * near zero where weights are densest, and found with integer operations only — no range pass — which keeps the
   * sweep cheap even before the JIT has compiled it. Per bin only the count and the sum are kept.
   */
  static WeightedScalars binned(float[] x, int shift) {
    int n = x.length;
    int bins = 1 << (32 - shift);
    int chunks = Math.min(ParallelChunks.count(n), ParallelChunks.threads());
    int[][] counts = new int[chunks][bins];
    double[][] sums = new double[chunks][bins];
    double[] squares = new double[chunks];
    ParallelChunks.run(n, chunks, (chunk, from, to) -> {
      int[] cnt = counts[chunk];
      double[] s1 = sums[chunk];
      double sq = 0;
      for (int i = from; i < to; i++) {
        float v = x[i];
        count(v, shift, cnt, s1);
        sq += (double) v * v;
      }
      squares[chunk] = sq;
    });
    int used = 0;
    int[] total = counts[0];
    for (int b = 0; b < bins; b++) {
      int c = total[b];
      for (int ch = 1; ch < chunks; ch++) {
        c += counts[ch][b];
      }
      total[b] = c;
      if (c > 0) {
        used++;
      }
    }
    double[] values = new double[used];
    double[] w = new double[used];
    double[] s1 = new double[used];
    int[] ids = new int[used];
    int p = 0;
    for (int b = 0; b < bins; b++) {
      int c = total[b];
      if (c == 0) {
        continue;
      }
      double bs = 0;
      for (int ch = 0; ch < chunks; ch++) {
        bs += sums[ch][b];
      }
      ids[p] = b;
      values[p] = bs / c;
      w[p] = c;
      s1[p] = bs;
      p++;
    }
    double sq = 0;
    for (double v : squares) {
      sq += v;
    }
    return new WeightedScalars(values, w, s1, sq, ids, shift);
  }

  /**
   * Books one value in its bin. A method of its own so that the JIT compiles it after a few hundred values rather
   * than at on-stack replacement of the whole sweep (the CLI times a single call in a fresh JVM).
   */
  private static void count(float v, int shift, int[] counts, double[] sums) {
    int b = FloatRadixSort.key(Float.floatToRawIntBits(v)) >>> shift;
    counts[b]++;
    sums[b] += v;
  }

  /** Number of points. */
  int size() {
    return values.length;
  }

  double totalWeight() {
    return weight[values.length];
  }

  /** Weighted mean of points [from, to), which must hold weight. */
  double mean(int from, int to) {
    return (sum[to] - sum[from]) / (weight[to] - weight[from]);
  }

  /** Error of points [from, to) as point masses about their mean (see the class comment), never negative. */
  double cost(int from, int to) {
    double s = sum[to] - sum[from];
    double e = (massSq[to] - massSq[from]) - s * s / (weight[to] - weight[from]);
    return Math.max(0, e);
  }

  /** First point index whose cumulative weight before it reaches {@code w}: the equal-weight grid position. */
  int positionOfWeight(double w, int hint) {
    int lo = hint;
    int hi = values.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (weight[mid] < w) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * First point whose value exceeds {@code v} (size() if none), found by galloping out from {@code hint} and then
   * bisecting: between Lloyd iterations a boundary moves a few positions, so this costs O(log distance moved).
   */
  int firstGreater(double v, int hint) {
    int n = values.length;
    int lo;
    int hi;
    if (hint < n && values[hint] <= v) {
      lo = hint + 1; // answer in [lo, n]
      int step = 1;
      hi = lo;
      while (hi < n && values[hi] <= v) {
        lo = hi + 1;
        hi += step;
        step <<= 1;
      }
      hi = Math.min(hi, n);
    } else {
      hi = Math.min(hint, n); // answer in [0, hi]
      int step = 1;
      lo = hi;
      while (lo > 0 && values[lo - 1] > v) {
        hi = lo - 1;
        lo -= step;
        step <<= 1;
      }
      lo = Math.max(lo, 0);
    }
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (values[mid] <= v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
