package org.matcomp.operator;

import java.util.List;
import org.matcomp.compressor.MixedBlockFactorization;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Mixed block (option 12), with contiguous input blocks on every path (see
 * {@link org.matcomp.compressor.MixedBlockCompressor}): x [batch, m] → [batch, k, m/k]; each block j through its
 * block_matrices[:, :, j] ('bjm,mnj->bjn'); the k results mixed by Σ_bases linear_mixer ('bjn,ij->bin'); flattened
 * to [batch, n]. Einsum, Sum and Reshape all have gradients.
 */
final class MixedBlockProductRule implements GraphProductRule {
  @Override
  public Operand<TFloat32> applyTo(Ops tf, Operand<TFloat32> x, FactorVariables f, int rows, int cols) {
    int[] b = f.spec(MixedBlockFactorization.BLOCKS).shape();
    Operand<TFloat32> blocked = tf.reshape(x, tf.constant(new long[] {-1, b[2], b[0]}));
    Operand<TFloat32> inner = tf.linalg.einsum(List.of(blocked, f.read(tf, MixedBlockFactorization.BLOCKS)),
        "bjm,mnj->bjn");
    Operand<TFloat32> mixed = tf.linalg.einsum(List.of(inner, mixer(tf, f)), "bjn,ij->bin");
    return tf.reshape(mixed, tf.constant(new long[] {-1, cols}));
  }

  /** W's block (j, i) = mix[i, j]·Mⱼ, by broadcasting [k, m/k, 1, n/k] against [k, 1, k, 1]. */
  @Override
  public Operand<TFloat32> product(Ops tf, FactorVariables f, int rows, int cols) {
    int[] b = f.spec(MixedBlockFactorization.BLOCKS).shape();
    int k = b[2];
    Operand<TFloat32> blocksFirst = tf.reshape(tf.linalg.transpose(f.read(tf, MixedBlockFactorization.BLOCKS),
        tf.constant(new int[] {2, 0, 1})), tf.constant(new long[] {k, b[0], 1, b[1]}));
    Operand<TFloat32> mixT = tf.reshape(tf.linalg.transpose(mixer(tf, f), tf.constant(new int[] {1, 0})),
        tf.constant(new long[] {k, 1, k, 1}));
    return tf.reshape(tf.math.mul(blocksFirst, mixT), tf.constant(new long[] {rows, cols}));
  }

  /** The effective k×k mixer: the K bases summed. */
  private static Operand<TFloat32> mixer(Ops tf, FactorVariables f) {
    return tf.sum(f.read(tf, MixedBlockFactorization.MIXER), tf.constant(2));
  }
}
