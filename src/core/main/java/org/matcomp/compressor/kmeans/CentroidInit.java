package org.matcomp.compressor.kmeans;

import java.util.Arrays;
import java.util.Locale;

/**
 * Where Lloyd's iterations start: the four choices of tfmot's weight clustering ({@code CentroidInitialization}).
 * They apply to blocks ({@link BlockKMeans}); scalar k-means ({@link ScalarKMeans}) starts from the optimal partition
 * found by dynamic programming, so no start is needed there. For blocks wider than one entry, LINEAR and
 * DENSITY_BASED act per coordinate, which places every centroid on one monotone curve through the data; they are
 * offered for parity with tfmot, K-means++ is the sound choice for blocks.
 */
public enum CentroidInit {
  /** Evenly spaced between the minimum and the maximum (per coordinate for blocks). */
  LINEAR("linear"),
  /**
   * Evenly spaced in the empirical CDF: centroid j sits at the (j + ½)/k quantile (per coordinate for blocks).
   * tfmot spaces CDF values from 0 to 1 inclusive, which puts two centroids on the extreme outliers; the midpoint
   * quantiles do not, and start much closer to the Lloyd–Max levels.
   */
  DENSITY_BASED("density-based"),
  /** k distinct data points drawn uniformly with the seed. */
  RANDOM("random"),
  /**
   * D²-sampling (Arthur &amp; Vassilvitskii 2007), greedy as sklearn's: each centre the best of 2 + ln k candidates;
   * drawn from a subsample of 32 points per cluster on large inputs (see {@link BlockSeeding}).
   */
  KMEANS_PLUS_PLUS("kmeans++");

  private final String label;

  CentroidInit(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /**
   * Reads a CLI or hparam value: the labels above, tfmot's enum names ({@code KMEANS_PLUS_PLUS}, {@code DENSITY_BASED})
   * and the short forms {@code density}, {@code kmeans_plus_plus}, case-insensitive.
   */
  public static CentroidInit parse(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (CentroidInit c : values()) {
      if (c.label.equals(v) || c.name().toLowerCase(Locale.ROOT).replace('_', '-').equals(v)) {
        return c;
      }
    }
    if (v.equals("density") || v.equals("kmeans-plus-plus") || v.equals("k-means++")) {
      return v.equals("density") ? DENSITY_BASED : KMEANS_PLUS_PLUS;
    }
    throw new IllegalArgumentException("centroid init '" + value + "' is not one of "
        + Arrays.stream(values()).map(CentroidInit::label).toList());
  }

  @Override
  public String toString() {
    return label;
  }
}
