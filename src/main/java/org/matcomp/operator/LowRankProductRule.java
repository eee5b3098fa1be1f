package org.matcomp.operator;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TIntegral;

/** B·C; applied as (x·B)·C and looked up as B[ids]·C, never forming the m×n product on the read path. */
final class LowRankProductRule implements GraphProductRule {
  @Override
  public Operand<TFloat32> product(Ops tf, FactorVariables f, int rows, int cols) {
    return tf.linalg.matMul(f.read(tf, "B"), f.read(tf, "C"));
  }

  @Override
  public Operand<TFloat32> applyTo(Ops tf, Operand<TFloat32> x, FactorVariables f, int rows, int cols) {
    return tf.linalg.matMul(tf.linalg.matMul(x, f.read(tf, "B")), f.read(tf, "C"));
  }

  @Override
  public Operand<TFloat32> lookup(Ops tf, Operand<? extends TIntegral> ids, FactorVariables f, int rows,
      int cols) {
    return tf.linalg.matMul(tf.gather(f.read(tf, "B"), ids, tf.constant(0)), f.read(tf, "C"));
  }
}
