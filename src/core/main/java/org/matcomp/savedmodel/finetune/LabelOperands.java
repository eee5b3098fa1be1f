package org.matcomp.savedmodel.finetune;

import static com.google.common.base.Preconditions.checkArgument;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;

/**
 * The labels operand, which {@link Loss} takes untyped (its type depends on the loss), as the type a loss reads:
 * a wrong one is the caller's bug, refused when the graph is built rather than when it runs.
 */
final class LabelOperands {
  private LabelOperands() {}

  @SuppressWarnings("unchecked")
  static Operand<TFloat32> floats(Operand<?> labels, Loss.Kind kind) {
    checkArgument(labels.type() == TFloat32.class, "%s labels must be float32, got %s", kind.cliName(),
        labels.type().getSimpleName());
    return (Operand<TFloat32>) labels;
  }

  @SuppressWarnings("unchecked")
  static Operand<? extends TNumber> classIndices(Operand<?> labels, Loss.Kind kind) {
    checkArgument(labels.type() == TInt32.class || labels.type() == TInt64.class, "%s labels must be int32 or int64"
        + " class indices, got %s", kind.cliName(), labels.type().getSimpleName());
    return (Operand<? extends TNumber>) labels;
  }
}
