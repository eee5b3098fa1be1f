package org.matcomp.operator;

import org.matcomp.compressor.ProductRules;
import org.matcomp.spec.CompressionMethod;

/** A method's product rule, built from TF ops: the training-graph reading of {@link ProductRules}. */
public final class GraphProductRules {
  private GraphProductRules() {}

  public static GraphProductRule forMethod(CompressionMethod method) {
    return new RuleInGraph(ProductRules.forMethod(method));
  }
}
