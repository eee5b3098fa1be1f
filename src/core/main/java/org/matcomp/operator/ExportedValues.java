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
   * A variable of {@code target} holding float32 variable {@code source}'s values in {@code trained} as the narrow
   * float factor {@code spec} stores them ({@link org.matcomp.compressor.FactorType#storedBytes}): a float16 or
   * bfloat16 tensor of its shape, or int8's uint8 vector of codes and scales.
   */
  static Variable<? extends TType> narrowVariable(Ops target, String name, Session trained,
      Variable<org.tensorflow.types.TFloat32> source, org.matcomp.compressor.FactorSpec spec) {
    try (var r = trained.runner().fetch(source).run()) {
      float[] v = FactorTensors.fromTensor(spec, r.get(0)).floats();
      byte[] bytes = spec.type().storedBytes(v, spec.shape());
      if (spec.type().isInt8()) {
        return target.withName(name).variable(target.constant(org.tensorflow.ndarray.Shape.of(bytes.length),
            org.tensorflow.ndarray.buffer.DataBuffers.of(bytes, true, false)));
      }
      Class<? extends org.tensorflow.types.family.TFloating> type = spec.type()
          == org.matcomp.compressor.FactorType.FLOAT16 ? org.tensorflow.types.TFloat16.class
          : org.tensorflow.types.TBfloat16.class;
      try (Tensor t = Tensor.of(type, FactorTensors.shape(spec), org.tensorflow.ndarray.buffer.DataBuffers.of(bytes,
          true, false))) {
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
