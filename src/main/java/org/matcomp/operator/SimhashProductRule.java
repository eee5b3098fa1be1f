package org.matcomp.operator;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TIntegral;

/**
 * Simhash (option 2): W = R·S·diag(D) with R the fixed Gaussian projection (m×k), S the fixed signs (k×n, stored as
 * bits, read as ±1) and D the trainable column scales; applied as ((x·R)·S)·D, which costs k(m+n) per row.
 */
final class SimhashProductRule implements GraphProductRule {
  @Override
  public Operand<TFloat32> product(Ops tf, FactorVariables f, int rows, int cols) {
    return tf.math.mul(tf.linalg.matMul(f.read(tf, "R"), signs(tf, f)), f.read(tf, "D"));
  }

  @Override
  public Operand<TFloat32> applyTo(Ops tf, Operand<TFloat32> x, FactorVariables f, int rows, int cols) {
    return tf.math.mul(tf.linalg.matMul(tf.linalg.matMul(x, f.read(tf, "R")), signs(tf, f)), f.read(tf, "D"));
  }

  @Override
  public Operand<TFloat32> lookup(Ops tf, Operand<? extends TIntegral> ids, FactorVariables f, int rows, int cols) {
    Operand<TFloat32> r = tf.gather(f.read(tf, "R"), ids, tf.constant(0));
    return tf.math.mul(tf.linalg.matMul(r, signs(tf, f)), f.read(tf, "D"));
  }

  /** Bits 1/0 as +1/−1. */
  private static Operand<TFloat32> signs(Ops tf, FactorVariables f) {
    Operand<TFloat32> bits = tf.dtypes.cast(f.readAny(tf, "S"), TFloat32.class);
    return tf.math.sub(tf.math.mul(bits, tf.constant(2f)), tf.constant(1f));
  }
}
