package org.matcomp.savedmodel.finetune;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.matcomp.savedmodel.trace.GraphIndex;
import org.matcomp.savedmodel.trace.GraphPruner;
import org.matcomp.savedmodel.trace.Location;
import org.matcomp.savedmodel.trace.TensorRef;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;

/**
 * Inlines every function call ({@code StatefulPartitionedCall}, {@code PartitionedCall}, or a node whose op is a
 * library function) into one flat graph, recursively, so that {@code Graph.addGradients} sees the ops themselves:
 * TensorFlow has no C++ gradient through a call with respect to the resources it captures.
 *
 * <p>A call node {@code c} becomes its callee's body nodes, renamed {@code c/<body node>}. Its consumers are rewritten
 * to read the callee's return values directly: {@code c:k} becomes the flat tensor that the callee's {@code ret} k
 * names. The call is not replaced by an {@code IdentityN} of the same name, though that would rewrite nothing: TF 2.18
 * has no C++ gradient for IdentityN, so every path from a weight to the loss would be cut. A {@code NoOp} named
 * {@code c} remains so that a control input {@code ^c} still waits for the returned values and the body's
 * {@code control_ret} side effects.
 *
 * <p>Inside a body, an argument name becomes the caller's input at that argument's position, and
 * {@code node:outarg:i} becomes {@code c/node:k} with k the flat output position (from the op's OpDef: argument lists
 * with a {@code number_attr} or {@code type_list_attr} span several outputs). If the call has control inputs, a
 * {@code c/input_control_node} NoOp carries them to every body node that starts the body's computation (one with no
 * inputs or one that reads an argument), as TensorFlow's own inliner does.
 *
 * <p>Functional control flow ({@code While}, {@code If}, {@code Case} and their stateless forms) is kept as one node
 * with its function attributes: a loop cannot be inlined, and {@link FlatGraph} reports it when it stands between a
 * weight and an output.
 */
final class FunctionInliner {
  /** Colocation constraints name body nodes by their old names; they only place ops and are dropped. */
  private static final String COLOCATION_ATTR = "_class";

  private final GraphIndex index;
  private final List<NodeDef> flat = new ArrayList<>();
  private final Set<String> names = new HashSet<>();
  private final Deque<String> callStack = new ArrayDeque<>();
  /** A call's output ({@code c:k}) → the flat tensor it returns, both canonical ({@code node:index}). */
  private final Map<String, String> aliases = new HashMap<>();

  /** The flat graph and where the tensors asked for ended up in it. */
  record Inlined(GraphDef graph, Map<String, String> tensors) {}

  private FunctionInliner(GraphDef graph) {
    this.index = new GraphIndex(graph);
  }

  /**
   * The flat graph of what {@code tensors} (top-level tensor names: the signature's inputs and outputs) need:
   * top-level nodes kept by name, calls inlined, and the library cut to the functions control-flow nodes still name.
   */
  static Inlined inline(GraphDef graph, Collection<String> tensors) {
    Map<String, NodeDef> top = new LinkedHashMap<>();
    graph.getNodeList().forEach(n -> top.put(n.getName(), n));
    Set<String> roots = new LinkedHashSet<>();
    tensors.forEach(t -> roots.add(nodeOf(t)));
    Set<String> needed = reachable(top, roots);
    FunctionInliner inliner = new FunctionInliner(graph);
    for (NodeDef n : graph.getNodeList()) {
      if (!needed.contains(n.getName())) {
        continue;
      }
      if (inliner.isCall(n)) {
        List<String> data = new ArrayList<>();
        List<String> control = new ArrayList<>();
        for (String in : n.getInputList()) {
          (in.startsWith("^") ? control : data).add(in);
        }
        inliner.inlineCall(n, n.getName(), data, control);
      } else {
        inliner.add(n);
      }
    }
    Map<String, String> resolved = new LinkedHashMap<>();
    tensors.forEach(t -> resolved.put(t, inliner.resolve(t)));
    Map<String, NodeDef> flatByName = new LinkedHashMap<>();
    for (NodeDef n : inliner.flat) {
      NodeDef.Builder b = n.toBuilder().clearInput();
      for (String in : n.getInputList()) {
        b.addInput(in.startsWith("^") ? in : TensorRef.format(Location.TOP, nodeOf(inliner.resolve(in)), null,
            TensorRef.parse(inliner.resolve(in), Location.TOP).index()));
      }
      flatByName.put(n.getName(), b.build());
    }
    roots.clear();
    resolved.values().forEach(t -> roots.add(nodeOf(t)));
    Set<String> kept = reachable(flatByName, roots);
    GraphDef.Builder out = graph.toBuilder().clearNode();
    flatByName.values().stream().filter(n -> kept.contains(n.getName())).forEach(out::addNode);
    return new Inlined(GraphPruner.withReachableLibrary(out.build()), resolved);
  }

  /** The flat tensor a tensor name stands for, following call outputs to what the callee returned. */
  private String resolve(String tensor) {
    String t = canonical(tensor);
    for (int hops = 0; aliases.containsKey(t); hops++) {
      if (hops > aliases.size()) {
        throw new IllegalStateException("call outputs alias each other in a cycle at " + tensor);
      }
      t = aliases.get(t);
    }
    return t;
  }

  /** {@code node:index}, the one spelling of a top-level tensor name used as a key. */
  static String canonical(String tensor) {
    TensorRef ref = TensorRef.parse(tensor, Location.TOP);
    return ref.node() + ":" + ref.index();
  }

  private static String nodeOf(String tensor) {
    return TensorRef.parse(tensor, Location.TOP).node();
  }

  /** The nodes {@code roots} depend on through data and control inputs, in a graph whose inputs are flat names. */
  static Set<String> reachable(Map<String, NodeDef> nodes, Collection<String> roots) {
    Set<String> seen = new LinkedHashSet<>();
    Deque<String> work = new ArrayDeque<>(roots);
    while (!work.isEmpty()) {
      String name = work.pop();
      if (!seen.add(name)) {
        continue;
      }
      NodeDef n = nodes.get(name);
      if (n == null) {
        throw new IllegalArgumentException("the graph has no node '" + name + "'");
      }
      for (String in : n.getInputList()) {
        work.push(TensorRef.parse(in, Location.TOP).node());
      }
    }
    return seen;
  }

  private boolean isCall(NodeDef n) {
    return GraphIndex.isCall(n) || index.functions().containsKey(n.getOp());
  }

  private String callee(NodeDef n) {
    return GraphIndex.isCall(n) ? GraphIndex.callee(n) : n.getOp();
  }

  /**
   * Replaces the call {@code call}, to be named {@code name} in the flat graph, by its callee's body; {@code data}
   * and {@code control} are its inputs already in flat syntax.
   */
  private void inlineCall(NodeDef call, String name, List<String> data, List<String> control) {
    String fname = callee(call);
    FunctionDef f = index.function(fname);
    if (callStack.contains(fname)) {
      throw new IllegalArgumentException("function '" + fname + "' calls itself (through " + callStack
          + "); a recursive function cannot be inlined");
    }
    OpDef sig = f.getSignature();
    if (data.size() != sig.getInputArgCount()) {
      throw new IllegalArgumentException("call '" + call.getName() + "' passes " + data.size() + " inputs to '"
          + fname + "', which takes " + sig.getInputArgCount());
    }
    callStack.push(fname);
    Location where = Location.function(fname);
    Map<String, String> args = new LinkedHashMap<>();
    for (int i = 0; i < sig.getInputArgCount(); i++) {
      args.put(sig.getInputArg(i).getName(), data.get(i));
    }
    Map<String, NodeDef> body = new LinkedHashMap<>();
    f.getNodeDefList().forEach(n -> body.put(n.getName(), n));
    String gate = null;
    if (!control.isEmpty()) {
      gate = name + "/input_control_node";
      add(NodeDef.newBuilder().setName(gate).setOp("NoOp").addAllInput(control).build());
    }
    for (NodeDef b : f.getNodeDefList()) {
      List<String> bodyData = new ArrayList<>();
      List<String> bodyControl = new ArrayList<>();
      boolean readsArgument = false;
      for (String in : b.getInputList()) {
        TensorRef ref = TensorRef.parse(in, where);
        if (ref.control()) {
          bodyControl.add("^" + name + "/" + ref.node());
        } else if (ref.isArgument()) {
          bodyData.add(argument(args, ref.node(), fname));
          readsArgument = true;
        } else {
          bodyData.add(bodyTensor(body, name, fname, ref));
        }
      }
      if (gate != null && (readsArgument || b.getInputCount() == 0)) {
        bodyControl.add("^" + gate);
      }
      String flatName = name + "/" + b.getName();
      if (isCall(b)) {
        inlineCall(b, flatName, bodyData, bodyControl);
      } else {
        add(b.toBuilder().setName(flatName).clearInput().addAllInput(bodyData).addAllInput(bodyControl)
            .removeAttr(COLOCATION_ATTR).build());
      }
    }
    // output k of the call is the callee's return value k; "^call" waits for the returned values and control_ret
    NodeDef.Builder done = NodeDef.newBuilder().setName(name).setOp("NoOp");
    for (int k = 0; k < sig.getOutputArgCount(); k++) {
      String ret = f.getRetOrThrow(sig.getOutputArg(k).getName());
      TensorRef ref = TensorRef.parse(ret, where);
      String value = ref.isArgument() ? argument(args, ref.node(), fname) : bodyTensor(body, name, fname, ref);
      aliases.put(canonical(name + ":" + k), canonical(value));
      done.addInput("^" + TensorRef.parse(value, Location.TOP).node());
    }
    for (String node : sig.getControlOutputList()) {
      done.addInput("^" + name + "/" + f.getControlRetOrDefault(node, node));
    }
    add(done.build());
    callStack.pop();
  }

  private static String argument(Map<String, String> args, String arg, String function) {
    String in = args.get(arg);
    if (in == null) {
      throw new IllegalArgumentException("function '" + function + "' reads '" + arg + "', which is neither one of"
          + " its arguments nor a node of its body");
    }
    return in;
  }

  /** {@code node:outarg:i} of a body inlined under {@code prefix}, as a flat tensor name. */
  private String bodyTensor(Map<String, NodeDef> body, String prefix, String function, TensorRef ref) {
    NodeDef producer = body.get(ref.node());
    if (producer == null) {
      throw new IllegalArgumentException("function '" + function + "' reads node '" + ref.node()
          + "', which its body lacks");
    }
    OpDef op;
    if (index.functions().containsKey(producer.getOp())) {
      op = index.function(producer.getOp()).getSignature();
    } else {
      op = OpArgs.registered(producer.getOp()).orElseThrow(() -> new IllegalArgumentException("node '"
          + producer.getName() + "' in function '" + function + "' uses op '" + producer.getOp()
          + "', which this TensorFlow runtime does not register"));
    }
    int k = OpArgs.flatOutput(producer, op, ref.outputArg(), ref.index());
    return TensorRef.format(Location.TOP, prefix + "/" + producer.getName(), null, k);
  }

  private void add(NodeDef n) {
    if (!names.add(n.getName())) {
      throw new IllegalArgumentException("inlining names two nodes '" + n.getName() + "'; the graph already has a"
          + " node where a function body's node would go");
    }
    flat.add(n);
  }
}
