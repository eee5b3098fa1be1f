package org.matcomp.operator;

import org.matcomp.compressor.FactorType;
import org.matcomp.compressor.Int8Quantization;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TUint8;

/**
 * The int8 factor types in a graph ({@link Int8Quantization}'s rule in TF ops): the quantisation a training graph
 * reads a float32 variable through, and the decoding of the stored bytes a serving graph reads.
 */
final class Int8Read {
  private Int8Read() {}

  /** {@code w} quantised as stored: s = max|w| / 127 per column (1 for a zero column), rint(w / s) clamped, times s. */
  static Operand<TFloat32> quantised(Ops tf, Operand<TFloat32> w, FactorType type, int[] shape) {
    int[] axes = new int[type == FactorType.INT8_PER_TENSOR ? shape.length : shape.length - 1];
    for (int i = 0; i < axes.length; i++) {
      axes[i] = i;
    }
    Operand<TFloat32> max = tf.max(tf.math.abs(w), tf.constant(axes));
    Operand<TFloat32> zero = tf.zerosLike(max);
    Operand<TFloat32> s = tf.stopGradient(tf.select(tf.math.equal(max, zero), tf.onesLike(max),
        tf.math.div(max, tf.constant(127f))));
    Operand<TFloat32> q = tf.clipByValue(tf.math.round(tf.math.div(w, s)), tf.constant(-127f), tf.constant(127f));
    return tf.math.mul(q, s);
  }

  /** The float values of an int8 factor of {@code shape} from its stored bytes (codes, then scales). */
  static Operand<TFloat32> decode(Ops tf, Operand<TUint8> bytes, FactorType type, int[] shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    int k = Int8Quantization.scales(type, shape);
    Operand<TInt32> codes = tf.dtypes.cast(tf.slice(bytes, tf.constant(new int[] {0}), tf.constant(new int[] {n})),
        TInt32.class);
    Operand<TFloat32> q = tf.dtypes.cast(tf.math.sub(tf.reshape(codes, tf.constant(shape)),
        tf.constant(Int8Quantization.ZERO_POINT)), TFloat32.class);
    Operand<TUint8> scaleBytes = tf.reshape(tf.slice(bytes, tf.constant(new int[] {n}),
        tf.constant(new int[] {4 * k})), tf.constant(new int[] {k, 4}));
    return tf.math.mul(q, tf.bitcast(scaleBytes, TFloat32.class));
  }
}
