package org.matcomp.savedmodel.finetune;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import org.matcomp.io.NpyArray;
import org.matcomp.io.NpyDtype;
import org.matcomp.savedmodel.export.NpyFeeds;
import org.matcomp.savedmodel.export.TensorValue;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Sum;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Cross-entropy against a class distribution per example (one-hot or smoothed labels, [n, classes] floats), computed
 * as Keras' categorical_crossentropy computes it, so a model fine-tuned here and in Keras sees the same loss.
 */
public record CategoricalCrossEntropy(OutputForm form) implements Loss {
  /** Keras' backend epsilon: probabilities are clipped to [ε, 1 − ε] before the log, which would be -∞ at 0. */
  static final float EPSILON = 1e-7f;
  /** How far a label row may sum from 1 (float rounding of, e.g., tenths), before it is taken for another thing. */
  private static final double ROW_SUM_TOLERANCE = 1e-3;

  @Override
  public Kind kind() {
    return Kind.CATEGORICAL;
  }

  @Override
  public TensorValue labels(NpyArray a, TrainedOutput output, String what) {
    requireClassifier(output, kind());
    checkArgument(a.dtype() == NpyDtype.FLOAT32 || a.dtype() == NpyDtype.FLOAT64, "%s holds %s values; categorical"
        + " labels are class probabilities per example (give float32 or float64, or use --loss sparse-categorical"
        + " for class indices)", what, a.dtype().name().toLowerCase());
    ExampleShape.require(a.shape(), output.info(), what, "output '" + output.name() + "'");
    checkArgument(a.rank() == 2, "%s has shape %s; categorical labels are [examples, classes]", what,
        Arrays.toString(a.shape()));
    int classes = (int) a.shape()[1];
    checkArgument(classes > 0, "%s has shape %s; categorical labels need at least one class", what,
        Arrays.toString(a.shape()));
    float[] v = NpyFeeds.finiteFloat32(a, what);
    for (int r = 0; r * classes < v.length; r++) {
      double sum = 0;
      for (int c = 0; c < classes; c++) {
        float p = v[r * classes + c];
        checkArgument(p >= 0, "%s: entry %s at [%s, %s] is negative; categorical labels are class probabilities", what,
            p, r, c);
        sum += p;
      }
      checkArgument(Math.abs(sum - 1) <= ROW_SUM_TOLERANCE, "%s: row %s sums to %s, not 1; categorical labels are"
          + " class probabilities per example (one-hot or smoothed)", what, r, (float) sum);
    }
    return TensorValue.ofFloats(a.shape(), v);
  }

  @Override
  public Operand<TFloat32> build(Ops tf, Operand<TFloat32> output, Operand<?> labels) {
    return meanCrossEntropy(tf, output, LabelOperands.floats(labels, kind()), form);
  }

  @Override
  public Operand<TFloat32> metric(Ops tf, Operand<TFloat32> output, Operand<?> labels) {
    Operand<TInt64> truth = tf.math.argMax(LabelOperands.floats(labels, kind()), tf.constant(-1));
    return accuracy(tf, output, truth);
  }

  @Override
  public String metricName() {
    return "accuracy";
  }

  /**
   * The mean over the batch of −Σ target·log p, p being softmax(output) for logits (one fused, stable op), or the
   * output renormalised to sum to 1 and clipped to [ε, 1 − ε] for probabilities, as Keras does.
   */
  static Operand<TFloat32> meanCrossEntropy(Ops tf, Operand<TFloat32> output, Operand<TFloat32> target,
      OutputForm form) {
    Operand<TFloat32> perExample = switch (form) {
      case LOGITS -> tf.nn.softmaxCrossEntropyWithLogits(output, target).loss();
      case PROBABILITIES -> {
        Operand<TInt32> classAxis = tf.constant(-1);
        Operand<TFloat32> p = tf.math.div(output, tf.sum(output, classAxis, Sum.keepDims(true)));
        p = tf.clipByValue(p, tf.constant(EPSILON), tf.constant(1f - EPSILON));
        yield tf.math.neg(tf.sum(tf.math.mul(target, tf.math.log(p)), classAxis));
      }
    };
    return tf.math.mean(perExample, tf.constant(0));
  }

  /** The fraction of examples whose highest-scoring class is {@code truth} (the same for logits and probabilities). */
  static Operand<TFloat32> accuracy(Ops tf, Operand<TFloat32> output, Operand<TInt64> truth) {
    Operand<TInt64> predicted = tf.math.argMax(output, tf.constant(-1));
    Operand<TFloat32> hits = tf.dtypes.cast(tf.math.equal(predicted, truth), TFloat32.class);
    return tf.math.mean(hits, tf.constant(0));
  }

  /** Refuses an output that is not one score per class per example, which the cross-entropies read. */
  static void requireClassifier(TrainedOutput output, Kind kind) {
    long[] dims = ExampleShape.dims(output.info());
    checkArgument(dims == null || dims.length == 2, "output '%s' has shape %s; --loss %s needs a [batch, classes]"
        + " output", output.name(), Arrays.toString(dims), kind.cliName());
  }
}
