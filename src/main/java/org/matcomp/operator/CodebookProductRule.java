package org.matcomp.operator;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TIntegral;

/**
 * k-means (option 4) and k-means + pruning (option 8): W = codebook[codes] reshaped to m×n, times the bit mask when
 * the layout has one. The codebook trains through the gather; codes and mask are fixed. x·W forms W first: it costs
 * one m×n gather, far below the batch product, and keeps the matmul a single dense kernel. For k-means + pruning,
 * codebook row 0 is the pinned zero that pruned entries use: it is read through a row mask, so training the
 * codebook can never move it off zero.
 */
final class CodebookProductRule implements GraphProductRule {
  static final String CODEBOOK = "codebook";
  static final String CODES = "codes";
  static final String MASK = "mask";

  private final boolean zeroRowPinned;

  CodebookProductRule(boolean zeroRowPinned) {
    this.zeroRowPinned = zeroRowPinned;
  }

  private Operand<TFloat32> codebook(Ops tf, FactorVariables f) {
    Operand<TFloat32> c = f.read(tf, CODEBOOK);
    if (!zeroRowPinned) {
      return c;
    }
    int[] shape = f.spec(CODEBOOK).shape();
    float[] keep = new float[shape[0]];
    java.util.Arrays.fill(keep, 1f);
    keep[0] = 0f;
    return tf.math.mul(c, tf.constant(org.tensorflow.ndarray.Shape.of(shape[0], 1),
        org.tensorflow.ndarray.buffer.DataBuffers.of(keep)));
  }

  @Override
  public Operand<TFloat32> product(Ops tf, FactorVariables f, int rows, int cols) {
    Operand<TInt32> codes = tf.dtypes.cast(f.readAny(tf, CODES), TInt32.class);
    Operand<TFloat32> w = tf.reshape(tf.gather(codebook(tf, f), codes, tf.constant(0)),
        tf.constant(new int[] {rows, cols}));
    return masked(tf, f, w);
  }

  @Override
  public Operand<TFloat32> applyTo(Ops tf, Operand<TFloat32> x, FactorVariables f, int rows, int cols) {
    return tf.linalg.matMul(x, product(tf, f, rows, cols));
  }

  /** The rows' codes first, then their codebook entries: never the whole table. */
  @Override
  public Operand<TFloat32> lookup(Ops tf, Operand<? extends TIntegral> ids, FactorVariables f, int rows, int cols) {
    Operand<TInt32> codes = tf.dtypes.cast(tf.gather(f.readAny(tf, CODES), ids, tf.constant(0)), TInt32.class);
    Operand<TFloat32> w = tf.reshape(tf.gather(codebook(tf, f), codes, tf.constant(0)),
        tf.constant(new int[] {-1, cols}));
    if (!f.layout().stream().anyMatch(s -> s.name().equals(MASK))) {
      return w;
    }
    return tf.math.mul(w, tf.dtypes.cast(tf.gather(f.readAny(tf, MASK), ids, tf.constant(0)), TFloat32.class));
  }

  private static Operand<TFloat32> masked(Ops tf, FactorVariables f, Operand<TFloat32> w) {
    if (!f.layout().stream().anyMatch(s -> s.name().equals(MASK))) {
      return w;
    }
    return tf.math.mul(w, tf.dtypes.cast(f.readAny(tf, MASK), TFloat32.class));
  }
}
