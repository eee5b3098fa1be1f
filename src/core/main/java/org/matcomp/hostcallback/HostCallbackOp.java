package org.matcomp.hostcallback;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.matcomp.nativelib.NativeAbi;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.RawOp;
import org.tensorflow.op.Scope;
import org.tensorflow.op.core.EnsureShape;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.family.TType;

/**
 * A graph node that runs a Java {@link HostCallback} inside {@code Session.run}: TF Java's counterpart of Python's
 * {@code tf.py_function}. The op is {@code MatcompHostCallback(input: Tin) -> output: Tout} with attribute
 * {@code callback}, the name of a callback in {@link HostCallbacks}. It is stateful (never folded, merged or cached)
 * and runs on CPU only.
 *
 * <pre>{@code
 * Ops tf = Ops.create(graph);
 * HostCallbackOp twice = HostCallbackOp.create(tf, List.of(x), List.of(TFloat32.class), List.of(Shape.of(3)),
 *     call -> {
 *       float[] v = call.input(0).toFloatArray();
 *       for (int i = 0; i < v.length; i++) v[i] *= 2;
 *       call.setOutput(0, v, call.input(0).shape());
 *     });
 * Output<TFloat32> y = twice.output(0, TFloat32.class);
 * }</pre>
 *
 * <p>Output shapes are chosen by the callback at run time, so at graph time they are unknown
 * ({@code Output.shape().isUnknown()}). Passing {@code outputShapes} adds an {@code EnsureShape} node per output with
 * a (partly) known shape: graph construction then sees the shape, and a run whose callback returns another shape
 * fails. See {@link HostCallback} for the threading rules (notably: never run a session on the caller's thread pool
 * from inside a callback). No gradient is registered for the op, so {@code addGradients} cannot differentiate through
 * it; wrap it in {@code stopGradient} where it sits beside a differentiated path, or register a Java gradient.
 */
public final class HostCallbackOp extends RawOp implements Iterable<Operand<TType>> {
  /** The op type, as registered by the native library. */
  public static final String OP_NAME = NativeAbi.OP_NAME;

  private final String callbackName;
  private final List<Output<?>> outputs;

  private HostCallbackOp(Operation operation, String callbackName, List<Output<?>> outputs) {
    super(operation, OP_NAME);
    this.callbackName = callbackName;
    this.outputs = Collections.unmodifiableList(outputs);
  }

  /**
   * Registers {@code callback} under a fresh name and adds a node that calls it. The registration lasts for the life
   * of the JVM unless closed via {@code HostCallbacks.unregister(op.callbackName())}; register a stable name yourself
   * ({@link HostCallbacks#register(String, HostCallback)}) for graphs that are saved and reloaded.
   *
   * @param inputs tensors passed to the callback, of types float, double, int32, uint8, int64 or bool (a ref input,
   *     such as a {@code VariableV2} output, is read)
   * @param outputTypes one tensor class per output, e.g. {@code TFloat32.class}
   * @param outputShapes empty, or one shape per output ({@code Shape.unknown()} where not known)
   */
  public static HostCallbackOp create(Scope scope, List<? extends Operand<?>> inputs,
      List<Class<? extends TType>> outputTypes, List<Shape> outputShapes, HostCallback callback) {
    Objects.requireNonNull(callback, "callback");
    return create(scope, inputs, outputTypes, outputShapes, HostCallbacks.register(callback).name());
  }

  /** As {@link #create(Scope, List, List, List, HostCallback)}, with {@code tf.scope()}. */
  public static HostCallbackOp create(Ops tf, List<? extends Operand<?>> inputs,
      List<Class<? extends TType>> outputTypes, List<Shape> outputShapes, HostCallback callback) {
    return create(tf.scope(), inputs, outputTypes, outputShapes, callback);
  }

  /**
   * Adds a node that calls the callback registered as {@code callbackName}. The name need not be registered yet,
   * only when the node runs.
   */
  public static HostCallbackOp create(Scope scope, List<? extends Operand<?>> inputs,
      List<Class<? extends TType>> outputTypes, List<Shape> outputShapes, String callbackName) {
    checkArgument(callbackName != null && !callbackName.isEmpty(), "host callback name must be non-empty");
    checkArgument(outputShapes.isEmpty() || outputShapes.size() == outputTypes.size(),
        "host callback '%s': %s output shapes given for %s outputs", callbackName, outputShapes.size(),
        outputTypes.size());
    NativeLibrary.load();

    Output<?>[] inputOutputs = new Output<?>[inputs.size()];
    DataType[] tin = new DataType[inputs.size()];
    for (int i = 0; i < inputOutputs.length; i++) {
      inputOutputs[i] = inputs.get(i).asOutput();
      // A VariableV2 output is DT_FLOAT_REF; Tin must name the plain type TF reads it as.
      tin[i] = HostDType.of(inputOutputs[i].dataType()).dataType();
    }
    DataType[] tout = new DataType[outputTypes.size()];
    for (int i = 0; i < tout.length; i++) {
      tout[i] = HostDType.of(outputTypes.get(i)).dataType();
    }

    OperationBuilder builder = scope.opBuilder(OP_NAME, "HostCallback");
    builder.addInputList(inputOutputs);
    builder.setAttr("Tin", tin);
    builder.setAttr("Tout", tout);
    builder.setAttr("callback", callbackName);
    Operation operation = builder.build();

    List<Output<?>> outputs = new ArrayList<>(tout.length);
    for (int i = 0; i < tout.length; i++) {
      Output<?> out = operation.output(i);
      Shape shape = outputShapes.isEmpty() ? Shape.unknown() : outputShapes.get(i);
      outputs.add(shape.isUnknown() ? out : ensureShape(scope, operation, i, out, shape));
    }
    return new HostCallbackOp(operation, callbackName, outputs);
  }

  private static <T extends TType> Output<T> ensureShape(Scope scope, Operation op, int index, Output<T> out,
      Shape shape) {
    // withName takes a plain name; the scope re-adds any sub-scope prefix.
    String base = op.name().substring(op.name().lastIndexOf('/') + 1);
    return EnsureShape.create(scope.withName(base + "_shape" + index), out, shape).output();
  }

  /** The name of the callback this node calls (its {@code callback} attribute). */
  public String callbackName() {
    return callbackName;
  }

  /** The outputs, in {@code outputTypes} order (after {@code EnsureShape} where a shape was given). */
  public List<Output<?>> outputs() {
    return outputs;
  }

  public Output<?> output(int index) {
    return outputs.get(index);
  }

  /** Output {@code index} typed as {@code type}, which must be its declared type. */
  public <T extends TType> Output<T> output(int index, Class<T> type) {
    return outputs.get(index).expect(type);
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Iterator<Operand<TType>> iterator() {
    return (Iterator) outputs.iterator();
  }
}
