package org.matcomp.demo.model;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.matcomp.operator.CompressedWeight;
import org.matcomp.operator.CompressionReport;
import org.matcomp.operator.ExportedValues;
import org.matcomp.operator.Phase;
import org.tensorflow.Session;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * A fully connected classifier (ReLU hidden layers, linear logits) built in a TF Java graph, whose kernels may be
 * compressed. Layers are named {@code dense1..denseK} and {@code logits}; their kernels {@code <layer>_kernel}.
 */
public final class Mlp implements Classifier {
  private final List<Layer> layers;

  private record Layer(String name, Variable<TFloat32> kernel, Variable<TFloat32> bias,
      Optional<CompressedWeight> compressed) {}

  private Mlp(List<Layer> layers) {
    this.layers = layers;
  }

  /**
   * Builds the variables. {@code compress} decides per layer (by name and kernel) whether and how to compress it;
   * weights are Glorot-uniform from {@code seed}, biases zero.
   */
  public static Mlp build(Ops tf, int[] sizes, long seed,
      BiFunction<String, Variable<TFloat32>, Optional<CompressedWeight>> compress) {
    return build(layer -> tf, sizes, seed, compress);
  }

  /** As {@link #build(Ops, int[], long, BiFunction)}, each layer's variables built by {@code placed.apply(layer)}. */
  public static Mlp build(Function<String, Ops> placed, int[] sizes, long seed,
      BiFunction<String, Variable<TFloat32>, Optional<CompressedWeight>> compress) {
    checkArgument(sizes.length >= 2, "an MLP needs at least an input and an output size");
    List<String> names = new ArrayList<>();
    for (int i = 0; i + 1 < sizes.length; i++) {
      names.add(layerName(i, sizes.length));
    }
    return build(placed, sizes, names, new Random(seed), compress);
  }

  /**
   * The fully connected layers {@code names} (one fewer than {@code sizes}), their weights drawn from {@code rnd}:
   * the head of a network whose other layers drew from it first.
   */
  static Mlp build(Function<String, Ops> placed, int[] sizes, List<String> names, Random rnd,
      BiFunction<String, Variable<TFloat32>, Optional<CompressedWeight>> compress) {
    checkArgument(names.size() + 1 == sizes.length, "%s layer names for %s sizes", names.size(), sizes.length);
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i + 1 < sizes.length; i++) {
      String name = names.get(i);
      int in = sizes[i];
      int out = sizes[i + 1];
      Ops tf = placed.apply(name);
      Variable<TFloat32> kernel = tf.withName(name + "_kernel")
          .variable(tf.constant(Shape.of(in, out), DataBuffers.of(glorotUniform(rnd, in, out))));
      Variable<TFloat32> bias = tf.withName(name + "_bias").variable(tf.zeros(tf.constant(new long[] {out}),
          TFloat32.class));
      layers.add(new Layer(name, kernel, bias, compress.apply(name, kernel)));
    }
    return new Mlp(layers);
  }

  /** The MLP of {@code sizes} (inputs, hidden sizes..., classes) as an architecture {@code train} can build. */
  public static ClassifierArchitecture architecture(int[] sizes) {
    checkArgument(sizes.length >= 2, "an MLP needs at least an input and an output size");
    int[] own = sizes.clone();
    return new ClassifierArchitecture() {
      @Override
      public String name() {
        return "mlp";
      }

      @Override
      public Map<String, int[]> matrixKernels() {
        Map<String, int[]> kernels = new LinkedHashMap<>();
        for (int i = 0; i + 1 < own.length; i++) {
          kernels.put(layerName(i, own.length), new int[] {own[i], own[i + 1]});
        }
        return kernels;
      }

      @Override
      public Map<String, Long> layerBytes() {
        return Mlp.layerBytes(own);
      }

      @Override
      public Classifier build(Function<String, Ops> placed, long seed,
          BiFunction<String, Variable<TFloat32>, Optional<CompressedWeight>> compress) {
        return Mlp.build(placed, own, seed, compress);
      }
    };
  }

  /** Layer {@code i} of an MLP of {@code sizes} sizes: dense1, dense2, ..., logits. */
  private static String layerName(int i, int sizes) {
    return i + 2 == sizes ? "logits" : "dense" + (i + 1);
  }

  private static float[] glorotUniform(Random rnd, int in, int out) {
    return glorotUniform(rnd, in, out, in * out);
  }

  /** {@code count} weights uniform in ±sqrt(6 / (fanIn + fanOut)) (Glorot and Bengio 2010), drawn from {@code rnd}. */
  static float[] glorotUniform(Random rnd, int fanIn, int fanOut, int count) {
    float limit = (float) Math.sqrt(6.0 / (fanIn + fanOut));
    float[] w = new float[count];
    for (int i = 0; i < w.length; i++) {
      w[i] = (rnd.nextFloat() * 2 - 1) * limit;
    }
    return w;
  }

  /** Logits for x [batch, inputs], each compressed kernel read as {@code phase} reads it. */
  @Override
  public Operand<TFloat32> logits(Ops tf, Operand<TFloat32> x, Phase phase) {
    Operand<TFloat32> h = x;
    for (int i = 0; i < layers.size(); i++) {
      Layer l = layers.get(i);
      Operand<TFloat32> z = l.compressed().isPresent()
          ? l.compressed().get().matmul(tf, h, phase)
          : tf.linalg.matMul(h, l.kernel());
      z = tf.nn.biasAdd(z, l.bias());
      h = i + 1 == layers.size() ? z : tf.nn.relu(z);
    }
    return h;
  }

  /**
   * The logits in another graph ({@code target}) for serving: each layer from its current values in {@code trained},
   * compressed layers in their compressed form only ({@link CompressedWeight#exportMatmul}).
   */
  @Override
  public Operand<TFloat32> exportLogits(Ops target, Session trained, Operand<TFloat32> x) {
    Operand<TFloat32> h = x;
    for (int i = 0; i < layers.size(); i++) {
      Layer l = layers.get(i);
      Operand<TFloat32> z = l.compressed().isPresent()
          ? l.compressed().get().exportMatmul(target, trained, h)
          : target.linalg.matMul(h, ExportedValues.variable(target, l.name() + "_kernel", trained, l.kernel()));
      z = target.nn.biasAdd(z, ExportedValues.variable(target, l.name() + "_bias", trained, l.bias()));
      h = i + 1 == layers.size() ? z : target.nn.relu(z);
    }
    return h;
  }

  @Override
  public List<CompressedWeight> compressedMatrices() {
    return layers.stream().flatMap(l -> l.compressed().stream()).toList();
  }

  /** Variables that train in every phase: biases and the kernels left dense. */
  @Override
  public List<Variable<TFloat32>> uncompressedVariables() {
    List<Variable<TFloat32>> vars = new ArrayList<>();
    for (Layer l : layers) {
      if (l.compressed().isEmpty()) {
        vars.add(l.kernel());
      }
      vars.add(l.bias());
    }
    return vars;
  }

  /**
   * Every kernel, compressed or not, at the size the graph in {@code session} reads (and {@link #exportLogits}
   * writes); biases are left out as the reference does.
   */
  @Override
  public CompressionReport report(Session session) {
    return new CompressionReport(layers.stream()
        .map(l -> l.compressed().map(m -> CompressionReport.served(m, session)).orElseGet(() -> CompressionReport.dense(
            l.kernel().op().name(), (int) l.kernel().shape().get(0), (int) l.kernel().shape().get(1))))
        .toList());
  }

  /** The name of each layer of an MLP of {@code sizes}, with the bytes of its kernel and bias (for placement). */
  public static Map<String, Long> layerBytes(int[] sizes) {
    Map<String, Long> bytes = new LinkedHashMap<>();
    for (int i = 0; i + 1 < sizes.length; i++) {
      bytes.put(layerName(i, sizes.length), 4L * (sizes[i] + 1) * sizes[i + 1]);
    }
    return bytes;
  }

  /** Parameters of the biases (reported beside the kernels). */
  @Override
  public long biasParams() {
    return layers.stream().mapToLong(l -> l.bias().shape().get(0)).sum();
  }
}
