package org.matcomp.compressor.kmeans;

/**
 * The outcome of one k-means: k centroids of dimension {@code dim} (row-major k×dim), one code per point, and the
 * sum of squared distances of the points to their centroids, accumulated in double over the float32 codebook — the
 * quantity a relative error ‖X − Q‖/‖X‖ is built from.
 */
public final class Clustering {
  private final int clusters;
  private final int dim;
  private final float[] centroids;
  private final int[] codes;
  private final double inertia;
  private final int iterations;
  private final int pinnedIndex;

  Clustering(int clusters, int dim, float[] centroids, int[] codes, double inertia, int iterations, int pinnedIndex) {
    this.clusters = clusters;
    this.dim = dim;
    this.centroids = centroids;
    this.codes = codes;
    this.inertia = inertia;
    this.iterations = iterations;
    this.pinnedIndex = pinnedIndex;
  }

  public int clusters() {
    return clusters;
  }

  public int dim() {
    return dim;
  }

  /** k×dim row-major (copy). */
  public float[] centroids() {
    return centroids.clone();
  }

  /** One code in [0, k) per point (copy). */
  public int[] codes() {
    return codes.clone();
  }

  /** Σ ‖x − centroid(x)‖², in double. */
  public double inertia() {
    return inertia;
  }

  /** Lloyd iterations run (including those after pinning). */
  public int iterations() {
    return iterations;
  }

  /** Index of the centroid pinned to exactly zero, or −1 when nothing is pinned. */
  public int pinnedIndex() {
    return pinnedIndex;
  }

  @Override
  public String toString() {
    return "Clustering[k=" + clusters + ", dim=" + dim + ", points=" + codes.length + ", inertia=" + inertia
        + ", iterations=" + iterations + (pinnedIndex >= 0 ? ", zero pinned at " + pinnedIndex : "") + "]";
  }
}
