package org.matcomp.operator;

import org.matcomp.compressor.Method;

/** A method's product rule, built from TF ops: the training-graph reading of {@link Method#rule()}. */
public final class GraphProductRules {
  private GraphProductRules() {}

  public static GraphProductRule forMethod(Method method) {
    return new RuleInGraph(method.rule());
  }
}
