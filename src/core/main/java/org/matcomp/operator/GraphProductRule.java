package org.matcomp.operator;

import java.util.Optional;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TIntegral;

/**
 * A method's product rule B⊗C built from TF ops — the graph twin of
 * {@link org.matcomp.compressor.Factorization}. Every op used must have a registered gradient, so that the
 * trainable factors keep training.
 */
public interface GraphProductRule {
  /** B⊗C as a dense rows×cols matrix. */
  Operand<TFloat32> product(Ops tf, FactorVariables factors, int rows, int cols);

  /** x · (B⊗C) for x of shape [batch, rows], the cheap way. */
  Operand<TFloat32> applyTo(Ops tf, Operand<TFloat32> x, FactorVariables factors, int rows, int cols);

  /**
   * B⊗C = left·right (left rows×rank, right rank×cols) when the rule is a product (low-rank, simhash), so a
   * consumer that is not a plain matmul (an einsum) can still skip the dense matrix; empty otherwise.
   */
  default Optional<Factors> factors(Ops tf, FactorVariables factors, int rows, int cols) {
    return Optional.empty();
  }

  /** {@link #factors}: the two matrices whose product is B⊗C. */
  record Factors(Operand<TFloat32> left, Operand<TFloat32> right, int rank) {}

  /** Rows {@code ids} of B⊗C (an embedding lookup); by default a gather over the dense product. */
  default Operand<TFloat32> lookup(Ops tf, Operand<? extends TIntegral> ids, FactorVariables factors, int rows,
      int cols) {
    return tf.gather(product(tf, factors, rows, cols), ids, tf.constant(0));
  }
}
