package org.matcomp.operator;

import org.matcomp.compressor.BlockDiagonalFactorization;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Block diagonal (option 10): x [batch, m] is read as [batch, k, m/k] and each block meets its own C[i] in one
 * Einsum ('bkm,kmn->bkn'), then flattened to [batch, n]; the off-diagonal zeros are never formed. The dense
 * product broadcasts C against a k×k identity, so its gradient is C's blocks of the upstream gradient.
 */
final class BlockDiagonalProductRule implements GraphProductRule {
  @Override
  public Operand<TFloat32> applyTo(Ops tf, Operand<TFloat32> x, FactorVariables f, int rows, int cols) {
    int[] c = f.spec(BlockDiagonalFactorization.BLOCKS).shape();
    Operand<TFloat32> blocked = tf.reshape(x, tf.constant(new long[] {-1, c[0], c[1]}));
    Operand<TFloat32> y = tf.linalg.einsum(java.util.List.of(blocked, f.read(tf, BlockDiagonalFactorization.BLOCKS)),
        "bkm,kmn->bkn");
    return tf.reshape(y, tf.constant(new long[] {-1, cols}));
  }

  @Override
  public Operand<TFloat32> product(Ops tf, FactorVariables f, int rows, int cols) {
    int[] c = f.spec(BlockDiagonalFactorization.BLOCKS).shape();
    int k = c[0];
    float[] eye = new float[k * k];
    for (int i = 0; i < k; i++) {
      eye[i * k + i] = 1f;
    }
    Operand<TFloat32> blocks = tf.reshape(f.read(tf, BlockDiagonalFactorization.BLOCKS),
        tf.constant(new long[] {k, c[1], 1, c[2]}));
    Operand<TFloat32> identity = tf.constant(org.tensorflow.ndarray.Shape.of(k, 1, k, 1),
        org.tensorflow.ndarray.buffer.DataBuffers.of(eye));
    return tf.reshape(tf.math.mul(blocks, identity), tf.constant(new long[] {rows, cols}));
  }
}
