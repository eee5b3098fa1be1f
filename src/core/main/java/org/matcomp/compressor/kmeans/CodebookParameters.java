package org.matcomp.compressor.kmeans;

import org.matcomp.compressor.HparamView;

/**
 * The settings both codebook methods share: clusters = the spec's absolute size, else graph_compression's
 * {@code num_clusters}, else {@code rank} (which the reference's k-means reads as the number of centroids, not a
 * percentage); block size = {@code block_size}; centroid init = {@code kmeans_init} (default kmeans++); the seed.
 */
public record CodebookParameters(int clusters, int blockSize, CentroidInit init, long seed) {
  static CodebookParameters of(HparamView h) {
    int clusters = h.absoluteRank().isPresent() ? h.absoluteRank().getAsInt()
        : h.has("num_clusters") ? h.positiveInt("num_clusters", 1) : h.rank();
    h.require(clusters > 0, "clusters", clusters, "positive");
    h.require(h.blockSize() > 0, "block_size", h.blockSize(), "positive");
    return new CodebookParameters(clusters, h.blockSize(),
        h.parsed("kmeans_init", CentroidInit.KMEANS_PLUS_PLUS, CentroidInit::parse), h.seed());
  }

  /** Applies these settings to a compressor builder. */
  <B extends CodebookBuilder<B>> B applyTo(B b) {
    return b.clusters(clusters).blockSize(blockSize).init(init).seed(seed);
  }
}
