package org.matcomp.compressor.kmeans;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;

/**
 * K-means of n points of dimension d (vector quantisation of 1×d blocks) by Lloyd's iterations that skip the work
 * the triangle inequality proves useless. The result is plain Lloyd's from the same start; only the cost differs.
 *
 * <ul>
 *   <li>Hamerly's bounds (Hamerly 2010): each point keeps an upper bound u on the distance to its centroid and a
 *       lower bound l on the distance to every other. When centroids move, u grows by its centroid's move and l
 *       shrinks by the largest move; a point with u ≤ max(l, half the gap from its centroid to the nearest other)
 *       keeps its cluster without any distance computed. After a few iterations that is almost every point.
 *   <li>Sorted neighbour scan (after Phillips 2002): each centroid a keeps the others sorted by distance. A point x
 *       at distance u from a can only be nearer to a centroid c with ‖c − a‖ &lt; u + s, where s is the
 *       second-smallest distance found so far, so the scan of a's list stops early — typically after a few dozen of
 *       the 256 — and still yields the exact nearest centroid and an exact lower bound for the rest.
 * </ul>
 *
 * <p>When the seeding did not compute nearest centroids, the first assignment is a full search scoring all k
 * centroids as ‖c‖²/2 − x·c over centroids stored transposed (d×k), so its inner loop runs along k with contiguous
 * loads that the JIT vectorises. Centroid sums are kept in double and updated only for points that change cluster,
 * from per-chunk deltas merged in a fixed order. Empty clusters are re-seeded at the point farthest from its
 * centroid, as sklearn does.
 */
public final class BlockKMeans {
  /**
   * Iterations run before the tolerance may stop Lloyd: sklearn's default {@code max_iter}, so a result from here
   * has had at least as many Lloyd steps as sklearn gives its own.
   */
  static final int MIN_ITERATIONS_BEFORE_TOLERANCE = 50;

  private final float[] x;
  private final int n;
  private final int d;
  private final int k;
  private final KMeansOptions options;
  private final int chunks;

  private final float[] c;
  private final float[] move;
  private final int[] neighbours;
  private final float[] neighbourDistance;
  private final float[] neighbourCoords;
  private final float[] neighbourMaxMove;
  private final float[] halfGap;
  private final int[] assign;
  private final float[] upper;
  private final int[] runnerUp;
  private final float[] lowerRunnerUp;
  private final float[] lowerRest;
  private final double[] sums;
  private final double[] sumSq;
  private final long[] counts;
  private final double[][] chunkSums;
  private final double[][] chunkSumSq;
  private final long[][] chunkCounts;
  private final int[] chunkChanged;
  private float maxMove;

  private BlockKMeans(float[] x, int n, int d, KMeansOptions options, float[] centroids) {
    this.x = x;
    this.n = n;
    this.d = d;
    this.k = options.clusters();
    this.options = options;
    this.chunks = ParallelChunks.count(n);
    c = centroids;
    move = new float[k];
    neighbours = new int[k * k];
    neighbourDistance = new float[k * k];
    neighbourCoords = new float[k * k * d];
    neighbourMaxMove = new float[k * k];
    halfGap = new float[k];
    assign = new int[n];
    upper = new float[n];
    runnerUp = new int[n];
    lowerRunnerUp = new float[n];
    lowerRest = new float[n];
    sums = new double[k * d];
    sumSq = new double[k];
    counts = new long[k];
    chunkSums = new double[chunks][k * d];
    chunkSumSq = new double[chunks][k];
    chunkCounts = new long[chunks][k];
    chunkChanged = new int[chunks];
    for (int a = 0; a < k; a++) {
      for (int r = 0; r + 1 < k; r++) {
        neighbours[a * k + r] = r < a ? r : r + 1;
      }
    }
  }

  /**
   * Clusters the n×d row-major points {@code x} (finite) into {@code options.clusters()} centroids.
   *
   * @throws IllegalArgumentException if k exceeds n or the shape does not match
   */
  public static Clustering fit(float[] x, int n, int d, KMeansOptions options) {
    checkArgument(n >= 1 && d >= 1 && (long) n * d == x.length, "points %sx%s do not match %s values", n, d,
        x.length);
    checkArgument(options.clusters() <= n, "clusters=%s exceeds the %s points to cluster", options.clusters(), n);
    float[] seeds = BlockSeeding.centroids(x, n, d, options.clusters(), options.init(), options.seed());
    return new BlockKMeans(x, n, d, options, seeds).run();
  }

  /** Lloyd from the given k×d starting centroids (copied). */
  static Clustering fitFrom(float[] x, int n, int d, KMeansOptions options, float[] start) {
    return new BlockKMeans(x, n, d, options, start.clone()).run();
  }

  private Clustering run() {
    refreshNeighbours();
    CentroidGroups groups = CentroidGroups.of(c, k, d);
    ParallelChunks.run(n, chunks, (chunk, from, to) -> assignFromGuess(groups, chunk, from, to));
    mergeChunkDeltas();
    int iterations = iterate(-1);
    int pinned = -1;
    if (options.pinZero()) {
      pinned = 0;
      for (int j = 1; j < k; j++) {
        if (squaredNorm(j) < squaredNorm(pinned)) {
          pinned = j;
        }
      }
      Arrays.fill(move, 0f);
      move[pinned] = (float) Math.sqrt(squaredNorm(pinned));
      Arrays.fill(c, pinned * d, (pinned + 1) * d, 0f);
      refreshMoveExtremes();
      refreshNeighbours();
      ParallelChunks.run(n, chunks, this::boundedPass);
      mergeChunkDeltas();
      iterations += 1 + iterate(pinned);
    }
    return new Clustering(k, d, c.clone(), assign.clone(), exactInertia(), iterations, pinned);
  }

  /**
   * Alternates the centroid update and the bounded assignment until no point changes cluster, the inertia's
   * relative decrease drops below the tolerance (after {@link #MIN_ITERATIONS_BEFORE_TOLERANCE}), or the cap; ends
   * on an assignment, so every code names its nearest centroid.
   */
  private int iterate(int pinned) {
    double previous = Double.POSITIVE_INFINITY;
    int it = 0;
    while (it < options.maxIterations()) {
      it++;
      updateCentroids(pinned);
      double sse = partitionError();
      boolean flat = it >= MIN_ITERATIONS_BEFORE_TOLERANCE && previous - sse <= options.tolerance() * sse;
      previous = sse;
      refreshNeighbours();
      ParallelChunks.run(n, chunks, this::boundedPass);
      int changed = mergeChunkDeltas();
      if (changed == 0 || flat) {
        break;
      }
    }
    return it;
  }

  /** Means of the current clusters; empty clusters move to far points. Records each centroid's move. */
  private void updateCentroids(int pinned) {
    int empty = 0;
    for (int j = 0; j < k; j++) {
      float m2 = 0;
      if (j != pinned && counts[j] > 0) {
        for (int q = 0; q < d; q++) {
          float v = (float) (sums[j * d + q] / counts[j]);
          float diff = v - c[j * d + q];
          m2 += diff * diff;
          c[j * d + q] = v;
        }
      } else if (j != pinned) {
        empty++;
      }
      move[j] = (float) Math.sqrt(m2);
    }
    if (empty > 0) {
      reseedEmpty(pinned);
    }
    refreshMoveExtremes();
  }

  /**
   * Puts each empty centroid on a distinct point with the largest upper bound (the farthest from its centroid as far
   * as the bounds know). Its move enters the bound updates, so no bound becomes invalid.
   */
  private void reseedEmpty(int pinned) {
    boolean[] used = new boolean[n];
    for (int j = 0; j < k; j++) {
      if (j == pinned || counts[j] > 0) {
        continue;
      }
      int far = -1;
      for (int i = 0; i < n; i++) {
        if (!used[i] && (far < 0 || upper[i] > upper[far])) {
          far = i;
        }
      }
      used[far] = true;
      float m2 = 0;
      for (int q = 0; q < d; q++) {
        float diff = x[far * d + q] - c[j * d + q];
        m2 += diff * diff;
        c[j * d + q] = x[far * d + q];
      }
      move[j] = (float) Math.sqrt(m2);
    }
  }

  private void refreshMoveExtremes() {
    maxMove = 0;
    for (int j = 0; j < k; j++) {
      maxMove = Math.max(maxMove, move[j]);
    }
  }

  /**
   * Re-sorts every centroid's neighbour list by the new distances. Centroids move little between iterations, so the
   * previous order is nearly sorted and insertion sort costs about O(k) per list.
   */
  private void refreshNeighbours() {
    for (int a = 0; a < k; a++) {
      int base = a * k;
      for (int r = 0; r + 1 < k; r++) {
        int j = neighbours[base + r];
        float s = 0;
        for (int q = 0; q < d; q++) {
          float diff = c[a * d + q] - c[j * d + q];
          s += diff * diff;
        }
        float dist = (float) Math.sqrt(s);
        int p = r;
        while (p > 0 && neighbourDistance[base + p - 1] > dist) {
          neighbourDistance[base + p] = neighbourDistance[base + p - 1];
          neighbours[base + p] = neighbours[base + p - 1];
          p--;
        }
        neighbourDistance[base + p] = dist;
        neighbours[base + p] = j;
      }
      float runningMax = 0;
      for (int r = 0; r + 1 < k; r++) {
        int j = neighbours[base + r];
        System.arraycopy(c, j * d, neighbourCoords, (base + r) * d, d);
        runningMax = Math.max(runningMax, move[j]);
        neighbourMaxMove[base + r] = runningMax;
      }
      halfGap[a] = k > 1 ? 0.5f * neighbourDistance[base] : Float.POSITIVE_INFINITY;
    }
  }

  /**
   * First assignment without scoring all k centroids: the nearest centroid of the nearest group is a guess close to
   * the answer, and the neighbour scan from it ends early and is exact.
   */
  private void assignFromGuess(CentroidGroups groups, int chunk, int from, int to) {
    clearChunk(chunk);
    for (int i = from; i < to; i++) {
      int guess = groups.nearestGuess(x, i * d);
      scan(i, guess, distance(i, guess), -1, chunk);
    }
  }

  /**
   * One assignment step. Per point, cheapest test first: the bounds as moved by the centroids; then with the exact
   * distance to its centroid; then with the exact distance to its runner-up, which settles the common case of a
   * point on the border of two cells (including moving it to the runner-up) without a scan; then with the other
   * centroids' bound tightened to the moves near its centroid. Only points that fail all of these are scanned.
   */
  private void boundedPass(int chunk, int from, int to) {
    clearChunk(chunk);
    for (int i = from; i < to; i++) {
      int a = assign[i];
      int b = runnerUp[i];
      float u = upper[i] + move[a];
      float lb = b < 0 ? Float.POSITIVE_INFINITY : lowerRunnerUp[i] - move[b];
      float lr = lowerRest[i] - maxMove;
      if (u > Math.max(Math.min(lb, lr), halfGap[a])) {
        u = distance(i, a);
        if (u > Math.max(Math.min(lb, lr), halfGap[a])) {
          if (u > lb) {
            lb = distance(i, b);
          }
          if (u > lr) {
            lr = Math.max(lr, lowerRest[i] - localMaxMove(a, u + lowerRest[i]));
          }
          if (lr < Math.min(u, lb)) {
            scan(i, a, u, a, chunk);
            continue;
          }
          if (lb < u) {
            // The runner-up is now nearest and every other centroid is at least lr ≥ lb away: swap the two.
            book(i, a, b, chunk);
            runnerUp[i] = a;
            float t = u;
            u = lb;
            lb = t;
          }
        }
      }
      upper[i] = u;
      lowerRunnerUp[i] = lb;
      lowerRest[i] = lr;
    }
  }

  /**
   * The largest move among centroids within {@code radius} of centroid a (new positions). For a point with upper
   * bound u on its distance to a and old lower bound l on its distance to a set of other centroids, those farther
   * than u + l from a are still at least l away, so only moves within that radius can lower l: a tighter update than
   * Hamerly's global maximum move.
   */
  private float localMaxMove(int a, float radius) {
    int base = a * k;
    int lo = 0;
    int hi = k - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (neighbourDistance[base + mid] < radius) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == 0 ? 0f : neighbourMaxMove[base + lo - 1];
  }

  /**
   * Exact nearest and second-nearest centroids of point i, starting from centroid a at distance u, by scanning a's
   * neighbours in order of distance from a: a neighbour at ‖c − a‖ = D is at least D − u from the point, so the scan
   * stops once D − u reaches the third-smallest distance found, which is then an exact lower bound for every centroid
   * but the two nearest. {@code current} is the point's cluster before the scan (−1 for none).
   */
  private void scan(int i, int a, float u, int current, int chunk) {
    int base = a * k;
    int best = a;
    int second = -1;
    float bestSq = u * u;
    float secondSq = Float.POSITIVE_INFINITY;
    float thirdSq = Float.POSITIVE_INFINITY;
    float reach = Float.POSITIVE_INFINITY; // u + third-smallest distance: neighbours at or beyond it cannot matter
    int xb = i * d;
    for (int r = 0; r + 1 < k; r++) {
      if (neighbourDistance[base + r] >= reach) {
        break;
      }
      float s = Distances.squared(x, xb, neighbourCoords, (base + r) * d, d);
      if (s < thirdSq) {
        int j = neighbours[base + r];
        if (s < secondSq) {
          thirdSq = secondSq;
          if (s < bestSq) {
            secondSq = bestSq;
            second = best;
            bestSq = s;
            best = j;
          } else {
            secondSq = s;
            second = j;
          }
        } else {
          thirdSq = s;
        }
        reach = u + (float) Math.sqrt(thirdSq);
      }
    }
    upper[i] = (float) Math.sqrt(bestSq);
    runnerUp[i] = second;
    lowerRunnerUp[i] = (float) Math.sqrt(secondSq);
    lowerRest[i] = (float) Math.sqrt(thirdSq);
    if (best != current) {
      book(i, current, best, chunk);
    }
  }

  /** Moves point i from cluster {@code from} (−1: none) to {@code to} in the chunk's deltas. */
  private void book(int i, int from, int to, int chunk) {
    assign[i] = to;
    double[] s = chunkSums[chunk];
    int base = i * d;
    double norm = 0;
    for (int q = 0; q < d; q++) {
      double v = x[base + q];
      norm += v * v;
      s[to * d + q] += v;
      if (from >= 0) {
        s[from * d + q] -= v;
      }
    }
    chunkSumSq[chunk][to] += norm;
    chunkCounts[chunk][to]++;
    if (from >= 0) {
      chunkSumSq[chunk][from] -= norm;
      chunkCounts[chunk][from]--;
    }
    chunkChanged[chunk]++;
  }

  private float distance(int i, int j) {
    return (float) Math.sqrt(Distances.squared(x, i * d, c, j * d, d));
  }

  private void clearChunk(int chunk) {
    Arrays.fill(chunkSums[chunk], 0);
    Arrays.fill(chunkSumSq[chunk], 0);
    Arrays.fill(chunkCounts[chunk], 0);
    chunkChanged[chunk] = 0;
  }

  /** Adds the chunks' deltas in chunk order; returns how many points changed cluster. */
  private int mergeChunkDeltas() {
    int changed = 0;
    for (int ch = 0; ch < chunks; ch++) {
      double[] s = chunkSums[ch];
      for (int t = 0; t < s.length; t++) {
        sums[t] += s[t];
      }
      for (int j = 0; j < k; j++) {
        sumSq[j] += chunkSumSq[ch][j];
        counts[j] += chunkCounts[ch][j];
      }
      changed += chunkChanged[ch];
    }
    return changed;
  }

  /** Σ_j Σ_{x in j} ‖x − c_j‖² from the cluster sums, O(k·d). */
  private double partitionError() {
    double e = 0;
    for (int j = 0; j < k; j++) {
      double dot = 0;
      double norm = 0;
      for (int q = 0; q < d; q++) {
        double v = c[j * d + q];
        dot += v * sums[j * d + q];
        norm += v * v;
      }
      e += sumSq[j] - 2 * dot + counts[j] * norm;
    }
    return Math.max(0, e);
  }

  private double squaredNorm(int j) {
    double s = 0;
    for (int q = 0; q < d; q++) {
      s += (double) c[j * d + q] * c[j * d + q];
    }
    return s;
  }

  /** Σ ‖x − c_code‖² over the float32 codebook, in double: the figure reported as inertia. */
  private double exactInertia() {
    double[] partial = new double[chunks];
    ParallelChunks.run(n, chunks, (chunk, from, to) -> {
      double e = 0;
      for (int i = from; i < to; i++) {
        int cb = assign[i] * d;
        for (int q = 0; q < d; q++) {
          double diff = (double) x[i * d + q] - c[cb + q];
          e += diff * diff;
        }
      }
      partial[chunk] = e;
    });
    double e = 0;
    for (double p : partial) {
      e += p;
    }
    return e;
  }
}
