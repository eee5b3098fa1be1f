package org.matcomp.savedmodel.trace;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/**
 * Name lookups over a GraphDef and its function library: the top-level nodes, each function's body nodes and input
 * arguments. Read-only; rewriters build new protos and index them again.
 */
public final class GraphIndex {
  /** Ops that call a library function named by their {@code f} attribute, with the caller's inputs as arguments. */
  static final Set<String> CALL_OPS = Set.of("StatefulPartitionedCall", "PartitionedCall");

  private final GraphDef graph;
  private final Map<String, NodeDef> topLevel = new LinkedHashMap<>();
  private final Map<String, FunctionDef> functions = new LinkedHashMap<>();
  private final Map<String, Map<String, NodeDef>> bodies = new HashMap<>();
  private final Map<String, Map<String, Integer>> argIndices = new HashMap<>();

  public GraphIndex(GraphDef graph) {
    this.graph = graph;
    for (NodeDef n : graph.getNodeList()) {
      topLevel.put(n.getName(), n);
    }
    for (FunctionDef f : graph.getLibrary().getFunctionList()) {
      String name = f.getSignature().getName();
      functions.put(name, f);
      Map<String, NodeDef> body = new LinkedHashMap<>();
      for (NodeDef n : f.getNodeDefList()) {
        body.put(n.getName(), n);
      }
      bodies.put(name, body);
      Map<String, Integer> args = new HashMap<>();
      for (int i = 0; i < f.getSignature().getInputArgCount(); i++) {
        args.put(f.getSignature().getInputArg(i).getName(), i);
      }
      argIndices.put(name, args);
    }
  }

  GraphDef graph() {
    return graph;
  }

  NodeDef node(Location where, String name) {
    return where.isTopLevel() ? topLevel.get(name) : body(where.function()).get(name);
  }

  List<NodeDef> nodes(Location where) {
    return List.copyOf(where.isTopLevel() ? topLevel.values() : body(where.function()).values());
  }

  public Map<String, NodeDef> topLevelNodes() {
    return topLevel;
  }

  boolean hasFunction(String name) {
    return functions.containsKey(name);
  }

  public FunctionDef function(String name) {
    FunctionDef f = functions.get(name);
    if (f == null) {
      throw new IllegalArgumentException("the graph calls function '" + name + "', which its library lacks");
    }
    return f;
  }

  public Map<String, FunctionDef> functions() {
    return functions;
  }

  /** The position of input argument {@code arg} in {@code function}'s signature, or -1. */
  int argIndex(String function, String arg) {
    return argIndices.get(function).getOrDefault(arg, -1);
  }

  private Map<String, NodeDef> body(String function) {
    Map<String, NodeDef> b = bodies.get(function);
    if (b == null) {
      throw new IllegalArgumentException("no function '" + function + "' in the library");
    }
    return b;
  }

  /** Functional loops: {@code body} and {@code cond} take the loop variables, in order, as their arguments. */
  public static final Set<String> LOOP_OPS = Set.of("While", "StatelessWhile");

  public static boolean isLoop(NodeDef n) {
    return LOOP_OPS.contains(n.getOp()) && n.containsAttr("body") && n.containsAttr("cond");
  }

  public static String loopBody(NodeDef loop) {
    return loop.getAttrOrThrow("body").getFunc().getName();
  }

  public static String loopCond(NodeDef loop) {
    return loop.getAttrOrThrow("cond").getFunc().getName();
  }

  /**
   * Functional conditionals: input 0 picks the branch (If: a condition, Case: an index) and input k + 1 is argument k
   * of every branch function; output j is the taken branch's output j.
   */
  public static final Set<String> BRANCH_OPS = Set.of("If", "StatelessIf", "Case", "StatelessCase");

  public static boolean isBranch(NodeDef n) {
    return BRANCH_OPS.contains(n.getOp()) && !branches(n).isEmpty();
  }

  /** The branch functions of an If (then, else) or a Case (by index); empty for any other node. */
  public static List<String> branches(NodeDef n) {
    if (n.containsAttr("then_branch") && n.containsAttr("else_branch")) {
      return List.of(n.getAttrOrThrow("then_branch").getFunc().getName(),
          n.getAttrOrThrow("else_branch").getFunc().getName());
    }
    if (n.containsAttr("branches")) {
      return n.getAttrOrThrow("branches").getList().getFuncList().stream().map(f -> f.getName()).toList();
    }
    return List.of();
  }

  /** For reports: {@code then_branch}, {@code else_branch}, or {@code branch 2} of a Case. */
  public static String branchRole(NodeDef n, int i) {
    return n.containsAttr("branches") ? "branch " + i : i == 0 ? "then_branch" : "else_branch";
  }

  public static boolean isCall(NodeDef n) {
    return CALL_OPS.contains(n.getOp()) && n.containsAttr("f");
  }

  public static String callee(NodeDef call) {
    return call.getAttrOrThrow("f").getFunc().getName();
  }

  /** The data (non-control) inputs of {@code n}, parsed, in order: position k is the op's input k. */
  public static List<TensorRef> dataInputs(NodeDef n, Location where) {
    List<TensorRef> refs = new ArrayList<>();
    for (String s : n.getInputList()) {
      TensorRef r = TensorRef.parse(s, where);
      if (!r.control()) {
        refs.add(r);
      }
    }
    return refs;
  }
}
