package org.matcomp.operator;

import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TUint8;

/**
 * Bits (signs, masks) in a serving graph: stored eight to a byte, least significant bit first, in a uint8 variable,
 * and unpacked with stock ops (RightShift, BitwiseAnd) when the graph runs — so an export holds the one bit an entry
 * that the size accounting counts, not the byte a bool tensor takes.
 */
final class PackedBits {
  private PackedBits() {}

  /** {@code bits} (0 or 1 each) packed eight to a byte, LSB first. */
  static byte[] pack(int[] bits) {
    byte[] out = new byte[(bits.length + 7) / 8];
    for (int i = 0; i < bits.length; i++) {
      if (bits[i] != 0) {
        out[i >>> 3] |= (byte) (1 << (i & 7));
      }
    }
    return out;
  }

  /** A uint8 variable called {@code name} in {@code target} holding {@code bits} packed. */
  static Variable<TUint8> variable(Ops target, String name, int[] bits) {
    byte[] packed = pack(bits);
    return target.withName(name).variable(target.constant(Shape.of(packed.length),
        DataBuffers.of(packed, true, false)));
  }

  /** The first {@code n} bits of {@code packed} as int32 0/1, reshaped to {@code shape}. */
  static Operand<TInt32> unpack(Ops tf, Operand<TUint8> packed, long n, long... shape) {
    Operand<TInt32> bytes = tf.expandDims(tf.dtypes.cast(packed, TInt32.class), tf.constant(-1));
    Operand<TInt32> bits = tf.bitwise.bitwiseAnd(
        tf.bitwise.rightShift(bytes, tf.constant(new int[] {0, 1, 2, 3, 4, 5, 6, 7})), tf.constant(1));
    Operand<TInt32> flat = tf.slice(tf.reshape(bits, tf.constant(new int[] {-1})), tf.constant(new int[] {0}),
        tf.constant(new int[] {Math.toIntExact(n)}));
    return tf.reshape(flat, tf.constant(shape));
  }

  /** The values of a bool or 0/1 variable of {@code trained} as ints. */
  static int[] fetch(Session trained, Variable<?> v, int n) {
    try (var r = trained.runner().fetch(v).run()) {
      return FactorTensors.fromTensor(new org.matcomp.compressor.FactorSpec("bits",
          org.matcomp.compressor.FactorType.BIT, new int[] {n}, false), r.get(0)).ints();
    }
  }
}
