package org.matcomp.operator;

import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.FactorType;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TUint8;

/**
 * Packed factors (signs, masks, codes narrower than a byte) in a serving graph: stored {@code 8 / bits} entries to a
 * byte as {@link FactorType} lays them out, in a uint8 variable, and unpacked with stock ops (RightShift by a constant
 * vector of shifts, BitwiseAnd) when the graph runs — so an export holds the bits an entry that the size accounting
 * counts, not the byte a bool or uint8 tensor takes.
 */
final class PackedBits {
  private PackedBits() {}

  /** A uint8 variable called {@code name} in {@code target} holding {@code entries} packed as {@code type}. */
  static Variable<TUint8> variable(Ops target, String name, FactorType type, int[] entries) {
    byte[] packed = type.pack(entries);
    return target.withName(name).variable(target.constant(Shape.of(packed.length),
        DataBuffers.of(packed, true, false)));
  }

  /** The first {@code n} entries of {@code packed} (packed as {@code type}) as int32, reshaped to {@code shape}. */
  static Operand<TInt32> unpack(Ops tf, Operand<TUint8> packed, FactorType type, long n, long... shape) {
    Operand<TInt32> bytes = tf.expandDims(tf.dtypes.cast(packed, TInt32.class), tf.constant(-1));
    Operand<TInt32> entries = tf.bitwise.bitwiseAnd(tf.bitwise.rightShift(bytes, tf.constant(type.shifts())),
        tf.constant((int) type.maxValue()));
    Operand<TInt32> flat = tf.slice(tf.reshape(entries, tf.constant(new int[] {-1})), tf.constant(new int[] {0}),
        tf.constant(new int[] {Math.toIntExact(n)}));
    return tf.reshape(flat, tf.constant(shape));
  }

  /** The values of factor {@code spec}'s variable {@code v} in {@code trained} as ints (bool, uint8 or int32). */
  static int[] fetch(Session trained, Variable<?> v, FactorSpec spec) {
    try (var r = trained.runner().fetch(v).run()) {
      return FactorTensors.fromTensor(spec, r.get(0)).ints();
    }
  }
}
