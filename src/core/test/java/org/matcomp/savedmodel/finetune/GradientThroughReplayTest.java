package org.matcomp.savedmodel.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.matcomp.savedmodel.TinyModels;
import org.matcomp.savedmodel.export.SampleInputs;
import org.matcomp.savedmodel.export.TensorValue;
import org.matcomp.savedmodel.trace.SavedModelDirectory;
import org.matcomp.savedmodel.trace.ServingGraph;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * After flattening, {@code Graph.addGradients} reaches every weight of a Keras MLP (TF2 functions) and of a TF1 CNN,
 * and its gradient matches a central finite difference of the same replayed graph.
 */
class GradientThroughReplayTest {
  /**
   * Loss Σ output ⊙ R with R fixed and random: a plain Σ output of a softmax output is the batch size whatever the
   * weights, so its gradient would be zero and prove nothing.
   */
  private static Output<TFloat32> weightedSum(Graph g, Output<?> output, long[] shape) {
    Ops tf = Ops.create(g).withSubScope("loss");
    Random rnd = new Random(5);
    int n = 1;
    for (long d : shape) {
      n *= (int) d;
    }
    float[] r = new float[n];
    for (int i = 0; i < n; i++) {
      r[i] = (float) rnd.nextGaussian();
    }
    Operand<TFloat32> weighted = tf.math.mul(output.expect(TFloat32.class),
        tf.constant(Shape.of(shape), DataBuffers.of(r)));
    return tf.sum(tf.reshape(weighted, tf.constant(new int[] {-1})), tf.constant(0)).asOutput();
  }

  /** {@code inputScale} scales the random inputs in [0, 1): a softmax that saturates in float32 has no gradient. */
  private static void gradientMatchesFiniteDifference(Path model, String variable, float inputScale)
      throws Exception {
    SavedModelDirectory dir = SavedModelDirectory.open(model, "serve");
    FlatGraph flat = FlatGraph.of(ServingGraph.of(dir), "serving_default");
    assertTrue(flat.trainable(), flat.toString());
    try (SavedModelBundle bundle = dir.load();
        ReplayHarness.Replayed r = ReplayHarness.replay(flat)) {
      Map<String, TensorValue> weights = ReplayHarness.weights(bundle, flat);
      Map<String, TensorValue> feeds = scaled(SampleInputs.random(dir.signatures().get("serving_default"), 4, 3)
          .orElseThrow().feeds(), inputScale);
      String outName = r.outputs().keySet().iterator().next();
      long[] outShape = ReplayHarness.runOutputs(r, feeds, weights).get(outName).shape();
      Output<TFloat32> loss = weightedSum(r.graph(), r.outputs().get(outName), outShape);
      List<String> names = new ArrayList<>(r.variables().keySet());
      Output<?>[] grads = r.graph().addGradients(loss, names.stream().map(r.variables()::get).toArray(Output<?>[]::new));
      for (int i = 0; i < grads.length; i++) {
        assertNotNull(grads[i], "no gradient reaches " + names.get(i));
      }
      int w = names.indexOf(variable);
      float[] g = ReplayHarness.run(r, feeds, weights, List.of(grads[w])).get(0).floats();
      int entry = 0;
      for (int i = 1; i < g.length; i++) {
        entry = Math.abs(g[i]) > Math.abs(g[entry]) ? i : entry;
      }
      double h = 1e-2;
      double plus = lossWith(r, feeds, weights, variable, entry, h, loss);
      double minus = lossWith(r, feeds, weights, variable, entry, -h, loss);
      double fd = (plus - minus) / (2 * h);
      System.out.printf("gradient %s %s[%d]: addGradients %.6g, central difference %.6g%n", model.getFileName(),
          variable, entry, g[entry], fd);
      assertTrue(Math.abs(g[entry]) > 1e-3, "the chosen entry has a gradient worth checking: " + g[entry]);
      assertEquals(fd, g[entry], 0.02 * Math.abs(g[entry]), variable + "[" + entry + "]");
    }
  }

  private static Map<String, TensorValue> scaled(Map<String, TensorValue> feeds, float scale) {
    Map<String, TensorValue> out = new LinkedHashMap<>();
    feeds.forEach((name, v) -> {
      float[] x = v.floats();
      for (int i = 0; i < x.length; i++) {
        x[i] *= scale;
      }
      out.put(name, TensorValue.ofFloats(v.shape(), x));
    });
    return out;
  }

  private static double lossWith(ReplayHarness.Replayed r, Map<String, TensorValue> feeds,
      Map<String, TensorValue> weights, String variable, int entry, double delta, Output<TFloat32> loss) {
    TensorValue v = weights.get(variable);
    float[] values = v.floats();
    values[entry] += (float) delta;
    Map<String, TensorValue> moved = new LinkedHashMap<>(weights);
    moved.put(variable, TensorValue.ofFloats(v.shape(), values));
    return ReplayHarness.run(r, feeds, moved, List.of(loss)).get(0).floats()[0];
  }

  @Test
  void quickstartMlpGradientReachesTheFirstKernelInsideItsFunctions() throws Exception {
    gradientMatchesFiniteDifference(TinyModels.DIR.resolve("quickstart_mlp"), "dense_1/kernel", 1f);
  }

  @Test
  void kerasMnistMlpGradientReachesTheFirstKernel() throws Exception {
    gradientMatchesFiniteDifference(GraphReplayTest.SHARED.resolve("keras_mnist_mlp_tf2.11"), "dense/kernel", 1f);
  }

  @Test
  void tf1CnnGradientReachesTheConvolutionFilter() throws Exception {
    gradientMatchesFiniteDifference(GraphReplayTest.SHARED.resolve("tf1_mnist_cnn_tf1.9"), "Variable", 0.05f);
  }

  /**
   * The intended use: the caller owns VariableV2s initialised from the checkpoint, passes Identity reads of them,
   * replays the forward graph twice (two phases sharing the variables), and trains through one replay.
   */
  private static final float LEARNING_RATE = 1e-6f;

  @Test
  void twoReplaysShareTheCallersVariablesAndOneGradientStepLowersTheLoss() throws Exception {
    SavedModelDirectory dir = SavedModelDirectory.open(TinyModels.DIR.resolve("quickstart_mlp"), "serve");
    FlatGraph flat = FlatGraph.of(ServingGraph.of(dir), "serving_default");
    Map<String, TensorValue> feeds = SampleInputs.random(dir.signatures().get("serving_default"), 8, 9)
        .orElseThrow().feeds();
    try (SavedModelBundle bundle = dir.load(); Graph g = new Graph()) {
      Map<String, TensorValue> values = ReplayHarness.weights(bundle, flat);
      Map<String, TensorValue> expected = ReplayHarness.runBundle(bundle, "serving_default", feeds);
      Ops tf = Ops.create(g);
      Map<String, Operand<?>> reads = new LinkedHashMap<>();
      List<Variable<TFloat32>> vars = new ArrayList<>();
      int i = 0;
      for (Map.Entry<String, TensorValue> v : values.entrySet()) {
        Variable<TFloat32> var = tf.withName("w" + i++).variable(tf.constant(Shape.of(v.getValue().shape()),
            DataBuffers.of(v.getValue().floats())));
        vars.add(var);
        reads.put(v.getKey(), tf.identity(var));
      }
      TensorValue x = feeds.get("pixels");
      Operand<TFloat32> pixels = tf.constant(Shape.of(x.shape()), DataBuffers.of(x.floats()));
      Output<?> before = GraphReplay.replay(flat, g, "phase0", Map.of("pixels", pixels), reads).get("logits");
      Output<?> after = GraphReplay.replay(flat, g, "phase1", Map.of("pixels", pixels), reads).get("logits");
      Output<TFloat32> loss = weightedSum(g, after, expected.get("logits").shape());
      Output<?>[] grads = g.addGradients(loss, reads.values().stream().map(Operand::asOutput).toArray(Output<?>[]::new));
      List<Operand<?>> steps = new ArrayList<>();
      for (int k = 0; k < vars.size(); k++) {
        steps.add(tf.train.applyGradientDescent(vars.get(k), tf.constant(LEARNING_RATE), grads[k].expect(TFloat32.class)));
      }
      try (org.tensorflow.Session s = new org.tensorflow.Session(g)) {
        s.initialize();
        float[] logits;
        float loss0;
        try (var res = s.runner().fetch(before).fetch(loss).run()) {
          logits = TensorValue.of(res.get(0)).floats();
          loss0 = TensorValue.of(res.get(1)).floats()[0];
        }
        float[] want = expected.get("logits").floats();
        for (int k = 0; k < want.length; k++) {
          assertEquals(want[k], logits[k], 1e-6 * Math.max(1, Math.abs(want[k])), "phase0 logits[" + k + "]");
        }
        double squaredNorm = 0;
        org.tensorflow.Session.Runner gradRun = s.runner();
        for (Output<?> gr : grads) {
          gradRun.fetch(gr);
        }
        try (var res = gradRun.run()) {
          for (int k = 0; k < grads.length; k++) {
            for (float v : TensorValue.of(res.get(k)).floats()) {
              squaredNorm += (double) v * v;
            }
          }
        }
        org.tensorflow.Session.Runner step = s.runner();
        steps.forEach(step::addTarget);
        step.run();
        float loss1;
        try (var res = s.runner().fetch(loss).run()) {
          loss1 = TensorValue.of(res.get(0)).floats()[0];
        }
        // to first order a step of size lr along -g lowers the loss by lr·|g|²
        double predicted = LEARNING_RATE * squaredNorm;
        System.out.printf("one SGD step through the phase1 replay: loss %.6f -> %.6f, first-order prediction %.6f%n",
            loss0, loss1, loss0 - predicted);
        assertEquals(predicted, loss0 - loss1, 0.05 * predicted, "loss decrease");
        assertTrue(loss1 < loss0, "loss " + loss0 + " -> " + loss1);
      }
    }
  }
}
