package org.matcomp.operator;

import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.family.TType;

/**
 * Copies a variable's current value from a trained session into a new VariableV2 of another graph (initialised from
 * a constant of that value), which TF Java's SavedModel saver then writes.
 */
public final class ExportedValues {
  private ExportedValues() {}

  /**
   * A uint8 variable of {@code target} holding float32 variable {@code source}'s values in {@code trained} as the
   * int8 factor {@code spec} stores them (codes, then scales).
   */
  static Variable<org.tensorflow.types.TUint8> int8Variable(Ops target, String name, Session trained,
      Variable<org.tensorflow.types.TFloat32> source, org.matcomp.compressor.FactorSpec spec) {
    try (var r = trained.runner().fetch(source).run()) {
      float[] v = new float[Math.toIntExact(spec.entries())];
      ((org.tensorflow.types.TFloat32) r.get(0)).copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(v, false,
          false));
      byte[] bytes = org.matcomp.compressor.Int8Quantization.encode(v, spec.type(), spec.shape());
      return target.withName(name).variable(target.constant(org.tensorflow.ndarray.Shape.of(bytes.length),
          org.tensorflow.ndarray.buffer.DataBuffers.of(bytes, true, false)));
    }
  }

  /**
   * A float16 or bfloat16 variable of {@code target} holding float32 variable {@code source}'s values in {@code
   * trained}, rounded to nearest (TF's Cast).
   */
  static Variable<? extends TType> narrowFloatVariable(Ops target, String name, Session trained,
      Variable<org.tensorflow.types.TFloat32> source, org.matcomp.compressor.FactorType type) {
    Class<? extends org.tensorflow.types.family.TFloating> narrow = type == org.matcomp.compressor.FactorType.FLOAT16
        ? org.tensorflow.types.TFloat16.class : org.tensorflow.types.TBfloat16.class;
    try (var r = trained.runner().fetch(source).run()) {
      org.tensorflow.types.TFloat32 values = (org.tensorflow.types.TFloat32) r.get(0);
      int n = Math.toIntExact(values.size());
      float[] v = new float[n];
      values.copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(v, false, false));
      // the bits are rounded here, to nearest even as TF's Cast does, rather than by TF Java's buffer adapter
      java.nio.ByteBuffer bits = java.nio.ByteBuffer.allocate(2 * n).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      for (float x : v) {
        bits.putShort(type == org.matcomp.compressor.FactorType.FLOAT16 ? org.matcomp.compressor.HalfPrecision
            .toHalfBits(x) : org.matcomp.compressor.HalfPrecision.toBfloat16Bits(x));
      }
      try (Tensor t = Tensor.of(narrow, values.shape(),
          org.tensorflow.ndarray.buffer.DataBuffers.of(bits.array(), true, false))) {
        return target.withName(name).variable(target.constantOf((TType) t));
      }
    }
  }

  @SuppressWarnings("unchecked")
  public static <T extends TType> Variable<T> variable(Ops target, String name, Session trained, Variable<T> source) {
    try (var r = trained.runner().fetch(source).run()) {
      Tensor t = r.get(0);
      return target.withName(name).variable((org.tensorflow.Operand<T>) target.constantOf((T) t));
    }
  }
}
