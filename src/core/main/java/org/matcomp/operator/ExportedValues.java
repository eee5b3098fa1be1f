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

  @SuppressWarnings("unchecked")
  public static <T extends TType> Variable<T> variable(Ops target, String name, Session trained, Variable<T> source) {
    try (var r = trained.runner().fetch(source).run()) {
      Tensor t = r.get(0);
      return target.withName(name).variable((org.tensorflow.Operand<T>) target.constantOf((T) t));
    }
  }
}
