package org.matcomp.savedmodel.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Loss and metric values against closed forms computed here in double on 3 examples of 4 classes, and gradients
 * (Graph.addGradients) against central finite differences of the loss in the model's output.
 */
class LossTest {
  private static final int N = 3;
  private static final int C = 4;
  /** Example 0 scores class 2 highest, example 1 class 0, example 2 class 1. */
  private static final float[] LOGITS = {0.5f, -1f, 2f, 0.25f, 1.5f, 0.5f, -0.5f, 1f, -2f, 0.75f, 0.5f, 0f};
  private static final int[] CLASSES = {2, 0, 3};
  private static final float[] SOFT = {0.1f, 0.1f, 0.7f, 0.1f, 1, 0, 0, 0, 0, 0.5f, 0, 0.5f};
  /** Rows summing to 1, 2 and 0.5: Keras renormalises before the log, and so must the loss. */
  private static final float[] PROBABILITIES = {0.1f, 0.2f, 0.6f, 0.1f, 0.8f, 0.4f, 0.4f, 0.4f, 0.05f, 0.2f, 0.2f,
      0.05f};

  private static float[] oneHot(int[] classes) {
    float[] y = new float[N * C];
    for (int i = 0; i < N; i++) {
      y[i * C + classes[i]] = 1;
    }
    return y;
  }

  /** Mean over examples of −Σ_j y_ij log p_ij, p = softmax(logits) or the renormalised probabilities. */
  private static double crossEntropy(float[] output, float[] y, OutputForm form) {
    double total = 0;
    for (int i = 0; i < N; i++) {
      double norm = 0;
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < C; j++) {
        max = Math.max(max, output[i * C + j]);
      }
      for (int j = 0; j < C; j++) {
        norm += form == OutputForm.LOGITS ? Math.exp(output[i * C + j] - max) : output[i * C + j];
      }
      for (int j = 0; j < C; j++) {
        double p = form == OutputForm.LOGITS ? Math.exp(output[i * C + j] - max) / norm : output[i * C + j] / norm;
        total -= y[i * C + j] * Math.log(p);
      }
    }
    return total / N;
  }

  @ParameterizedTest
  @EnumSource(OutputForm.class)
  void sparseCategoricalIsTheCrossEntropyOfTheLabelledClass(OutputForm form) {
    float[] out = form == OutputForm.LOGITS ? LOGITS : PROBABILITIES;
    Loss loss = Loss.parse("sparse-categorical", form);
    assertEquals(crossEntropy(out, oneHot(CLASSES), form), run(loss::build, out, CLASSES), 1e-5);
    // Both outputs' arg-maxes are 2, 0, 1 (the first of a tie, as tf.argmax picks); the labels 2, 0, 3.
    assertEquals(2f / 3, run(loss::metric, out, CLASSES), 1e-6);
  }

  @ParameterizedTest
  @EnumSource(OutputForm.class)
  void categoricalIsTheCrossEntropyOfTheLabelDistribution(OutputForm form) {
    float[] out = form == OutputForm.LOGITS ? LOGITS : PROBABILITIES;
    Loss loss = Loss.parse("categorical", form);
    assertEquals(crossEntropy(out, SOFT, form), run(loss::build, out, SOFT), 1e-5);
    // SOFT's arg-maxes are 2, 0 and 1 (the first of a tie), as are both outputs'.
    assertEquals(1f, run(loss::metric, out, SOFT), 1e-6);
  }

  @Test
  void categoricalWithOneHotLabelsEqualsSparseCategorical() {
    for (OutputForm form : OutputForm.values()) {
      float[] out = form == OutputForm.LOGITS ? LOGITS : PROBABILITIES;
      assertEquals(run(Loss.parse("sparse-categorical", form)::build, out, CLASSES),
          run(Loss.parse("categorical", form)::build, out, oneHot(CLASSES)), 1e-6);
    }
  }

  @Test
  void probabilitiesAreClippedSoAZeroForTheTrueClassCostsLogOfEpsilonNotInfinity() {
    float[] out = {0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0};
    double expected = (-Math.log(CategoricalCrossEntropy.EPSILON) - Math.log(1 - CategoricalCrossEntropy.EPSILON)
        - Math.log(CategoricalCrossEntropy.EPSILON)) / N;
    assertEquals(expected, run(Loss.parse("sparse-categorical", OutputForm.PROBABILITIES)::build, out, CLASSES),
        1e-4 * expected);
  }

  @Test
  void mseIsTheMeanOfSquaredDifferencesOverEveryEntry() {
    float[] target = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    double sum = 0;
    for (int i = 0; i < target.length; i++) {
      sum += Math.pow(LOGITS[i] - target[i], 2);
    }
    Loss loss = Loss.parse("mse", OutputForm.LOGITS);
    assertEquals(sum / target.length, run(loss::build, LOGITS, target), 1e-4);
    assertEquals(sum / target.length, run(loss::metric, LOGITS, target), 1e-4);
    assertEquals("mse", loss.metricName());
  }

  @ParameterizedTest
  @EnumSource(Loss.Kind.class)
  void gradientsInTheOutputMatchFiniteDifferences(Loss.Kind kind) {
    for (OutputForm form : OutputForm.values()) {
      Loss loss = kind.reading(form);
      float[] out = form == OutputForm.LOGITS || kind == Loss.Kind.MSE ? LOGITS : PROBABILITIES;
      Object labels = kind == Loss.Kind.SPARSE_CATEGORICAL ? CLASSES : SOFT;
      try (Graph g = new Graph(); Session s = new Session(g)) {
        Ops tf = Ops.create(g);
        Placeholder<TFloat32> output = tf.placeholder(TFloat32.class);
        Operand<TFloat32> value = loss.build(tf, output, labelsConstant(tf, labels));
        Output<?> gradient = g.addGradients(value.asOutput(), new Output<?>[] {output.asOutput()})[0];
        float[] analytic = fetch(s, output, out, gradient.asOutput());
        float eps = 1e-3f;
        for (int i = 0; i < out.length; i++) {
          float[] up = out.clone();
          float[] down = out.clone();
          up[i] += eps;
          down[i] -= eps;
          double numeric = (fetch(s, output, up, value.asOutput())[0] - fetch(s, output, down, value.asOutput())[0])
              / (2.0 * eps);
          assertEquals(numeric, analytic[i], 2e-3 * Math.max(1, Math.abs(numeric)), kind + " " + form + " d/d[" + i
              + "]");
        }
      }
    }
  }

  @Test
  void parsesTheCliNamesAndRefusesOthersListingTheValidOnes() {
    assertEquals(new SparseCategoricalCrossEntropy(OutputForm.LOGITS),
        Loss.parse("sparse-categorical", OutputForm.LOGITS));
    assertEquals(new CategoricalCrossEntropy(OutputForm.PROBABILITIES),
        Loss.parse("categorical", OutputForm.PROBABILITIES));
    assertEquals(new MeanSquaredError(), Loss.parse("mse", OutputForm.PROBABILITIES));
    for (Loss.Kind k : Loss.Kind.values()) {
      assertEquals(k, Loss.parse(k.cliName(), OutputForm.LOGITS).kind());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Loss.parse("cross-entropy", OutputForm.LOGITS));
    assertEquals("--loss 'cross-entropy' is not a loss; valid: sparse-categorical, categorical, mse", e.getMessage());
  }

  @Test
  void labelsOfTheWrongTypeAreRefusedWhenTheGraphIsBuilt() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> out = tf.constant(new float[][] {{1, 2}});
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Loss.parse("sparse-categorical", OutputForm.LOGITS).build(tf, out, tf.constant(new float[] {1})));
      assertEquals("sparse-categorical labels must be int32 or int64 class indices, got TFloat32", e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> Loss.parse("mse", OutputForm.LOGITS).build(tf, out, tf.constant(new int[] {1})));
      assertEquals("mse labels must be float32, got TInt32", e.getMessage());
    }
  }

  /** {@code op(tf, output, labels)} evaluated with {@code output} [3, 4] (or [3, 4] regression targets). */
  private static float run(TriOp op, float[] output, Object labels) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> out = tf.placeholder(TFloat32.class);
      Operand<TFloat32> value = op.apply(tf, out, labelsConstant(tf, labels));
      return fetch(s, out, output, value.asOutput())[0];
    }
  }

  private interface TriOp {
    Operand<TFloat32> apply(Ops tf, Operand<TFloat32> output, Operand<?> labels);
  }

  private static Operand<?> labelsConstant(Ops tf, Object labels) {
    if (labels instanceof int[] classes) {
      return tf.constant(classes);
    }
    float[] y = (float[]) labels;
    return tf.constant(Shape.of(N, y.length / N), DataBuffers.of(y));
  }

  private static float[] fetch(Session s, Placeholder<TFloat32> output, float[] value, Output<?> fetched) {
    try (TFloat32 in = TFloat32.tensorOf(Shape.of(N, value.length / N), DataBuffers.of(value));
        Result result = s.runner().feed(output, in).fetch(fetched).run()) {
      Tensor t = result.get(0);
      float[] r = new float[(int) t.shape().size()];
      ((TFloat32) t).copyTo(DataBuffers.of(r, false, false));
      return r;
    }
  }
}
