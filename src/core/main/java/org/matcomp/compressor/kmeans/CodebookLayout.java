package org.matcomp.compressor.kmeans;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.List;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.FactorType;

/**
 * Shape checks, factor specs and spec parsing shared by the codebook methods (k-means and k-means + pruning), so
 * both name the same factors and reject the same inputs with the same messages.
 */
final class CodebookLayout {
  static final String CODEBOOK = "codebook";
  static final String CODES = "codes";
  static final String MASK = "mask";

  private CodebookLayout() {}

  /** Number of 1×b blocks of an m×n matrix named {@code name}, after checking that b divides n. */
  static int blocks(String name, int rows, int cols, int blockSize) {
    checkArgument(rows > 0 && cols > 0, "%s has an empty shape %sx%s", name, rows, cols);
    checkArgument(cols % blockSize == 0, "%s (%sx%s): block_size=%s does not divide its %s columns", name, rows,
        cols, blockSize, cols);
    return rows * (cols / blockSize);
  }

  static void checkClusters(String name, int rows, int cols, int blockSize, int clusters, int available,
      String what) {
    checkArgument(clusters <= available, "%s (%sx%s): clusters=%s exceeds the %s %s of 1x%s", name, rows, cols,
        clusters, available, what, blockSize);
  }

  /** Clusters {@code data} as 1×{@code blockSize} blocks: the exact 1-D method for scalars, block Lloyd otherwise. */
  static org.matcomp.compressor.kmeans.Clustering cluster(float[] data, int blockSize,
      org.matcomp.compressor.kmeans.KMeansOptions options) {
    return blockSize == 1
        ? org.matcomp.compressor.kmeans.ScalarKMeans.fit(data, options)
        : org.matcomp.compressor.kmeans.BlockKMeans.fit(data, data.length / blockSize, blockSize, options);
  }

  static List<FactorSpec> specs(int rows, int cols, int blockSize, int clusters, boolean withMask) {
    // The reference stores uint8 codes up to 256 clusters; issue 16 packs them to the bits K needs.
    FactorType codeType = FactorType.indexFor(clusters);
    List<FactorSpec> out = new ArrayList<>();
    out.add(FactorSpec.trainableFloat(CODEBOOK, clusters, blockSize));
    out.add(new FactorSpec(CODES, codeType, new int[] {rows, cols / blockSize}, false));
    if (withMask) {
      out.add(new FactorSpec(MASK, FactorType.BIT, new int[] {rows, cols}, false));
    }
    return List.copyOf(out);
  }
}
