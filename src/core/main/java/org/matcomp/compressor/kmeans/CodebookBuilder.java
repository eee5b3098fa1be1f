package org.matcomp.compressor.kmeans;

import java.util.Objects;
import org.matcomp.compressor.kmeans.CentroidInit;

/**
 * The settings every codebook compressor takes — clusters, block size, centroid init, seed — for the builders of
 * {@link KMeansCompressor} and {@link KMeansPruneCompressor}. Defaults: block size 1, kmeans++ init, seed 0.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class CodebookBuilder<B extends CodebookBuilder<B>> {
  int clusters = -1;
  int blockSize = 1;
  CentroidInit init = CentroidInit.KMEANS_PLUS_PLUS;
  long seed = 0;

  CodebookBuilder() {}

  abstract B self();

  /** The number of codewords. */
  public B clusters(int k) {
    clusters = k;
    return self();
  }

  public B blockSize(int b) {
    blockSize = b;
    return self();
  }

  public B init(CentroidInit i) {
    init = Objects.requireNonNull(i, "init");
    return self();
  }

  public B seed(long s) {
    seed = s;
    return self();
  }
}
