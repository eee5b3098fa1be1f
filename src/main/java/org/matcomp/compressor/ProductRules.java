package org.matcomp.compressor;

import org.matcomp.compressor.dictionary.DictionaryRule;
import org.matcomp.compressor.prune.PrunedRule;
import org.matcomp.compressor.product.ProductRule;
import org.matcomp.spec.CompressionMethod;

/** The product rule of each method: the one place both graph interpreters look it up. */
public final class ProductRules {
  private ProductRules() {}

  public static ProductRule forMethod(CompressionMethod method) {
    return switch (method) {
      case LOWRANK -> new LowRankRule();
      case SIMHASH -> new SimhashRule();
      case KMEANS -> new CodebookRule(false);
      case KMEANS_PRUNE -> new CodebookRule(true);
      case DICTIONARY -> new DictionaryRule();
      case PRUNE -> new PrunedRule();
      case INPUT_OUTPUT -> new InputOutputRule();
      case BLOCK -> new BlockDiagonalRule();
      case MIXED_BLOCK -> new MixedBlockRule();
      case NONE -> throw new IllegalArgumentException("method none has no product rule: nothing is compressed");
    };
  }
}
