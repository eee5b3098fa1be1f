package org.matcomp.operator;

import org.matcomp.compressor.InputOutputFactorization;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Input/output compression (option 9): y = expand_D(project_B(x)·C). A [batch, m] input is read as
 * [batch·m/b_in, b_in] rows of one input block each, so the shared B applies as one MatMul; likewise D on the
 * output blocks. Reshape and MatMul only, both with registered gradients; B and D are present only when their side
 * is compressed (read from the layout).
 */
final class InputOutputProductRule implements GraphProductRule {
  @Override
  public Operand<TFloat32> applyTo(Ops tf, Operand<TFloat32> x, FactorVariables f, int rows, int cols) {
    Operand<TFloat32> z = x;
    if (has(f, InputOutputFactorization.INPUT)) {
      int[] b = f.spec(InputOutputFactorization.INPUT).shape();
      z = tf.reshape(tf.linalg.matMul(tf.reshape(z, tf.constant(new long[] {-1, b[0]})),
          f.read(tf, InputOutputFactorization.INPUT)), tf.constant(new long[] {-1, (long) rows / b[0] * b[1]}));
    }
    z = tf.linalg.matMul(z, f.read(tf, InputOutputFactorization.CORE));
    return expand(tf, z, f, cols);
  }

  /**
   * (I ⊗ B)·C·(I ⊗ D) without an m×m identity: C's row blocks [m/b_in, b_in/f_in, n'] are brought to
   * [b_in/f_in, (m/b_in)·n'] so one MatMul by B treats them all, then transposed back.
   */
  @Override
  public Operand<TFloat32> product(Ops tf, FactorVariables f, int rows, int cols) {
    Operand<TFloat32> c = f.read(tf, InputOutputFactorization.CORE);
    int[] cs = f.spec(InputOutputFactorization.CORE).shape();
    Operand<TFloat32> pc = c;
    if (has(f, InputOutputFactorization.INPUT)) {
      int[] b = f.spec(InputOutputFactorization.INPUT).shape();
      long blocks = rows / b[0];
      Operand<TFloat32> byBlock = tf.linalg.transpose(
          tf.reshape(c, tf.constant(new long[] {blocks, b[1], cs[1]})), tf.constant(new int[] {1, 0, 2}));
      Operand<TFloat32> projected = tf.linalg.matMul(f.read(tf, InputOutputFactorization.INPUT),
          tf.reshape(byBlock, tf.constant(new long[] {b[1], blocks * cs[1]})));
      pc = tf.reshape(tf.linalg.transpose(tf.reshape(projected, tf.constant(new long[] {b[0], blocks, cs[1]})),
          tf.constant(new int[] {1, 0, 2})), tf.constant(new long[] {rows, cs[1]}));
    }
    return expand(tf, pc, f, cols);
  }

  /** Rows of n/f_out values, read as blocks of b_out/f_out, each times D, back to rows of n. */
  private static Operand<TFloat32> expand(Ops tf, Operand<TFloat32> z, FactorVariables f, int cols) {
    if (!has(f, InputOutputFactorization.OUTPUT)) {
      return z;
    }
    int[] d = f.spec(InputOutputFactorization.OUTPUT).shape();
    return tf.reshape(tf.linalg.matMul(tf.reshape(z, tf.constant(new long[] {-1, d[0]})),
        f.read(tf, InputOutputFactorization.OUTPUT)), tf.constant(new long[] {-1, cols}));
  }

  private static boolean has(FactorVariables f, String name) {
    return f.layout().stream().anyMatch(s -> s.name().equals(name));
  }
}
