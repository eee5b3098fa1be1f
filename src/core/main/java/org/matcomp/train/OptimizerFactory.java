package org.matcomp.train;

import org.tensorflow.Graph;
import org.tensorflow.framework.optimizers.Optimizer;

/** Makes one optimizer per train op; each phase gets its own, so their slot variables never clash. */
@FunctionalInterface
public interface OptimizerFactory {
  Optimizer create(Graph graph, String name);
}
