package org.matcomp.savedmodel.finetune;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.matcomp.savedmodel.trace.GraphIndex;
import org.matcomp.savedmodel.trace.Location;
import org.matcomp.savedmodel.trace.TensorRef;
import org.matcomp.savedmodel.trace.VariableInfo;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;

/**
 * What a flat graph reads and what blocks its gradients, found by data flow alone: which nodes read each variable,
 * and which control-flow nodes depend on a variable.
 */
final class FlatGraphAnalysis {
  /** The ops that read a resource variable's value; a replay substitutes the caller's value for them. */
  static final Set<String> RESOURCE_READS = Set.of("ReadVariableOp", "ResourceGather");

  /**
   * Control flow without a C++ gradient: the functional ops, and TF1's dataflow loops and conditionals (whose
   * gradients exist only in Python).
   */
  static final Set<String> NO_GRADIENT_CONTROL_FLOW = Set.of("While", "StatelessWhile", "If", "StatelessIf", "Case",
      "StatelessCase", "Enter", "RefEnter", "Exit", "RefExit", "NextIteration", "RefNextIteration", "Switch",
      "RefSwitch", "Merge", "RefMerge", "LoopCond");

  private FlatGraphAnalysis() {}

  static Map<String, FlatVariable> variables(Map<String, NodeDef> nodes) {
    Map<String, List<String>> reads = new LinkedHashMap<>();
    Map<String, List<String>> others = new LinkedHashMap<>();
    for (NodeDef n : nodes.values()) {
      if (VariableInfo.isVariable(n)) {
        reads.put(n.getName(), new ArrayList<>());
        others.put(n.getName(), new ArrayList<>());
      }
    }
    for (NodeDef n : nodes.values()) {
      List<String> data = dataInputs(n);
      for (int k = 0; k < data.size(); k++) {
        NodeDef source = nodes.get(resourceSource(nodes, data.get(k)));
        if (source == null || !VariableInfo.isVariable(source)) {
          continue;
        }
        VariableInfo v = VariableInfo.of(source);
        List<String> kind = isRead(n, k, v) ? reads.get(v.name()) : others.get(v.name());
        if (!passesResourceOn(n, k) && !kind.contains(n.getName())) {
          kind.add(n.getName());
        }
      }
    }
    Map<String, FlatVariable> out = new LinkedHashMap<>();
    for (String name : reads.keySet()) {
      if (!reads.get(name).isEmpty() || !others.get(name).isEmpty()) {
        out.put(name, new FlatVariable(VariableInfo.of(nodes.get(name)), reads.get(name), others.get(name)));
      }
    }
    return out;
  }

  /** Control-flow nodes on a path from a variable: each depends on the variables listed. */
  static List<TrainingBlocker> blockers(Map<String, NodeDef> nodes) {
    List<TrainingBlocker> out = new ArrayList<>();
    for (NodeDef n : nodes.values()) {
      if (!NO_GRADIENT_CONTROL_FLOW.contains(n.getOp())) {
        continue;
      }
      Set<String> vars = upstreamVariables(nodes, n);
      if (!vars.isEmpty()) {
        out.add(new TrainingBlocker(n.getName(), n.getOp(), List.copyOf(vars)));
      }
    }
    return out;
  }

  private static Set<String> upstreamVariables(Map<String, NodeDef> nodes, NodeDef from) {
    Set<String> vars = new LinkedHashSet<>();
    Set<String> seen = new HashSet<>();
    Deque<String> work = new ArrayDeque<>();
    dataInputs(from).forEach(t -> work.push(FlatGraph.nodeOf(t)));
    while (!work.isEmpty()) {
      String name = work.pop();
      if (!seen.add(name)) {
        continue;
      }
      NodeDef n = nodes.get(name);
      if (VariableInfo.isVariable(n)) {
        vars.add(name);
      }
      dataInputs(n).forEach(t -> work.push(FlatGraph.nodeOf(t)));
    }
    return vars;
  }

  /** The data inputs of a flat node, in order. */
  static List<String> dataInputs(NodeDef n) {
    return GraphIndex.dataInputs(n, Location.TOP).stream().map(r -> r.node() + ":" + r.index()).toList();
  }

  /**
   * The node a tensor comes from, looking through Identity / IdentityN that only pass a resource handle on (a function
   * body may forward a captured variable that way before reading it).
   */
  static String resourceSource(Map<String, NodeDef> nodes, String tensor) {
    TensorRef ref = TensorRef.parse(tensor, Location.TOP);
    for (int hops = 0; hops <= nodes.size(); hops++) {
      NodeDef n = nodes.get(ref.node());
      if (n == null || !passesResourceOn(n, ref.index())) {
        return ref.node();
      }
      List<TensorRef> in = GraphIndex.dataInputs(n, Location.TOP);
      ref = in.get(n.getOp().equals("Identity") ? 0 : ref.index());
    }
    throw new IllegalArgumentException("a cycle of Identity nodes passes tensor " + tensor);
  }

  /** True if output/input {@code k} of {@code n} is an Identity(N) of a resource handle. */
  private static boolean passesResourceOn(NodeDef n, int k) {
    if (n.getOp().equals("Identity")) {
      return n.getAttrOrDefault("T", AttrValue.getDefaultInstance()).getType() == DataType.DT_RESOURCE;
    }
    if (n.getOp().equals("IdentityN")) {
      List<DataType> types = n.getAttrOrDefault("T", AttrValue.getDefaultInstance()).getList().getTypeList();
      return k < types.size() && types.get(k) == DataType.DT_RESOURCE;
    }
    return false;
  }

  /** Whether input {@code k} of {@code n}, which is variable {@code v}, only reads the variable's value. */
  private static boolean isRead(NodeDef n, int k, VariableInfo v) {
    if (v.isResource()) {
      return RESOURCE_READS.contains(n.getOp()) && k == 0;
    }
    // a ref variable is read by any consumer that takes its input by value (Identity, or Conv2D on the ref)
    return !refInput(n, k).orElse(true);
  }

  /** Whether input {@code k} of {@code n} is a ref argument (an assignment); empty if the op is unknown. */
  static Optional<Boolean> refInput(NodeDef n, int k) {
    Optional<OpDef> op = OpArgs.registered(n.getOp());
    if (op.isEmpty()) {
      return Optional.empty();
    }
    List<Integer> lengths = OpArgs.lengths(n, op.get(), op.get().getInputArgList());
    int offset = 0;
    for (int i = 0; i < lengths.size(); i++) {
      offset += lengths.get(i);
      if (k < offset) {
        return Optional.of(op.get().getInputArg(i).getIsRef());
      }
    }
    return Optional.empty();
  }
}
