package org.matcomp.compressor.kmeans;

import java.util.List;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.MatrixCompressor;

/**
 * What the two codebook compressors share: the settings {@link CodebookBuilder} takes and the factor layout they fix,
 * so that {@link KMeansCompressor} and {@link KMeansPruneCompressor} say only how they fill the codebook and codes.
 * The settings are package-private fields, as in the builder, because only this package's two compressors read them.
 */
abstract class CodebookCompressor implements MatrixCompressor {
  final int clusters;
  final int blockSize;
  final CentroidInit init;
  final long seed;

  CodebookCompressor(CodebookBuilder<?> b) {
    this.clusters = b.clusters;
    this.blockSize = b.blockSize;
    this.init = b.init;
    this.seed = b.seed;
  }

  /** The number of codewords (for k-means + pruning, the pinned zero included). */
  public final int clusters() {
    return clusters;
  }

  public final int blockSize() {
    return blockSize;
  }

  /** Whether the layout carries a bit mask after the codebook and codes. */
  abstract boolean masked();

  /** Codebook (k×b) and codes (m×n/b), plus the mask when {@link #masked}, after checking that k blocks exist. */
  @Override
  public final List<FactorSpec> layout(String name, int rows, int cols) {
    int blocks = CodebookLayout.blocks(name, rows, cols, blockSize);
    CodebookLayout.checkClusters(name, rows, cols, blockSize, clusters, blocks, "blocks");
    return CodebookLayout.specs(rows, cols, blockSize, clusters, masked());
  }
}
