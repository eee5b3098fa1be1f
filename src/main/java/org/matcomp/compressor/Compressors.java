package org.matcomp.compressor;

import org.matcomp.compressor.dictionary.DictionaryCompressor;
import org.matcomp.compressor.prune.PruneCompressor;
import org.matcomp.spec.CompressionSpec;

/** Picks the compressor for a spec's method: the one place that maps methods to implementations. */
public final class Compressors {
  private Compressors() {}

  public static MatrixCompressor forSpec(CompressionSpec spec) {
    return switch (spec.method()) {
      case LOWRANK -> LowRankCompressor.fromSpec(spec);
      case PRUNE -> PruneCompressor.fromSpec(spec);
      case KMEANS -> KMeansCompressor.fromSpec(spec);
      case KMEANS_PRUNE -> KMeansPruneCompressor.fromSpec(spec);
      case SIMHASH -> SimhashCompressor.fromSpec(spec);
      case DICTIONARY -> DictionaryCompressor.fromSpec(spec);
      case INPUT_OUTPUT -> InputOutputCompressor.fromSpec(spec);
      case BLOCK -> BlockDiagonalCompressor.fromSpec(spec);
      case MIXED_BLOCK -> MixedBlockCompressor.fromSpec(spec);
      default -> throw new IllegalArgumentException(
          "method " + spec.method() + " has no compressor in this build; available: lowrank, simhash, kmeans, kmeans-prune, prune, dictionary, input-output, block, mixed-block");
    };
  }
}
