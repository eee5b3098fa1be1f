package org.matcomp.savedmodel.finetune;

import org.matcomp.io.NpyArray;
import org.matcomp.savedmodel.export.NpyFeeds;
import org.matcomp.savedmodel.export.TensorValue;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;

/**
 * Cross-entropy against one class index per example, as Keras' sparse_categorical_crossentropy: the categorical one
 * of the one-hot labels.
 */
public record SparseCategoricalCrossEntropy(OutputForm form) implements Loss {
  @Override
  public Kind kind() {
    return Kind.SPARSE_CATEGORICAL;
  }

  /** A 1-D integer array of class indices in [0, classes), classes being the output's last dimension. */
  @Override
  public TensorValue labels(NpyArray a, TrainedOutput output, String what) {
    CategoricalCrossEntropy.requireClassifier(output, kind());
    int[] v = NpyFeeds.classIndices(a, what, output.classes());
    return TensorValue.ofInts(new long[] {v.length}, v);
  }

  @Override
  public Operand<TFloat32> build(Ops tf, Operand<TFloat32> output, Operand<?> labels) {
    Operand<? extends TNumber> indices = LabelOperands.classIndices(labels, kind());
    // Not the fused SparseSoftmaxCrossEntropyWithLogits: TensorFlow registers no C++ gradient for it, so
    // Graph.addGradients could not differentiate it.
    Operand<TInt32> classes = tf.gather(tf.shape(output), tf.constant(1), tf.constant(0));
    Operand<TFloat32> oneHot = tf.oneHot(indices, classes, tf.constant(1f), tf.constant(0f));
    return CategoricalCrossEntropy.meanCrossEntropy(tf, output, oneHot, form);
  }

  @Override
  public Operand<TFloat32> metric(Ops tf, Operand<TFloat32> output, Operand<?> labels) {
    return CategoricalCrossEntropy.accuracy(tf, output, tf.dtypes.cast(LabelOperands.classIndices(labels, kind()), TInt64.class));
  }

  @Override
  public String metricName() {
    return "accuracy";
  }
}
