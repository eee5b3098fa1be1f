package org.matcomp.demo.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.matcomp.operator.CompressedWeight;
import org.matcomp.operator.CompressionReport;
import org.matcomp.operator.ExportedValues;
import org.matcomp.operator.Phase;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * TensorFlow's CIFAR-10 tutorial network, the model behind graph_compression's CIFAR-10 plot, for square single-channel
 * images: two blocks of 5×5 convolution (64 filters), ReLU and 3×3 max pooling of stride 2, then fully connected
 * layers of 384 and 192 ReLU units and linear logits. The two fully connected kernels ({@code fc1}, {@code fc2}) are
 * the matrices to compress, as in the blog; the tutorial's local response normalisation is left out (it changes
 * little, and neither the blog nor the operator concern it). Layers: {@code conv1, conv2, fc1, fc2, logits}.
 */
public final class Cnn implements Classifier {
  private static final int FILTER = 5;
  private static final int FILTERS = 64;
  private static final int[] FULLY_CONNECTED = {384, 192};

  private final int side;
  private final List<Conv> convs;
  private final Mlp head;

  private record Conv(String name, Variable<TFloat32> filter, Variable<TFloat32> bias) {}

  private Cnn(int side, List<Conv> convs, Mlp head) {
    this.side = side;
    this.convs = convs;
    this.head = head;
  }

  /** The network for {@code side}×{@code side} single-channel images and {@code classes} classes. */
  public static ClassifierArchitecture architecture(int side, int classes) {
    int pooled = pooledSide(side);
    Map<String, int[]> matrices = new LinkedHashMap<>();
    matrices.put("fc1", new int[] {pooled * pooled * FILTERS, FULLY_CONNECTED[0]});
    matrices.put("fc2", new int[] {FULLY_CONNECTED[0], FULLY_CONNECTED[1]});
    matrices.put("logits", new int[] {FULLY_CONNECTED[1], classes});
    return new ClassifierArchitecture() {
      @Override
      public String name() {
        return "cnn";
      }

      @Override
      public Map<String, int[]> matrixKernels() {
        Map<String, int[]> copy = new LinkedHashMap<>();
        matrices.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
      }

      @Override
      public Map<String, Long> layerBytes() {
        Map<String, Long> bytes = new LinkedHashMap<>();
        bytes.put("conv1", 4L * (FILTER * FILTER + 1) * FILTERS);
        bytes.put("conv2", 4L * (FILTER * FILTER * FILTERS + 1) * FILTERS);
        matrices.forEach((layer, shape) -> bytes.put(layer, 4L * (shape[0] + 1) * shape[1]));
        return bytes;
      }

      @Override
      public Classifier build(Function<String, Ops> placed, long seed,
          BiFunction<String, Variable<TFloat32>, Optional<CompressedWeight>> compress) {
        Random rnd = new Random(seed);
        List<Conv> convs = new ArrayList<>();
        int channels = 1;
        for (String name : List.of("conv1", "conv2")) {
          Ops tf = placed.apply(name);
          int fanIn = FILTER * FILTER * channels;
          Variable<TFloat32> filter = tf.withName(name + "_kernel").variable(tf.constant(
              Shape.of(FILTER, FILTER, channels, FILTERS),
              DataBuffers.of(Mlp.glorotUniform(rnd, fanIn, FILTER * FILTER * FILTERS, fanIn * FILTERS))));
          convs.add(new Conv(name, filter, zeros(tf, name + "_bias", FILTERS)));
          channels = FILTERS;
        }
        int[] sizes = new int[matrices.size() + 1];
        sizes[0] = pooled * pooled * FILTERS;
        int i = 1;
        for (int[] shape : matrices.values()) {
          sizes[i++] = shape[1];
        }
        Mlp head = Mlp.build(placed, sizes, List.copyOf(matrices.keySet()), rnd, compress);
        return new Cnn(side, convs, head);
      }
    };
  }

  /** The side after two poolings of stride 2 with SAME padding. */
  private static int pooledSide(int side) {
    return (((side + 1) / 2) + 1) / 2;
  }

  private static Variable<TFloat32> zeros(Ops tf, String name, int n) {
    return tf.withName(name).variable(tf.zeros(tf.constant(new long[] {n}), TFloat32.class));
  }

  @Override
  public Operand<TFloat32> logits(Ops tf, Operand<TFloat32> x, Phase phase) {
    return head.logits(tf, features(tf, x, convs.stream().map(c -> (Operand<TFloat32>) c.filter()).toList(),
        convs.stream().map(c -> (Operand<TFloat32>) c.bias()).toList()), phase);
  }

  @Override
  public Operand<TFloat32> exportLogits(Ops target, Session trained, Operand<TFloat32> x) {
    List<Operand<TFloat32>> filters = new ArrayList<>();
    List<Operand<TFloat32>> biases = new ArrayList<>();
    for (Conv c : convs) {
      filters.add(ExportedValues.variable(target, c.name() + "_kernel", trained, c.filter()));
      biases.add(ExportedValues.variable(target, c.name() + "_bias", trained, c.bias()));
    }
    return head.exportLogits(target, trained, features(target, x, filters, biases));
  }

  /** The convolution blocks on x [batch, side·side], flattened to [batch, pooled·pooled·64]. */
  private Operand<TFloat32> features(Ops tf, Operand<TFloat32> x, List<Operand<TFloat32>> filters,
      List<Operand<TFloat32>> biases) {
    Operand<TFloat32> h = tf.reshape(x, tf.constant(new int[] {-1, side, side, 1}));
    for (int i = 0; i < filters.size(); i++) {
      h = tf.nn.relu(tf.nn.biasAdd(tf.nn.conv2d(h, filters.get(i), List.of(1L, 1L, 1L, 1L), "SAME"), biases.get(i)));
      h = tf.nn.maxPool(h, tf.constant(new int[] {1, 3, 3, 1}), tf.constant(new int[] {1, 2, 2, 1}), "SAME");
    }
    int pooled = pooledSide(side);
    return tf.reshape(h, tf.constant(new int[] {-1, pooled * pooled * FILTERS}));
  }

  @Override
  public List<CompressedWeight> compressedMatrices() {
    return head.compressedMatrices();
  }

  @Override
  public List<Variable<TFloat32>> uncompressedVariables() {
    List<Variable<TFloat32>> vars = new ArrayList<>();
    for (Conv c : convs) {
      vars.add(c.filter());
      vars.add(c.bias());
    }
    vars.addAll(head.uncompressedVariables());
    return vars;
  }

  /** The filters as (5·5·channels)×64 matrices, always dense, then the fully connected kernels. */
  @Override
  public CompressionReport report(Session session) {
    List<CompressionReport.Entry> entries = new ArrayList<>();
    for (Conv c : convs) {
      Shape s = c.filter().shape();
      entries.add(CompressionReport.dense(c.filter().op().name(), (int) (s.get(0) * s.get(1) * s.get(2)),
          (int) s.get(3)));
    }
    entries.addAll(head.report(session).matrices());
    return new CompressionReport(entries);
  }

  @Override
  public long biasParams() {
    return convs.stream().mapToLong(c -> c.bias().shape().get(0)).sum() + head.biasParams();
  }
}
