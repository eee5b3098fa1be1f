package org.matcomp.savedmodel.finetune;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.matcomp.savedmodel.rewrite.Attrs;
import org.matcomp.savedmodel.trace.Location;
import org.matcomp.savedmodel.trace.TensorRef;
import org.matcomp.savedmodel.trace.VariableInfo;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.GraphOperationBuilder;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;

/**
 * Re-creates a {@link FlatGraph}'s forward computation in a caller's {@link Graph}, op by op, under a name prefix,
 * with the signature's inputs and the variables' values supplied by the caller. The caller owns the variables: a
 * read of variable v (ReadVariableOp, a ResourceGather's table, any value use of a VariableV2) yields the value the
 * caller gave for v, so variable nodes are never replayed and one forward graph can be replayed several times (once
 * per training phase) over the same variables. Values must be values, not refs: TF Java 1.1.0 cannot build some ops
 * (BatchMatMulV2) on a ref input, so pass {@code Identity(variable)}, not the VariableV2 itself.
 *
 * <p>Refused, with the node and op named: nodes a value substitution cannot stand in for (another use of a
 * variable's handle or ref, an unfed Placeholder), ops with function-valued attributes (control flow, whose bodies
 * live in a library this replay does not carry), and ops this runtime does not register. Attributes starting with
 * {@code _} (colocation, shape hints) are TensorFlow's bookkeeping and are not carried.
 */
public final class GraphReplay {
  private final FlatGraph flat;
  private final Graph graph;
  private final String prefix;
  /** Flat tensor name ({@code node:index}) → its value in the caller's graph. */
  private final Map<String, Output<?>> tensors = new HashMap<>();
  /** Flat node name → the caller's op standing for it (control inputs name these). */
  private final Map<String, Operation> ops = new HashMap<>();
  /** Resource variable name → the caller's value, for ResourceGather. */
  private final Map<String, Output<?>> values = new HashMap<>();
  /** Variable name → x ↦ x·W computed the caller's way, for plain MatMuls that read the variable. */
  private Map<String, UnaryOperator<Output<?>>> products = Map.of();

  private GraphReplay(FlatGraph flat, Graph graph, String prefix) {
    this.flat = flat;
    this.graph = graph;
    this.prefix = prefix;
  }

  /**
   * Replays {@code flat} into {@code graph}; op names are {@code prefix/<flat name>}.
   *
   * @param inputs a value for every signature input, by signature input name
   * @param variables a value for every variable in {@link FlatGraph#variables()}, by variable name, of its dtype
   * @return the signature's outputs, by signature output name
   */
  public static Map<String, Output<?>> replay(FlatGraph flat, Graph graph, String prefix,
      Map<String, ? extends Operand<?>> inputs, Map<String, ? extends Operand<?>> variables) {
    return replay(flat, graph, prefix, inputs, variables, Map.of());
  }

  /**
   * As {@link #replay(FlatGraph, Graph, String, Map, Map)}, and each {@code MatMul(x, W)} (no transposes) whose W is
   * a read of a variable in {@code products} becomes {@code products.get(variable).apply(x)}: the caller multiplies
   * by its weight its own way (a low-rank weight as (x·B)·C, never rebuilding W).
   */
  public static Map<String, Output<?>> replay(FlatGraph flat, Graph graph, String prefix,
      Map<String, ? extends Operand<?>> inputs, Map<String, ? extends Operand<?>> variables,
      Map<String, UnaryOperator<Output<?>>> products) {
    checkArgument(!prefix.isEmpty() && !prefix.endsWith("/"), "replay prefix '%s' must be a non-empty scope name",
        prefix);
    checkArgument(inputs.keySet().equals(flat.inputs().keySet()), "signature '%s' takes inputs %s, given %s",
        flat.signatureKey(), flat.inputs().keySet(), inputs.keySet());
    checkArgument(variables.keySet().equals(flat.variables().keySet()), "signature '%s' reads variables %s, given"
        + " values for %s", flat.signatureKey(), flat.variables().keySet(), variables.keySet());
    checkArgument(variables.keySet().containsAll(products.keySet()), "products for variables %s the signature does"
        + " not read", products.keySet());
    GraphReplay r = new GraphReplay(flat, graph, prefix);
    r.products = Map.copyOf(products);
    r.substitute(inputs, variables);
    r.build();
    Map<String, Output<?>> out = new TreeMap<>();
    flat.outputs().forEach((name, tensor) -> out.put(name, r.tensor(tensor, "signature output '" + name + "'")));
    return out;
  }

  private void substitute(Map<String, ? extends Operand<?>> inputs, Map<String, ? extends Operand<?>> variables) {
    flat.inputs().forEach((name, tensor) -> {
      NodeDef placeholder = flat.node(FlatGraph.nodeOf(tensor));
      Output<?> given = inputs.get(name).asOutput();
      DataType want = placeholder.getAttrOrDefault("dtype", AttrValue.getDefaultInstance()).getType();
      checkArgument(want == DataType.DT_INVALID || given.dataType() == want, "signature input '%s' is %s, given %s",
          name, want, given.dataType());
      tensors.put(tensor, given);
      ops.put(placeholder.getName(), given.op());
    });
    for (FlatVariable v : flat.variables().values()) {
      Output<?> given = variables.get(v.name()).asOutput();
      VariableInfo info = v.variable();
      checkArgument(!VariableInfo.isVariableOp(given.op().type()), "the value given for variable %s is the %s %s"
          + " itself; give a value (e.g. Identity of it): TF Java cannot build some ops on a ref input",
          v.name(), given.op().type(), given.op().name());
      checkArgument(given.dataType() == info.dtype(), "variable %s is %s, given a value of %s", v.name(),
          info.dtype(), given.dataType());
      if (info.isResource()) {
        values.put(v.name(), given);
        for (String read : v.reads()) {
          if (flat.node(read).getOp().equals("ReadVariableOp")) {
            tensors.put(read + ":0", given);
            ops.put(read, given.op());
          }
        }
      } else {
        tensors.put(v.name() + ":0", given);
        ops.put(v.name(), given.op());
      }
    }
  }

  /** Builds, in dependency order, every flat node the outputs need that no substitution stands for. */
  private void build() {
    for (String name : order()) {
      NodeDef n = flat.node(name);
      Optional<String> weight = productWeight(n);
      if (weight.isPresent()) {
        Output<?> y = products.get(weight.get()).apply(input(n, FlatGraphAnalysis.dataInputs(n).get(0)));
        tensors.put(name + ":0", y);
        ops.put(name, y.op());
        continue;
      }
      GraphOperation op = n.getOp().equals("ResourceGather") ? gather(n) : replayNode(n);
      ops.put(name, op);
    }
  }

  /** The variable a plain {@code MatMul(x, W)} multiplies by, when the caller gave its own product for it. */
  private Optional<String> productWeight(NodeDef n) {
    if (products.isEmpty() || !n.getOp().equals("MatMul") || n.getInputCount() != 2
        || n.getAttrOrDefault("transpose_a", Attrs.bool(false)).getB()
        || n.getAttrOrDefault("transpose_b", Attrs.bool(false)).getB()) {
      return Optional.empty();
    }
    TensorRef w = TensorRef.parse(n.getInput(1), Location.TOP);
    if (w.index() != 0) {
      return Optional.empty();
    }
    for (FlatVariable v : flat.variables().values()) {
      if (products.containsKey(v.name()) && (v.reads().contains(w.node()) || v.name().equals(w.node()))) {
        NodeDef read = flat.node(w.node());
        boolean value = read.getOp().equals("ReadVariableOp") || read.getOp().equals("Identity")
            || VariableInfo.isVariable(read);
        return value ? Optional.of(v.name()) : Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** Needed nodes, inputs before consumers; a control input on a variable's handle is dropped (it only creates it). */
  private List<String> order() {
    List<String> order = new ArrayList<>();
    Set<String> done = new HashSet<>();
    Set<String> onPath = new HashSet<>();
    Deque<String[]> work = new ArrayDeque<>();
    for (String t : flat.outputs().values()) {
      work.push(new String[] {FlatGraph.nodeOf(t), null});
    }
    while (!work.isEmpty()) {
      String[] top = work.peek();
      String name = top[0];
      if (done.contains(name) || ops.containsKey(name)) {
        work.pop();
        continue;
      }
      if (top[1] == null) {
        top[1] = "entered";
        if (!onPath.add(name)) {
          throw new IllegalArgumentException("node '" + name + "' (" + flat.node(name).getOp() + ") is on a cycle;"
              + " TF1 dataflow loops cannot be replayed");
        }
        NodeDef n = flat.node(name);
        checkReplayable(n);
        boolean gather = n.getOp().equals("ResourceGather");
        for (String in : n.getInputList()) {
          TensorRef ref = TensorRef.parse(in, Location.TOP);
          if (ref.control() && VariableInfo.isVariable(flat.node(ref.node()))) {
            continue;
          }
          if (gather) {
            gather = false; // the table: the caller's value stands for it
            continue;
          }
          if (!done.contains(ref.node()) && !ops.containsKey(ref.node())) {
            work.push(new String[] {ref.node(), null});
          }
        }
      } else {
        work.pop();
        onPath.remove(name);
        done.add(name);
        order.add(name);
      }
    }
    return order;
  }

  private void checkReplayable(NodeDef n) {
    if (VariableInfo.isVariable(n)) {
      throw refuse(n, "a variable is used other than by reading its value (by " + consumersOf(n.getName()) + ")");
    }
    if (n.getOp().equals("Placeholder")) {
      throw refuse(n, "it is a Placeholder that is not one of the signature's inputs");
    }
    if (n.getOp().equals("ResourceGather") && !VariableInfo.isVariable(flat.node(
        FlatGraphAnalysis.resourceSource(flat.nodes(), FlatGraphAnalysis.dataInputs(n).get(0))))) {
      throw refuse(n, "its table is not a variable of the model");
    }
    for (Map.Entry<String, AttrValue> a : n.getAttrMap().entrySet()) {
      if (!a.getKey().startsWith("_") && (a.getValue().hasFunc() || a.getValue().getList().getFuncCount() > 0)) {
        throw refuse(n, "its attribute '" + a.getKey() + "' names a function, which a replay does not carry");
      }
    }
  }

  private List<String> consumersOf(String node) {
    List<String> out = new ArrayList<>();
    for (NodeDef n : flat.nodes().values()) {
      for (String in : n.getInputList()) {
        if (TensorRef.parse(in, Location.TOP).node().equals(node) && !out.contains(n.getName())) {
          out.add(n.getName() + " (" + n.getOp() + ")");
        }
      }
    }
    return out;
  }

  private GraphOperation replayNode(NodeDef n) {
    OpDef op = OpArgs.registered(n.getOp()).orElseThrow(() -> refuse(n, "this TensorFlow runtime does not register"
        + " the op"));
    List<String> data = FlatGraphAnalysis.dataInputs(n);
    List<Integer> lengths = OpArgs.lengths(n, op, op.getInputArgList());
    int total = lengths.stream().mapToInt(Integer::intValue).sum();
    if (total != data.size()) {
      throw refuse(n, "it has " + data.size() + " data inputs where its op's arguments take " + total);
    }
    GraphOperationBuilder b = graph.opBuilder(n.getOp(), scoped(n.getName()), graph.baseScope());
    int k = 0;
    for (int i = 0; i < op.getInputArgCount(); i++) {
      OpDef.ArgDef arg = op.getInputArg(i);
      Output<?>[] group = new Output<?>[lengths.get(i)];
      for (int j = 0; j < group.length; j++) {
        group[j] = input(n, data.get(k++));
      }
      if (arg.getNumberAttr().isEmpty() && arg.getTypeListAttr().isEmpty()) {
        b.addInput(group[0]);
      } else {
        b.addInputList(group);
      }
    }
    return finish(n, b);
  }

  /** ResourceGather(table, indices) on a caller's value: GatherV2(value, indices, axis 0), same batch_dims. */
  private GraphOperation gather(NodeDef n) {
    List<String> data = FlatGraphAnalysis.dataInputs(n);
    String variable = FlatGraphAnalysis.resourceSource(flat.nodes(), data.get(0));
    Output<?> table = values.get(variable);
    Output<?> indices = input(n, data.get(1));
    GraphOperationBuilder axisBuilder = graph.opBuilder("Const", scoped(n.getName()) + "/axis", graph.baseScope())
        .setAttr("dtype", DataType.DT_INT32);
    axisBuilder.setAttr("value", Attrs.int32Scalar(0));
    GraphOperation axis = axisBuilder.build();
    GraphOperationBuilder b = graph.opBuilder("GatherV2", scoped(n.getName()), graph.baseScope())
        .addInput(table).addInput(indices).addInput(axis.output(0))
        .setAttr("batch_dims", n.getAttrOrDefault("batch_dims", Attrs.integer(0)).getI());
    return finish(n, b);
  }

  private GraphOperation finish(NodeDef n, GraphOperationBuilder b) {
    if (!n.getOp().equals("ResourceGather")) {
      new TreeMap<>(n.getAttrMap()).forEach((key, value) -> {
        if (!key.startsWith("_")) {
          b.setAttr(key, value);
        }
      });
    }
    for (String in : n.getInputList()) {
      TensorRef ref = TensorRef.parse(in, Location.TOP);
      if (ref.control() && ops.containsKey(ref.node())) {
        b.addControlInput(ops.get(ref.node()));
      }
    }
    if (!n.getDevice().isEmpty()) {
      b.setDevice(n.getDevice());
    }
    try {
      return b.build();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cannot replay node '" + n.getName() + "' (" + n.getOp() + "): "
          + e.getMessage(), e);
    }
  }

  private Output<?> input(NodeDef consumer, String tensor) {
    return tensor(tensor, "node '" + consumer.getName() + "' (" + consumer.getOp() + ")");
  }

  private Output<?> tensor(String tensor, String reader) {
    TensorRef ref = TensorRef.parse(tensor, Location.TOP);
    Output<?> t = tensors.get(ref.node() + ":" + ref.index());
    if (t != null) {
      return t;
    }
    Operation op = ops.get(ref.node());
    if (op == null || op.numOutputs() <= ref.index()) {
      throw new IllegalArgumentException(reader + " reads " + tensor + ", which the replay did not produce");
    }
    return op.output(ref.index());
  }

  private String scoped(String node) {
    return prefix + "/" + node;
  }

  private IllegalArgumentException refuse(NodeDef n, String why) {
    return new IllegalArgumentException("cannot replay node '" + n.getName() + "' (" + n.getOp() + ") of signature '"
        + flat.signatureKey() + "': " + why);
  }
}
