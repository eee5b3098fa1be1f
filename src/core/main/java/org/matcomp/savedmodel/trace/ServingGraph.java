package org.matcomp.savedmodel.trace;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;

/**
 * The part of a SavedModel that serving needs — the graph pruned to the signatures, its forward path and the
 * weight matrices on it — computed from protos alone (no TensorFlow session).
 */
public final class ServingGraph {
  private final GraphDef original;
  private final GraphDef pruned;
  private final Map<String, SignatureDef> signatures;
  private final ForwardPath path;
  private final List<WeightMatrix> matrices;
  private final java.util.Optional<String> initOp;

  private ServingGraph(GraphDef original, GraphDef pruned, Map<String, SignatureDef> signatures, ForwardPath path,
      List<WeightMatrix> matrices, java.util.Optional<String> initOp) {
    this.initOp = initOp;
    this.original = original;
    this.pruned = pruned;
    this.signatures = signatures;
    this.path = path;
    this.matrices = matrices;
  }

  public static ServingGraph of(SavedModelDirectory dir) {
    GraphDef graph = dir.metaGraph().getGraphDef();
    Map<String, SignatureDef> sigs = dir.signatures();
    Set<String> roots = new LinkedHashSet<>();
    List<String> outputs = new ArrayList<>();
    for (SignatureDef s : sigs.values()) {
      for (TensorInfo t : s.getInputsMap().values()) {
        roots.add(tensorNode(t, s));
      }
      for (TensorInfo t : s.getOutputsMap().values()) {
        roots.add(tensorNode(t, s));
        outputs.add(t.getName());
      }
    }
    // the model's own init op is kept with what it runs, so that an export can run it too
    java.util.Optional<String> initOp = dir.initOp().filter(n -> graph.getNodeList().stream()
        .anyMatch(x -> x.getName().equals(n)));
    initOp.ifPresent(roots::add);
    GraphDef pruned = GraphPruner.prune(graph, roots);
    GraphIndex index = new GraphIndex(pruned);
    ForwardPath path = new ForwardPathTracer(index).trace(outputs);
    ResourceUseAnalyzer uses = new ResourceUseAnalyzer(index, roots);
    Map<String, List<WeightSite>> byVariable = new LinkedHashMap<>();
    for (WeightSite s : path.sites()) {
      byVariable.computeIfAbsent(s.variable().name(), k -> new ArrayList<>()).add(s);
    }
    List<WeightMatrix> matrices = new ArrayList<>();
    for (List<WeightSite> sites : byVariable.values()) {
      VariableInfo v = sites.get(0).variable();
      List<String> problems = new ArrayList<>();
      int[] shape = sites.get(0).matrixShape();
      for (WeightSite s : sites) {
        MatrixView.Result view = s.view();
        if (view.view() == null) {
          problems.add(view.problem());
        } else if (sites.get(0).view().view() != null && !view.view().sameMatrixAs(sites.get(0).view().view())) {
          problems.add("its consumers see it as different matrices");
        }
      }
      if (v.dtype() != DataType.DT_FLOAT) {
        problems.add("dtype " + v.dtype() + " (only float32 weights are compressed)");
      }
      VariableUses u = uses.analyze(v);
      problems.addAll(u.blockers());
      // a weight no consumer sees as a matrix is still reported at its full size: first axis × the rest
      int[] reported = shape != null ? shape : fallbackShape(v);
      matrices.add(new WeightMatrix(v, sites, u, reported[0], reported[1], problems, path.readersOf(v.name())));
    }
    // Weights the forward path reads through an op no form replaces (Einsum, a loop body, ...): listed, left dense,
    // with the reader named, so a report shows every matrix of the model and why it stayed as it was.
    for (VariableInfo v : path.variables().values()) {
      if (byVariable.containsKey(v.name()) || v.dtype() != DataType.DT_FLOAT || !v.fullyDefined()
          || v.shape().length < 2 || v.elements() == 0) {
        continue;
      }
      VariableUses u = uses.analyze(v);
      List<String> problems = new ArrayList<>(u.blockers());
      if (problems.isEmpty()) {
        problems.add("no op on the forward path reads it as a matrix product");
      }
      int[] reported = fallbackShape(v);
      matrices.add(new WeightMatrix(v, List.of(), u, reported[0], reported[1], problems, path.readersOf(v.name())));
    }
    return new ServingGraph(graph, pruned, sigs, path, matrices, initOp);
  }

  /** The first axis × the rest, for reporting a weight no consumer reads as a matrix (0×0 if its shape is unknown). */
  private static int[] fallbackShape(VariableInfo v) {
    if (!v.fullyDefined() || v.shape().length == 0 || v.elements() == 0) {
      return new int[] {0, 0};
    }
    long rows = v.shape()[0];
    return new int[] {Math.toIntExact(rows), Math.toIntExact(v.elements() / rows)};
  }

  static String tensorNode(TensorInfo t, SignatureDef s) {
    if (t.getEncodingCase() != TensorInfo.EncodingCase.NAME) {
      throw new IllegalArgumentException("signature tensor " + t + " is not a dense tensor name (" + t.getEncodingCase()
          + "); composite and sparse signature tensors are not supported");
    }
    return TensorRef.parse(t.getName(), Location.TOP).node();
  }

  public GraphDef original() {
    return original;
  }

  public GraphDef pruned() {
    return pruned;
  }

  public Map<String, SignatureDef> signatures() {
    return signatures;
  }

  /** The model's own init op node, kept in {@link #pruned}, if it has one. */
  public java.util.Optional<String> initOp() {
    return initOp;
  }

  /** The signature called {@code key}; a key the model lacks is refused in one line listing the ones it has. */
  public SignatureDef signature(String key) {
    SignatureDef sig = signatures.get(key);
    if (sig == null) {
      throw new IllegalArgumentException("no signature '" + key + "' (signatures: " + signatures.keySet() + ")");
    }
    return sig;
  }

  public ForwardPath path() {
    return path;
  }

  public List<WeightMatrix> matrices() {
    return matrices;
  }

  /** The variables of the pruned graph: everything serving reads. */
  public List<VariableInfo> servingVariables() {
    List<VariableInfo> v = new ArrayList<>();
    for (NodeDef n : pruned.getNodeList()) {
      if (VariableInfo.isVariable(n)) {
        v.add(VariableInfo.of(n));
      }
    }
    return v;
  }

  /** Variables of the original graph that serving never reads (optimizer slots, metrics, counters). */
  public List<VariableInfo> unusedVariables() {
    Set<String> serving = new LinkedHashSet<>();
    servingVariables().forEach(v -> serving.add(v.name()));
    List<VariableInfo> out = new ArrayList<>();
    for (NodeDef n : original.getNodeList()) {
      if (VariableInfo.isVariable(n) && !serving.contains(n.getName())) {
        out.add(VariableInfo.of(n));
      }
    }
    return out;
  }

  /** True if the weights live in library functions (a TF2 SavedModel), false for a TF1 / TF Java graph. */
  public boolean usesFunctions() {
    return path.functions().size() > 0;
  }
}
