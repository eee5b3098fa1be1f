package org.matcomp.compressor.kmeans;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Objects;

/**
 * How to run one k-means: number of clusters, start, seed, whether the centroid nearest zero is pinned to exactly 0,
 * and when Lloyd's iterations stop.
 *
 * @param clusters k, at least 1
 * @param init where the centroids start
 * @param seed seed of every random choice (same seed, same input, same result)
 * @param pinZero after convergence, set the centroid nearest the zero block to exactly 0 and keep iterating with it
 *     held there, so codes and the other centroids adapt to the pin (graph_compression pins but keeps stale codes)
 * @param maxIterations cap on Lloyd iterations
 * @param tolerance stop once the relative decrease of the inertia per iteration, averaged over the last few, falls
 *     below this; 0 means run until no code changes (an exact Lloyd fixed point) or the cap
 * @param overRelaxation ω of the block Lloyd step c ← c + ω·(mean − c); 1 is plain Lloyd. Values in (1, 2) reach
 *     a given inertia in far fewer iterations on large, slowly converging problems (see {@link BlockKMeans}).
 */
public record KMeansOptions(int clusters, CentroidInit init, long seed, boolean pinZero, int maxIterations,
    double tolerance, double overRelaxation) {
  /** Lloyd's cap when none is given: well above what the 1024² benchmark workloads need to reach a fixed point. */
  public static final int DEFAULT_MAX_ITERATIONS = 300;
  /**
   * Relative inertia decrease per iteration below which further iterations are not worth their time. On the 1024²
   * benchmark blocks it stops after about 50 over-relaxed iterations, below scikit-learn's 50-iteration error on
   * both matrices tried (whose own error varies by ±0.1 % with its seeding); 2e-4 stopped after about 30, fast but
   * once above it.
   */
  public static final double DEFAULT_TOLERANCE = 1e-4;
  /** Over-relaxation of block Lloyd steps; on 1024² Gaussian blocks it halves the iterations to a given error. */
  public static final double DEFAULT_OVER_RELAXATION = 1.8;

  public KMeansOptions {
    checkArgument(clusters >= 1, "clusters=%s must be at least 1", clusters);
    Objects.requireNonNull(init, "init");
    checkArgument(maxIterations >= 1, "maxIterations=%s must be at least 1", maxIterations);
    checkArgument(tolerance >= 0 && tolerance < 1, "tolerance=%s must be in [0, 1)", tolerance);
    checkArgument(overRelaxation >= 1 && overRelaxation < 2, "overRelaxation=%s must be in [1, 2)", overRelaxation);
  }

  /** With the default over-relaxation. */
  public KMeansOptions(int clusters, CentroidInit init, long seed, boolean pinZero, int maxIterations,
      double tolerance) {
    this(clusters, init, seed, pinZero, maxIterations, tolerance, DEFAULT_OVER_RELAXATION);
  }

  public static KMeansOptions of(int clusters, CentroidInit init, long seed) {
    return new KMeansOptions(clusters, init, seed, false, DEFAULT_MAX_ITERATIONS, DEFAULT_TOLERANCE);
  }

  public KMeansOptions withClusters(int k) {
    return new KMeansOptions(k, init, seed, pinZero, maxIterations, tolerance, overRelaxation);
  }

  public KMeansOptions withPinZero(boolean pin) {
    return new KMeansOptions(clusters, init, seed, pin, maxIterations, tolerance, overRelaxation);
  }

  public KMeansOptions withOverRelaxation(double omega) {
    return new KMeansOptions(clusters, init, seed, pinZero, maxIterations, tolerance, omega);
  }
}
