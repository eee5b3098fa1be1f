package org.matcomp.savedmodel.rewrite;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;
import org.matcomp.savedmodel.trace.ConsumerKind;
import org.matcomp.savedmodel.trace.MatrixView;
import org.matcomp.savedmodel.trace.ForwardPathTracer;

/**
 * What an {@link InferenceForm} needs to replace one consumer: the consumer node, which input carried the weight,
 * the matrix shape, references to the factor values readable at the consumer's location, and an emitter.
 */
public final class SiteContext {
  private final NodeDef consumer;
  private final ConsumerKind kind;
  private final int weightInput;
  private final long[] variableShape;
  private final int rows;
  private final int cols;
  private final List<String> factors;
  private final List<StoredFactor> stored;
  private final OpEmitter ops;
  private String outputArg;

  SiteContext(NodeDef consumer, ConsumerKind kind, int weightInput, long[] variableShape, int rows, int cols,
      List<String> factors, List<StoredFactor> stored, OpEmitter ops) {
    this.consumer = consumer;
    this.kind = kind;
    this.weightInput = weightInput;
    this.variableShape = variableShape.clone();
    this.rows = rows;
    this.cols = cols;
    this.factors = List.copyOf(factors);
    this.stored = List.copyOf(stored);
    this.ops = ops;
  }

  NodeDef consumer() {
    return consumer;
  }

  String name() {
    return consumer.getName();
  }

  ConsumerKind kind() {
    return kind;
  }

  int weightInput() {
    return weightInput;
  }

  long[] variableShape() {
    return variableShape.clone();
  }

  /** Rows of the matrix view (Conv2D: kh·kw·cin). */
  int rows() {
    return rows;
  }

  int cols() {
    return cols;
  }

  /** The value of stored factor {@code i}, readable at the consumer's location. */
  String factor(int i) {
    return factors.get(i);
  }

  /** The stored factors, in the order of {@link #factor(int)}. */
  List<StoredFactor> storedFactors() {
    return stored;
  }

  long[] factorShape(int i) {
    return stored.get(i).value().shape();
  }

  DataType factorDtype(int i) {
    return stored.get(i).value().dtype();
  }

  OpEmitter ops() {
    return ops;
  }

  /**
   * Says that the node named as the consumer gives its result as output {@code arg}, not under the consumer's own
   * output name (a MatMul's {@code product} served by a Transpose's {@code y}): references to it are renamed.
   */
  void resultIn(String arg) {
    this.outputArg = arg;
  }

  /** The output name set by {@link #resultIn}, if any. */
  java.util.Optional<String> resultOutputArg() {
    return java.util.Optional.ofNullable(outputArg);
  }

  /** The consumer's data inputs in order. */
  List<String> dataInputs() {
    List<String> in = new ArrayList<>();
    for (String s : consumer.getInputList()) {
      if (!s.startsWith("^")) {
        in.add(s);
      }
    }
    return in;
  }

  /** The input that is not the weight: x of a MatMul or Conv2D, the ids of a gather. */
  String otherInput() {
    List<String> in = dataInputs();
    return switch (kind) {
      case MATMUL, BATCH_MATMUL, EINSUM -> in.get(1 - weightInput);
      case CONV2D, DEPTHWISE -> in.get(0);
      case RESOURCE_GATHER, GATHER -> in.get(1);
    };
  }

  DataType indexType() {
    return consumer.containsAttr("Tindices") ? consumer.getAttrOrThrow("Tindices").getType() : DataType.DT_INT32;
  }

  boolean transposeA() {
    return ForwardPathTracer.flag(consumer, kind == ConsumerKind.BATCH_MATMUL ? "adj_x" : "transpose_a");
  }

  boolean transposeB() {
    return ForwardPathTracer.flag(consumer, kind == ConsumerKind.BATCH_MATMUL ? "adj_y" : "transpose_b");
  }

  /** How this consumer sees the weight as a matrix (the Einsum's axis order, the filter's shape). */
  MatrixView view() {
    MatrixView.Result r = MatrixView.of(kind, consumer, weightInput, variableShape);
    if (r.view() == null) {
      throw new IllegalStateException(consumer.getName() + ": " + r.problem()); // the tracer refused it already
    }
    return r.view();
  }

  /**
   * A copy of the consumer reading {@code weight} instead, without control inputs (the final node gets them) and
   * without {@code _output_shapes} (an intermediate copy may produce another shape).
   */
  NodeDef.Builder consumerWithWeight(String weight) {
    List<String> in = dataInputs();
    in.set(weightInput, weight);
    return consumer.toBuilder().clearInput().addAllInput(in).removeAttr("_output_shapes");
  }
}
