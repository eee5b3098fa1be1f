package org.matcomp.savedmodel.finetune;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.matcomp.savedmodel.trace.Location;
import org.matcomp.savedmodel.trace.ServingGraph;
import org.matcomp.savedmodel.trace.TensorRef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;

/**
 * One signature of a SavedModel as a single flat graph: every function call on its path inlined (see
 * {@link FunctionInliner}), pruned to what the signature's outputs need. It names the signature's input and output
 * tensors in the flat graph, every variable the outputs read with the nodes that read it, and what would stop
 * {@code Graph.addGradients} from reaching a weight. Immutable; {@link GraphReplay} re-creates it in another graph.
 */
public final class FlatGraph {
  private final String signatureKey;
  private final GraphDef graph;
  private final Map<String, String> inputs;
  private final Map<String, String> outputs;
  private final Map<String, FlatVariable> variables;
  private final List<TrainingBlocker> blockers;
  private final Map<String, NodeDef> nodes;

  private FlatGraph(String signatureKey, GraphDef graph, Map<String, String> inputs, Map<String, String> outputs) {
    this.signatureKey = signatureKey;
    this.graph = graph;
    this.inputs = Collections.unmodifiableMap(inputs);
    this.outputs = Collections.unmodifiableMap(outputs);
    Map<String, NodeDef> byName = new LinkedHashMap<>();
    graph.getNodeList().forEach(n -> byName.put(n.getName(), n));
    this.nodes = Collections.unmodifiableMap(byName);
    this.variables = Collections.unmodifiableMap(FlatGraphAnalysis.variables(nodes));
    this.blockers = List.copyOf(FlatGraphAnalysis.blockers(nodes));
  }

  /** Flattens signature {@code key} of a SavedModel's serving graph. */
  public static FlatGraph of(ServingGraph serving, String key) {
    SignatureDef sig = serving.signatures().get(key);
    checkArgument(sig != null, "the model has no signature '%s' (it has %s)", key, serving.signatures().keySet());
    return of(serving.pruned(), sig, key);
  }

  /** Flattens {@code signature} (named {@code key} in messages) of {@code graph}, a GraphDef with its library. */
  public static FlatGraph of(GraphDef graph, SignatureDef signature, String key) {
    Map<String, String> in = tensorNames(signature.getInputsMap(), key, "input");
    Map<String, String> out = tensorNames(signature.getOutputsMap(), key, "output");
    checkArgument(!out.isEmpty(), "signature '%s' has no outputs", key);
    List<String> tensors = new ArrayList<>(in.values());
    tensors.addAll(out.values());
    FunctionInliner.Inlined flat = FunctionInliner.inline(graph, tensors);
    in.replaceAll((name, t) -> flat.tensors().get(t));
    out.replaceAll((name, t) -> flat.tensors().get(t));
    return new FlatGraph(key, flat.graph(), in, out);
  }

  private static Map<String, String> tensorNames(Map<String, TensorInfo> infos, String key, String role) {
    Map<String, String> out = new TreeMap<>();
    infos.forEach((name, info) -> {
      checkArgument(info.getEncodingCase() == TensorInfo.EncodingCase.NAME, "signature '%s' %s '%s' is a %s tensor;"
          + " only dense tensors named in the graph are supported", key, role, name, info.getEncodingCase());
      TensorRef ref = TensorRef.parse(info.getName(), Location.TOP);
      out.put(name, ref.node() + ":" + ref.index());
    });
    return out;
  }

  /** The node part of a flat tensor name {@code node:index}. */
  static String nodeOf(String tensor) {
    return TensorRef.parse(tensor, Location.TOP).node();
  }

  public String signatureKey() {
    return signatureKey;
  }

  /** The flat GraphDef: no call ops; its library holds only what remaining control-flow nodes name. */
  public GraphDef graph() {
    return graph;
  }

  /** Signature input name → flat tensor name ({@code node:index}, a Placeholder's output). */
  public Map<String, String> inputs() {
    return inputs;
  }

  /**
   * Signature output name → flat tensor name ({@code node:index}): the tensor the called functions return, e.g.
   * {@code StatefulPartitionedCall/Identity:0} (the wrapper function's return value) for a Keras signature's
   * {@code StatefulPartitionedCall:0}.
   */
  public Map<String, String> outputs() {
    return outputs;
  }

  /** The variables the outputs read, by variable node name, in graph order. */
  public Map<String, FlatVariable> variables() {
    return variables;
  }

  /** The nodes that keep gradients from reaching weights; empty when every weight can be trained. */
  public List<TrainingBlocker> blockers() {
    return blockers;
  }

  public boolean trainable() {
    return blockers.isEmpty();
  }

  /** Why this signature cannot be fine-tuned with TensorFlow's gradients, if it cannot. */
  public Optional<String> whyNotTrainable() {
    if (blockers.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of("signature '" + signatureKey + "' cannot be fine-tuned: "
        + blockers.stream().map(TrainingBlocker::describe).collect(Collectors.joining("; "))
        + "; use compress (post hoc) for this model");
  }

  /** The flat nodes by name. */
  public Map<String, NodeDef> nodes() {
    return nodes;
  }

  public NodeDef node(String name) {
    NodeDef n = nodes.get(name);
    checkArgument(n != null, "the flat graph of signature '%s' has no node '%s'", signatureKey, name);
    return n;
  }

  /** Node names of {@code op}, in graph order (for tests and reports). */
  public List<String> nodesOfOp(String op) {
    List<String> out = new ArrayList<>();
    nodes.values().stream().filter(n -> n.getOp().equals(op)).forEach(n -> out.add(n.getName()));
    return out;
  }

  @Override
  public String toString() {
    return "FlatGraph[" + signatureKey + ": " + nodes.size() + " nodes, inputs " + inputs + ", outputs " + outputs
        + ", variables " + variables.keySet() + (blockers.isEmpty() ? "" : ", blocked by " + blockers) + "]";
  }
}
