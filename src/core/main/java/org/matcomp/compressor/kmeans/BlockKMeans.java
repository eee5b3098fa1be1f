package org.matcomp.compressor.kmeans;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;

/**
 * K-means of n points of dimension d (vector quantisation of 1×d blocks): Lloyd's iterations that skip the work the
 * triangle inequality proves useless, with over-relaxed centroid steps.
 *
 * <ul>
 *   <li>Bounds (after Hamerly 2010, with one more level): each point keeps an upper bound u on the distance to its
 *       centroid, the identity of its runner-up with a lower bound on the distance to it, and a lower bound on the
 *       distance to every other centroid. When centroids move the bounds move with them; a point whose u stays
 *       below both lower bounds (or below half the gap from its centroid to the nearest other) keeps its cluster
 *       with no distance computed, and a point on the border of just two cells is settled, or moved to its
 *       runner-up, with two distances. A point that fails with the largest move of all centroids is retried with
 *       the largest move among its centroid's nearer neighbours (tabulated per centroid). After a few iterations
 *       almost every point passes.
 *   <li>Sorted neighbour scan (after Phillips 2002) for the rest: each centroid a keeps the others sorted by
 *       distance, with their coordinates alongside. A neighbour c at ‖c − a‖ = D is at least D − u from the point,
 *       so the scan stops once D − u reaches the third-smallest distance found — typically after about 20 of 256 —
 *       and yields the exact nearest two and an exact bound for the rest. The first assignment starts each scan
 *       from a guess read off a coarse quantile grid ({@link CentroidGrid}), not from a score of all k centroids.
 *   <li>Over-relaxation: a centroid moves ω (default 1.8) of the way to its cluster's mean, that is past it. On
 *       slowly converging problems this reaches a given error in about half the iterations — on the 1024² benchmark
 *       30 such steps do what 50 plain ones do — and it falls back to plain steps if a step ever
 *       raises the error. A final plain step puts every centroid on its mean.
 * </ul>
 *
 * <p>With ω = 1 the result is exactly plain Lloyd's from the same start (a test checks it against the textbook
 * loop). Centroid sums are kept in double and updated only for points that change cluster, from per-chunk deltas
 * merged in a fixed order, so results depend on the seed and the processor count only. Empty clusters are re-seeded
 * at the point farthest from its centroid, as sklearn does.
 */
public final class BlockKMeans {
  /** Iterations over which the relative decrease of the error is compared with the tolerance (per iteration). */
  static final int TOLERANCE_WINDOW = 5;

  /** Positions in each neighbour list where the largest move so far is tabulated (see {@link #nearbyMaxMove}). */
  private static final int[] LEVELS = {3, 7, 15, 31, 63, 127};

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
  private final int levels;
  private final float[] levelRadius;
  private final float[] levelMove;
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
    int l = 0;
    while (l < LEVELS.length && LEVELS[l] < k - 2) {
      l++;
    }
    levels = l + 1;
    levelRadius = new float[k * levels];
    levelMove = new float[k * levels];
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
      int base = a * k;
      for (int r = 0; r + 1 < k; r++) {
        neighbours[base + r] = r < a ? r : r + 1; // any order to start: the first refresh sorts it
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
    CentroidGrid grid = CentroidGrid.of(x, n, d, c, k);
    ParallelChunks.run(n, chunks, (chunk, from, to) -> assignFromGuess(grid, chunk, from, to));
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
    return new Clustering(k, d, c.clone(), assign.clone(), inertia(), iterations, pinned);
  }

  /**
   * Alternates the centroid step and the bounded assignment until no point changes cluster, the relative decrease
   * of the clusters' error about their means drops below the tolerance, or the cap. Steps are over-relaxed
   * (c ← c + ω·(mean − c)); if that ever raises the error, the rest are plain. After over-relaxed steps a last plain
   * step puts every centroid on its mean, and the run always ends on an assignment, so every code names its
   * nearest centroid and the final inertia is at most the last error about the means.
   */
  private int iterate(int pinned) {
    double omega = options.overRelaxation();
    double[] history = new double[TOLERANCE_WINDOW + 1];
    java.util.Arrays.fill(history, Double.POSITIVE_INFINITY);
    boolean finish = false;
    int it = 0;
    while (true) {
      it++;
      boolean last = finish || it >= options.maxIterations();
      updateCentroids(pinned, last ? 1 : (float) omega);
      double sse = errorAboutMeans(pinned);
      if (sse > history[(it - 1) % history.length]) {
        omega = 1;
      }
      // Progress is judged over a window: one step's decrease is noisy, and stopping on a lucky small one early
      // leaves a visibly worse result.
      double windowStart = history[it % history.length];
      history[it % history.length] = sse;
      boolean flat = windowStart - sse <= TOLERANCE_WINDOW * options.tolerance() * sse;
      refreshNeighbours();
      ParallelChunks.run(n, chunks, this::boundedPass);
      int changed = mergeChunkDeltas();
      if (last) {
        return it;
      }
      if (changed == 0 || flat) {
        if (omega == 1) {
          return it;
        }
        finish = true;
      }
    }
  }


  /**
   * Moves each centroid ω of the way to its cluster's mean (ω = 1: onto it); empty clusters move to far points.
   * Records each centroid's move.
   */
  private void updateCentroids(int pinned, float omega) {
    int empty = 0;
    for (int j = 0; j < k; j++) {
      float m2 = 0;
      if (j != pinned && counts[j] > 0) {
        for (int q = 0; q < d; q++) {
          float mean = (float) (sums[j * d + q] / counts[j]);
          float v = omega == 1f ? mean : c[j * d + q] + omega * (mean - c[j * d + q]);
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
    int threads = Math.min(ParallelChunks.threads(), Math.max(1, k / 64));
    ParallelChunks.run(k, threads, (chunk, from, to) -> {
      for (int a = from; a < to; a++) {
        refreshNeighbours(a);
      }
    });
  }

  private void refreshNeighbours(int a) {
    int base = a * k;
    for (int r = 0; r + 1 < k; r++) {
      int j = neighbours[base + r];
      float dist = (float) Math.sqrt(Distances.squared(c, a * d, c, j * d, d));
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
    int level = 0;
    for (int r = 0; r + 1 < k; r++) {
      int j = neighbours[base + r];
      System.arraycopy(c, j * d, neighbourCoords, (base + r) * d, d);
      runningMax = Math.max(runningMax, move[j]);
      if (level < levels - 1 && r == LEVELS[level]) {
        levelRadius[a * levels + level] = neighbourDistance[base + r + 1];
        levelMove[a * levels + level] = runningMax;
        level++;
      }
    }
    levelRadius[a * levels + levels - 1] = Float.POSITIVE_INFINITY;
    levelMove[a * levels + levels - 1] = runningMax;
    halfGap[a] = k > 1 ? 0.5f * neighbourDistance[base] : Float.POSITIVE_INFINITY;
  }


  /**
   * First assignment without scoring all k centroids: the grid's guess is usually the answer or next to it, and the
   * neighbour scan from it ends early and is exact. It certifies only the nearest two; the bound
   * on the rest is whatever the scan saw, which the first moves of the centroids would spoil anyway.
   */
  private void assignFromGuess(CentroidGrid grid, int chunk, int from, int to) {
    clearChunk(chunk);
    for (int i = from; i < to; i++) {
      int guess = grid.guess(x, i * d);
      scan(i, guess, distance(i, guess), -1, chunk, false);
    }
  }

  /**
   * One assignment step. Per point, cheapest test first: the bounds as moved by the centroids; then with the exact
   * distance to its centroid; then with the exact distance to its runner-up, which settles the common case of a
   * point on the border of two cells (including moving it to the runner-up) without a scan. Only points that fail
   * all of these are scanned. (Tightening the bound on the other centroids to the moves near the point's centroid,
   * by a bisection of its neighbour list, saved scans but cost more than it saved.)
   */
  private void boundedPass(int chunk, int from, int to) {
    clearChunk(chunk);
    for (int i = from; i < to; i++) {
      visit(i, chunk);
    }
  }

  /**
   * The per-point step of {@link #boundedPass}, a method of its own so that the JIT compiles it after a few hundred
   * points: a long loop with this body inline would run interpreted until on-stack replacement, tens of thousands of
   * points later, and the CLI times a single call in a fresh JVM.
   */
  private void visit(int i, int chunk) {
    int a = assign[i];
    int b = runnerUp[i];
    float u = upper[i] + move[a];
    float lb = b < 0 ? Float.POSITIVE_INFINITY : lowerRunnerUp[i] - move[b];
    float lr = lowerRest[i] - maxMove;
    if (u > Math.max(Math.min(lb, lr), halfGap[a])) {
      lr = Math.max(lr, lowerRest[i] - nearbyMaxMove(a, u + lowerRest[i]));
      if (u > Math.max(Math.min(lb, lr), halfGap[a])) {
        u = distance(i, a);
      }
      if (u > Math.max(Math.min(lb, lr), halfGap[a])) {
        if (u > lb) {
          lb = distance(i, b);
        }
        if (lr < Math.min(u, lb)) {
          scan(i, a, u, a, chunk, true);
          return;
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


  /**
   * A bound on the moves that can matter to a point of cluster a whose new upper bound u plus old bound l on the
   * other centroids is {@code radius}: a centroid farther than u + l from a is still at least l away whatever it did,
   * so only the moves of a's nearer neighbours count. They are tabulated at the 4th, 8th, 16th, ... neighbour, so
   * this is a few predictable comparisons; it is asked only for points that fail the test with the largest move.
   */
  private float nearbyMaxMove(int a, float radius) {
    int base = a * levels;
    int l = 0;
    while (levelRadius[base + l] < radius) {
      l++;
    }
    return levelMove[base + l];
  }

  /**
   * Exact nearest and second-nearest centroids of point i, starting from centroid a at distance u, by scanning a's
   * neighbours in order of distance from a: a neighbour at ‖c − a‖ = D is at least D − u from the point, so the scan
   * stops once D − u reaches the third-smallest distance found, which is then an exact lower bound for every centroid
   * but the two nearest. Without {@code exactRest} it stops at the second-smallest instead, and the bound on the
   * rest is the smaller of the third distance seen and D − u at the stop. {@code current} is the point's cluster
   * before the scan (−1 for none).
   */
  private void scan(int i, int a, float u, int current, int chunk, boolean exactRest) {
    int base = a * k;
    int best = a;
    int second = -1;
    float bestSq = u * u;
    float secondSq = Float.POSITIVE_INFINITY;
    float thirdSq = Float.POSITIVE_INFINITY;
    // u + the third-smallest distance (second-smallest without exactRest): neighbours at or beyond it cannot matter.
    float reach = Float.POSITIVE_INFINITY;
    float unscanned = Float.POSITIVE_INFINITY; // lower bound on the distance to every neighbour not scanned
    int xb = i * d;
    // The point's coordinates as locals for blocks of 4: the JIT cannot keep array loads of x in registers across
    // the loop (x and neighbourCoords might alias), and the scan is where most of the time goes.
    boolean four = d == 4;
    float x0 = four ? x[xb] : 0;
    float x1 = four ? x[xb + 1] : 0;
    float x2 = four ? x[xb + 2] : 0;
    float x3 = four ? x[xb + 3] : 0;
    for (int r = 0; r + 1 < k; r++) {
      if (neighbourDistance[base + r] >= reach) {
        unscanned = neighbourDistance[base + r] - u;
        break;
      }
      float s;
      if (four) {
        int cb = (base + r) << 2;
        float d0 = x0 - neighbourCoords[cb];
        float d1 = x1 - neighbourCoords[cb + 1];
        float d2 = x2 - neighbourCoords[cb + 2];
        float d3 = x3 - neighbourCoords[cb + 3];
        s = (d0 * d0 + d1 * d1) + (d2 * d2 + d3 * d3);
      } else {
        s = Distances.squared(x, xb, neighbourCoords, (base + r) * d, d);
      }
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
        reach = u + (float) Math.sqrt(exactRest ? thirdSq : secondSq);
      }
    }
    upper[i] = (float) Math.sqrt(bestSq);
    runnerUp[i] = second;
    lowerRunnerUp[i] = (float) Math.sqrt(secondSq);
    lowerRest[i] = Math.min((float) Math.sqrt(thirdSq), unscanned);
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

  /**
   * Σ_j Σ_{x in j} ‖x − m_j‖² from the cluster sums, O(k·d), with m_j the cluster's mean (its pinned centroid for a
   * pinned cluster): the error a plain Lloyd step would reach on the current clusters, whatever ω did.
   */
  private double errorAboutMeans(int pinned) {
    double e = 0;
    for (int j = 0; j < k; j++) {
      if (counts[j] == 0) {
        continue;
      }
      double dot = 0;
      double norm = 0;
      for (int q = 0; q < d; q++) {
        double s = sums[j * d + q];
        double v = j == pinned ? c[j * d + q] : s / counts[j];
        dot += v * s;
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

  /**
   * Σ ‖x − c_code‖² over the float32 codebook, from the cluster sums (kept in double and exact up to rounding):
   * Σ_j (Σ‖x‖² − 2 c_j·Σx + n_j ‖c_j‖²), with no pass over the points.
   */
  private double inertia() {
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

}
