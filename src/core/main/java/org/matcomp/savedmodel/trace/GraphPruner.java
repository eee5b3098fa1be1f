package org.matcomp.savedmodel.trace;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Set;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.FunctionDefLibrary;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/**
 * Keeps only what serving needs: the top-level nodes the signatures' tensors depend on (data and control inputs)
 * and the library functions those nodes call, transitively. This drops training ops, optimizer slots, metric
 * variables, init ops and the original saver — which in a Python TF2 model captures every variable by its
 * object-graph key and could not survive a weight being replaced.
 */
public final class GraphPruner {
  private GraphPruner() {}

  /** {@code roots} are top-level node names (signature inputs and outputs). */
  static GraphDef prune(GraphDef graph, Collection<String> roots) {
    GraphIndex index = new GraphIndex(graph);
    Set<String> keep = new LinkedHashSet<>();
    Deque<String> work = new ArrayDeque<>(roots);
    while (!work.isEmpty()) {
      String name = work.pop();
      if (!keep.add(name)) {
        continue;
      }
      NodeDef n = index.topLevelNodes().get(name);
      if (n == null) {
        throw new IllegalArgumentException("a signature names node '" + name + "', which the graph lacks");
      }
      for (String in : n.getInputList()) {
        work.push(TensorRef.parse(in, Location.TOP).node());
      }
    }
    GraphDef.Builder out = graph.toBuilder().clearNode();
    for (NodeDef n : graph.getNodeList()) {
      if (keep.contains(n.getName())) {
        out.addNode(n);
      }
    }
    return withReachableLibrary(out.build());
  }

  /** Replaces the library by the functions reachable from the top-level nodes (attributes naming functions). */
  public static GraphDef withReachableLibrary(GraphDef graph) {
    GraphIndex index = new GraphIndex(graph);
    Set<String> reached = new LinkedHashSet<>();
    Deque<String> work = new ArrayDeque<>();
    for (NodeDef n : graph.getNodeList()) {
      functionsNamedBy(n, index, work);
    }
    while (!work.isEmpty()) {
      String f = work.pop();
      if (!reached.add(f)) {
        continue;
      }
      for (NodeDef n : index.function(f).getNodeDefList()) {
        functionsNamedBy(n, index, work);
      }
    }
    FunctionDefLibrary.Builder lib = FunctionDefLibrary.newBuilder();
    for (FunctionDef f : graph.getLibrary().getFunctionList()) {
      if (reached.contains(f.getSignature().getName())) {
        lib.addFunction(f);
      }
    }
    graph.getLibrary().getGradientList().stream()
        .filter(g -> reached.contains(g.getFunctionName()) && reached.contains(g.getGradientFunc()))
        .forEach(lib::addGradient);
    return graph.toBuilder().setLibrary(lib).build();
  }

  private static void functionsNamedBy(NodeDef n, GraphIndex index, Deque<String> out) {
    if (index.hasFunction(n.getOp())) {
      out.push(n.getOp());
    }
    for (AttrValue a : n.getAttrMap().values()) {
      if (a.hasFunc()) {
        out.push(a.getFunc().getName());
      }
      if (a.hasList()) {
        a.getList().getFuncList().forEach(f -> out.push(f.getName()));
      }
    }
  }
}
