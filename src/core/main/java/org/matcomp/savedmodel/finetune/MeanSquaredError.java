package org.matcomp.savedmodel.finetune;

import static com.google.common.base.Preconditions.checkArgument;

import org.matcomp.io.NpyArray;
import org.matcomp.io.NpyDtype;
import org.matcomp.savedmodel.export.NpyFeeds;
import org.matcomp.savedmodel.export.TensorValue;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The mean over every entry of (output − label)², for regression; it is also its own metric. */
public record MeanSquaredError() implements Loss {
  @Override
  public Kind kind() {
    return Kind.MSE;
  }

  /** Float targets shaped as the output, one per example. */
  @Override
  public TensorValue labels(NpyArray a, TrainedOutput output, String what) {
    checkArgument(a.dtype() == NpyDtype.FLOAT32 || a.dtype() == NpyDtype.FLOAT64, "%s holds %s values; mse labels"
        + " are the outputs wanted (give float32 or float64)", what, a.dtype().name().toLowerCase());
    ExampleShape.require(a.shape(), output.info(), what, "output '" + output.name() + "'");
    return TensorValue.ofFloats(a.shape(), NpyFeeds.finiteFloat32(a, what));
  }

  @Override
  public Operand<TFloat32> build(Ops tf, Operand<TFloat32> output, Operand<?> labels) {
    Operand<TFloat32> squared = tf.math.squaredDifference(output, LabelOperands.floats(labels, kind()));
    // Every entry counts once whatever the output's rank: Keras' mean over the last axis, then over the batch.
    return tf.math.mean(tf.reshape(squared, tf.constant(new int[] {-1})), tf.constant(0));
  }

  @Override
  public Operand<TFloat32> metric(Ops tf, Operand<TFloat32> output, Operand<?> labels) {
    return build(tf, output, labels);
  }

  @Override
  public String metricName() {
    return "mse";
  }
}
