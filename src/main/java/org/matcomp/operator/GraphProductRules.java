package org.matcomp.operator;

import org.matcomp.spec.CompressionMethod;

/** Maps a method to its graph product rule: the operator-layer twin of {@code Compressors}. */
public final class GraphProductRules {
  private GraphProductRules() {}

  public static GraphProductRule forMethod(CompressionMethod method) {
    return switch (method) {
      case LOWRANK -> new LowRankProductRule();
      case KMEANS, KMEANS_PRUNE -> new CodebookProductRule();
      case SIMHASH -> new SimhashProductRule();
      case DICTIONARY -> new DictionaryProductRule();
      default -> throw new IllegalArgumentException("method " + method + " has no graph product rule in this build");
    };
  }
}
