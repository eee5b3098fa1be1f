package org.matcomp.savedmodel.finetune;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.matcomp.cluster.PlacedAdam;
import org.matcomp.cluster.SyncReplicas;
import org.matcomp.cluster.VariablePlacement;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.operator.CompressedWeight;
import org.matcomp.operator.MatrixCompression;
import org.matcomp.operator.Phase;
import org.matcomp.savedmodel.export.TensorValue;
import org.matcomp.savedmodel.trace.MatrixView;
import org.matcomp.savedmodel.trace.WeightMatrix;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.train.GradientAggregation;
import org.matcomp.train.PhasedTrainer;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * The trainable graph of a SavedModel's signature: the flat forward graph replayed once per phase (and once more for
 * the post-hoc model), reading variables this graph owns — VariableV2s initialised from the checkpoint, and for each
 * chosen weight the operator's read of it in that phase, reshaped back to the variable's own layout — with a loss
 * and a metric on the trained output, and the phase-specialised train ops of {@link PhasedTrainer}.
 */
final class FineTuneGraph implements AutoCloseable {
  /** A chosen weight: the SavedModel's matrix and the operator that compresses it here. */
  record Chosen(WeightMatrix matrix, CompressedWeight weight) {}

  final Graph graph = new Graph();
  final Ops tf = Ops.create(graph);
  final Map<String, Output<?>> inputs = new LinkedHashMap<>();
  final Output<?> labels;
  final Map<String, Chosen> chosen = new LinkedHashMap<>();
  /** Every other float variable on the path, by the SavedModel's variable name. */
  final Map<String, Variable<TFloat32>> others = new LinkedHashMap<>();
  final Map<Phase, Operand<TFloat32>> outputs = new EnumMap<>(Phase.class);
  final Map<Phase, Operand<TFloat32>> metrics = new EnumMap<>(Phase.class);
  final Operand<TFloat32> postHocOutput;
  final Operand<TFloat32> postHocMetric;
  /** Scores an output computed elsewhere (the export's) with the same metric. */
  final Output<?> outsideOutput;
  final Operand<TFloat32> outsideMetric;
  final PhasedTrainer trainer;
  /** The gradient exchange of a cluster training in sync; null when each process applies its own gradients. */
  final SyncReplicas sync;
  private final List<Tensor> constants = new ArrayList<>();

  /**
   * @param values the checkpoint's value of every variable on the path
   * @param postHoc for each chosen weight, its matrix as {@code compress} alone would leave it
   * @param labelsType the dtype of the labels the loss takes
   * @param placement where the variables live (this process, or the parameter servers of a cluster)
   * @param synchronousReplicas how many replicas average their gradients each step; 0 when each applies its own
   */
  FineTuneGraph(FlatGraph flat, SignatureDef signature, TrainedOutput output, Loss loss,
      Map<String, TensorValue> values,
      Map<String, WeightMatrix> chosenMatrices, Map<String, FloatMatrix> postHoc, Map<String, CompressionSpec> specs,
      DataType labelsType, boolean freezeOthers, float learningRate, VariablePlacement placement,
      int synchronousReplicas) {
    for (Map.Entry<String, TensorInfo> in : signature.getInputsMap().entrySet()) {
      inputs.put(in.getKey(), placeholder("input_" + MatrixCompression.prefixOf(in.getKey()), in.getValue().getDtype(),
          shape(in.getValue())));
    }
    labels = placeholder("labels", labelsType, Shape.unknown());

    Set<String> names = new HashSet<>();
    Map<String, Operand<?>> fixed = new LinkedHashMap<>();
    for (FlatVariable v : flat.variables().values()) {
      TensorValue value = values.get(v.name());
      if (value == null) {
        throw new IllegalStateException("no checkpoint value for variable " + v.name());
      }
      String safe = unique(names, MatrixCompression.prefixOf(v.name()));
      WeightMatrix m = chosenMatrices.get(v.name());
      if (m != null) {
        float[] matrix = m.matrixValues(value.floats());
        Ops at = placement.forVariable(tf, v.name());
        Variable<TFloat32> a = at.withName(safe).variable(tf.constant(Shape.of(m.rows(), m.cols()),
            DataBuffers.of(matrix, true, false)));
        chosen.put(v.name(), new Chosen(m, MatrixCompression.compress(at, a, specs.get(v.name()))));
      } else if (value.dtype() == DataType.DT_FLOAT) {
        others.put(v.name(), placement.forVariable(tf, v.name()).withName(safe).variable(tf.constant(
            Shape.of(value.shape()), DataBuffers.of(value.floats(), true, false))));
      } else {
        // step counters, lookup keys: read as they were saved, never trained
        Tensor t = value.toTensor();
        constants.add(t);
        fixed.put(v.name(), tf.constantOf((TType) t));
      }
    }

    List<CompressedWeight> weights = chosen.values().stream().map(Chosen::weight).toList();
    List<Variable<TFloat32>> trained = freezeOthers ? List.of() : List.copyOf(others.values());
    sync = synchronousReplicas > 0 ? new SyncReplicas(graph, synchronousReplicas, placement.forTrainerState(tf))
        : null;
    trainer = trainer(weights, trained, placement, phase -> {
      Operand<TFloat32> y = forward(flat, output, "phase_" + phase.name().toLowerCase(), fixed, phase, null);
      outputs.put(phase, y);
      metrics.put(phase, loss.metric(tf, y, labels));
      return loss.build(tf, y, labels);
    }, learningRate);

    postHocOutput = forward(flat, output, "post_hoc", fixed, null, postHoc);
    postHocMetric = loss.metric(tf, postHocOutput, labels);
    outsideOutput = placeholder("scored_output", DataType.DT_FLOAT, Shape.unknown());
    outsideMetric = loss.metric(tf, outsideOutput.expect(TFloat32.class), labels);
  }

  /**
   * The train ops; an op on the path that TensorFlow has no C++ gradient for is the model's limit, not a failure of
   * matcomp's: it is refused as bad input, naming the op, with the post-hoc alternative.
   */
  private PhasedTrainer trainer(List<CompressedWeight> weights, List<Variable<TFloat32>> trained,
      VariablePlacement placement, java.util.function.Function<Phase, Operand<TFloat32>> lossOf,
      float learningRate) {
    Ops state = placement.forTrainerState(tf);
    try {
      // PlacedAdam, not the framework's Adam, whose bias correction races its own power update
      return new PhasedTrainer(graph, tf, weights, trained, lossOf,
          (g, name) -> new PlacedAdam(g, name, learningRate, state), state,
          sync == null ? GradientAggregation.LOCAL : sync);
    } catch (RuntimeException e) {
      String msg = String.valueOf(e.getMessage());
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("No gradient defined for op: (\\w+)").matcher(msg);
      if (m.find()) {
        throw new IllegalArgumentException("the model cannot be trained from the JVM: TensorFlow has no C++ gradient"
            + " for op " + m.group(1) + " on the path from the weights to the output; use compress (post hoc) for this"
            + " model", e);
      }
      throw e;
    }
  }

  /** One replay of the forward graph; chosen weights read as {@code phase} reads them, or as {@code postHoc}. */
  private Operand<TFloat32> forward(FlatGraph flat, TrainedOutput output, String prefix, Map<String, Operand<?>> fixed,
      Phase phase, Map<String, FloatMatrix> postHoc) {
    Map<String, Operand<?>> reads = new LinkedHashMap<>(fixed);
    others.forEach((name, v) -> reads.put(name, tf.withName(MatrixCompression.prefixOf(name) + "_" + prefix)
        .identity(v)));
    chosen.forEach((name, c) -> {
      Operand<TFloat32> matrix = postHoc == null ? c.weight().weight(tf, phase)
          : tf.constant(Shape.of(c.matrix().rows(), c.matrix().cols()),
              DataBuffers.of(postHoc.get(name).copyData(), true, false));
      reads.put(name, asVariable(matrix, c.matrix()));
    });
    // a plain x·W on a compressed weight is applied the operator's way ((x·B)·C for low rank), not through W
    Map<String, UnaryOperator<Output<?>>> products = new LinkedHashMap<>();
    if (postHoc == null) {
      chosen.forEach((name, c) -> {
        MatrixView view = c.matrix().sites().isEmpty() ? null : c.matrix().sites().get(0).view().view();
        if (c.matrix().variable().shape().length == 2 && (view == null || view.isIdentity())) {
          products.put(name, x -> c.weight().matmul(tf, x.expect(TFloat32.class), phase).asOutput());
        }
      });
    }
    Map<String, Output<?>> outs = GraphReplay.replay(flat, graph, prefix, inputs, reads, products);
    return outs.get(output.name()).expect(TFloat32.class);
  }

  /**
   * The rows×cols matrix back in the variable's own layout: the inverse of {@link MatrixView#toMatrix}, which
   * permutes the variable's axes and flattens them into rows and columns.
   */
  private Operand<TFloat32> asVariable(Operand<TFloat32> matrix, WeightMatrix m) {
    long[] shape = m.variable().shape();
    MatrixView view = m.sites().isEmpty() ? null : m.sites().get(0).view().view();
    if (view == null || view.isIdentity()) {
      return tf.reshape(matrix, tf.constant(shape));
    }
    int[] perm = view.permutation();
    int[] inverse = new int[perm.length];
    for (int i = 0; i < perm.length; i++) {
      inverse[perm[i]] = i;
    }
    Operand<TFloat32> permuted = tf.reshape(matrix, tf.constant(view.weightShape()));
    return tf.linalg.transpose(permuted, tf.constant(inverse));
  }

  private Output<?> placeholder(String name, DataType dtype, Shape shape) {
    return graph.opBuilder("Placeholder", name, graph.baseScope()).setAttr("dtype", dtype).setAttr("shape", shape)
        .build().output(0);
  }

  private static Shape shape(TensorInfo info) {
    if (!info.hasTensorShape() || info.getTensorShape().getUnknownRank()) {
      return Shape.unknown();
    }
    return Shape.of(info.getTensorShape().getDimList().stream().mapToLong(d -> d.getSize()).toArray());
  }

  private static String unique(Set<String> names, String name) {
    String n = name;
    for (int i = 1; !names.add(n); i++) {
      n = name + "_" + i;
    }
    return n;
  }

  /** The feeds of one batch: each signature input and the labels; the tensors made are added to {@code open}. */
  Map<Operand<?>, Tensor> feeds(TrainingData.Batch b, List<Tensor> open) {
    Map<Operand<?>, Tensor> feeds = new LinkedHashMap<>();
    for (Map.Entry<String, Output<?>> in : inputs.entrySet()) {
      Tensor t = b.inputs().get(in.getKey()).toTensor();
      open.add(t);
      feeds.put(in.getValue(), t);
    }
    Tensor t = b.labels().toTensor();
    open.add(t);
    feeds.put(labels, t);
    return feeds;
  }

  @Override
  public void close() {
    constants.forEach(Tensor::close);
    graph.close();
  }
}
