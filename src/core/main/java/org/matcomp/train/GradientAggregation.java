package org.matcomp.train;

import java.util.List;
import java.util.Optional;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Which gradients a train op applies: this process's own ({@link #LOCAL}), or, on a cluster training in sync, the
 * average of every replica's, collected on the parameter servers.
 */
public interface GradientAggregation {
  /**
   * What one phase's train op is built from.
   *
   * @param contribute the op by which this replica hands its gradients over, run before the train op (absent when
   *     the train op applies this replica's own gradients)
   * @param gradients the gradients the train op applies, in the order of the variables
   */
  record Aggregated(Optional<Op> contribute, List<Operand<TFloat32>> gradients) {
    public Aggregated {
      gradients = List.copyOf(gradients);
    }
  }

  /** The train op applies the gradients this process computed. */
  GradientAggregation LOCAL = (tf, phase, variables, gradients) -> new Aggregated(Optional.empty(), gradients);

  /** @param phase names the ops built for one phase's train op */
  Aggregated aggregate(Ops tf, String phase, List<Variable<TFloat32>> variables, List<Operand<TFloat32>> gradients);
}
