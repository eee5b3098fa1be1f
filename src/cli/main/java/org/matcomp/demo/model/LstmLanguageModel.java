package org.matcomp.demo.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.BiFunction;
import org.matcomp.operator.CompressedWeight;
import org.matcomp.operator.CompressionReport;
import org.matcomp.operator.Phase;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * TensorFlow's PTB word-level LSTM language model (Zaremba et al. 2014; the tutorial {@code ptb_word_lm.py}) with
 * graph_compression's matrices: an embedding table, {@code layers} LSTM layers of {@code units} units unrolled
 * over a fixed number of steps in the graph (TensorFlow's C++ gradients do not cover functional loops), and a softmax
 * layer. Every matrix may be compressed: {@code embedding} (vocabulary × units, read by lookups), {@code lstm1},
 * {@code lstm2}, ... (the tutorial's BasicLSTMCell kernel, [inputs + units] × 4·units, gates i, j, f, o; forget bias
 * 0) and {@code softmax} (units × vocabulary). Weights are uniform in ±{@value #INIT_SCALE} as the tutorial's, biases
 * zero.
 */
public final class LstmLanguageModel {
  /** The layers {@code train --model ptb-lstm} compresses unless {@code --layers} says otherwise: all of them. */
  public static final String DEFAULT_LAYERS = "embedding|lstm\\d+|softmax";
  private static final float INIT_SCALE = 0.1f;

  private final int units;
  private final List<Layer> layers;

  /** A matrix, its bias (none for the embedding) and its compressed form if it has one. */
  private record Layer(String name, Variable<TFloat32> kernel, Optional<Variable<TFloat32>> bias,
      Optional<CompressedWeight> compressed) {}

  /** The state one LSTM layer carries from step to step: cell c and output h, each [batch, units]. */
  public record State(Operand<TFloat32> c, Operand<TFloat32> h) {}

  /**
   * An unrolled forward pass: logits [batch·steps, vocabulary] in batch-major order (row b·steps + t), and each
   * layer's state after the last step, to feed as the next batch's initial state.
   */
  public record Forward(Operand<TFloat32> logits, List<State> finalStates) {}

  private LstmLanguageModel(int units, List<Layer> layers) {
    this.units = units;
    this.layers = layers;
  }

  /** The matrices' shapes, by layer name, in build order. */
  public static Map<String, int[]> matrixShapes(int vocabulary, int units, int lstmLayers) {
    Map<String, int[]> shapes = new LinkedHashMap<>();
    shapes.put("embedding", new int[] {vocabulary, units});
    for (int l = 1; l <= lstmLayers; l++) {
      shapes.put("lstm" + l, new int[] {2 * units, 4 * units});
    }
    shapes.put("softmax", new int[] {units, vocabulary});
    return shapes;
  }

  /** Builds the variables; {@code compress} sees each layer's name and matrix and may return its compressed form. */
  public static LstmLanguageModel build(Ops tf, int vocabulary, int units, int lstmLayers, long seed,
      BiFunction<String, Variable<TFloat32>, Optional<CompressedWeight>> compress) {
    Random rnd = new Random(seed);
    List<Layer> layers = new ArrayList<>();
    for (Map.Entry<String, int[]> e : matrixShapes(vocabulary, units, lstmLayers).entrySet()) {
      String name = e.getKey();
      int rows = e.getValue()[0];
      int cols = e.getValue()[1];
      boolean table = name.equals("embedding");
      Variable<TFloat32> kernel = tf.withName(table ? name : name + "_kernel").variable(
          tf.constant(Shape.of(rows, cols), DataBuffers.of(uniform(rnd, rows * cols))));
      Optional<Variable<TFloat32>> bias = table ? Optional.empty() : Optional.of(tf.withName(name + "_bias")
          .variable(tf.zeros(tf.constant(new long[] {cols}), TFloat32.class)));
      layers.add(new Layer(name, kernel, bias, compress.apply(name, kernel)));
    }
    return new LstmLanguageModel(units, layers);
  }

  private static float[] uniform(Random rnd, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (rnd.nextFloat() * 2 - 1) * INIT_SCALE;
    }
    return v;
  }

  /** The number of LSTM layers. */
  public int lstmLayers() {
    return layers.size() - 2;
  }

  public int units() {
    return units;
  }

  /**
   * The forward pass over word ids [batch, steps] from {@code initial} states (one per LSTM layer), every matrix read
   * as {@code phase} reads it. Each LSTM kernel is read once and multiplied at every step.
   */
  public Forward forward(Ops tf, Operand<TInt32> words, int steps, List<State> initial, Phase phase) {
    Layer embedding = layers.get(0);
    Operand<TInt32> flat = tf.reshape(words, tf.constant(new int[] {-1}));
    Operand<TFloat32> rows = embedding.compressed().isPresent()
        ? embedding.compressed().get().lookup(tf, flat, phase)
        : tf.gather(embedding.kernel(), flat, tf.constant(0));
    List<Operand<TFloat32>> inputs = new ArrayList<>(tf.unstack(
        tf.reshape(rows, tf.constant(new int[] {-1, steps, units})), (long) steps, org.tensorflow.op.core.Unstack.axis(1L))
        .output());
    List<State> finals = new ArrayList<>();
    for (int l = 0; l < lstmLayers(); l++) {
      Layer layer = layers.get(l + 1);
      Operand<TFloat32> kernel = layer.compressed().isPresent()
          ? layer.compressed().get().weight(tf, phase)
          : layer.kernel();
      State state = initial.get(l);
      List<Operand<TFloat32>> outputs = new ArrayList<>();
      for (Operand<TFloat32> x : inputs) {
        state = cell(tf, x, state, kernel, layer.bias().orElseThrow());
        outputs.add(state.h());
      }
      finals.add(state);
      inputs = outputs;
    }
    Operand<TFloat32> h = tf.reshape(tf.stack(inputs, org.tensorflow.op.core.Stack.axis(1L)),
        tf.constant(new int[] {-1, units}));
    Layer softmax = layers.get(layers.size() - 1);
    Operand<TFloat32> z = softmax.compressed().isPresent()
        ? softmax.compressed().get().matmul(tf, h, phase)
        : tf.linalg.matMul(h, softmax.kernel());
    return new Forward(tf.nn.biasAdd(z, softmax.bias().orElseThrow()), finals);
  }

  /** One BasicLSTMCell step: [x, h]·W + b split into gates i, j, f, o; c' = c·σ(f) + σ(i)·tanh(j); h' = tanh(c')·σ(o). */
  private static State cell(Ops tf, Operand<TFloat32> x, State state, Operand<TFloat32> kernel,
      Operand<TFloat32> bias) {
    Operand<TFloat32> z = tf.nn.biasAdd(tf.linalg.matMul(
        tf.concat(List.of(x, state.h()), tf.constant(1)), kernel), bias);
    List<org.tensorflow.Output<TFloat32>> gates = tf.split(tf.constant(1), z, 4L).output();
    Operand<TFloat32> c = tf.math.add(tf.math.mul(state.c(), tf.math.sigmoid(gates.get(2))),
        tf.math.mul(tf.math.sigmoid(gates.get(0)), tf.math.tanh(gates.get(1))));
    return new State(c, tf.math.mul(tf.math.tanh(c), tf.math.sigmoid(gates.get(3))));
  }

  public List<CompressedWeight> compressedMatrices() {
    return layers.stream().flatMap(l -> l.compressed().stream()).toList();
  }

  /** Biases and the matrices left dense. */
  public List<Variable<TFloat32>> uncompressedVariables() {
    List<Variable<TFloat32>> vars = new ArrayList<>();
    for (Layer l : layers) {
      if (l.compressed().isEmpty()) {
        vars.add(l.kernel());
      }
      l.bias().ifPresent(vars::add);
    }
    return vars;
  }

  /** Every matrix, compressed or not, at the size the graph in {@code session} reads. */
  public CompressionReport report(Session session) {
    return new CompressionReport(layers.stream()
        .map(l -> l.compressed().map(m -> CompressionReport.served(m, session)).orElseGet(() ->
            CompressionReport.dense(l.kernel().op().name(), (int) l.kernel().shape().get(0),
                (int) l.kernel().shape().get(1))))
        .toList());
  }
}
