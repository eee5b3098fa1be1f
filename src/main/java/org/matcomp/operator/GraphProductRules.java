package org.matcomp.operator;

import org.matcomp.spec.CompressionMethod;

/** Maps a method to its graph product rule: the operator-layer twin of {@code Compressors}. */
public final class GraphProductRules {
  private GraphProductRules() {}

  public static GraphProductRule forMethod(CompressionMethod method) {
    return switch (method) {
      case LOWRANK -> new LowRankProductRule();
      case KMEANS -> new CodebookProductRule(false);
      case KMEANS_PRUNE -> new CodebookProductRule(true);
      case SIMHASH -> new SimhashProductRule();
      case DICTIONARY -> new DictionaryProductRule();
      case INPUT_OUTPUT -> new InputOutputProductRule();
      case BLOCK -> new BlockDiagonalProductRule();
      case MIXED_BLOCK -> new MixedBlockProductRule();
      default -> throw new IllegalArgumentException("method " + method + " has no graph product rule in this build");
    };
  }
}
