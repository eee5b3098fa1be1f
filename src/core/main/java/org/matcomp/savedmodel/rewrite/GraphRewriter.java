package org.matcomp.savedmodel.rewrite;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.FunctionDefLibrary;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.matcomp.savedmodel.export.TensorValue;
import org.matcomp.savedmodel.trace.GraphIndex;
import org.matcomp.savedmodel.trace.GraphPruner;
import org.matcomp.savedmodel.trace.Location;

/**
 * Rewrites a pruned serving graph so that each replaced variable is gone and its factors take its place: new
 * top-level variables of the same kind (VarHandleOp for a TF2 model, VariableV2 + an Identity read for TF1 and TF
 * Java graphs, so that TF Java's optimizers can fine-tune them), consumers replaced at the top level directly and
 * inside the library through {@link FunctionLibraryRewriter}. Functions no longer called are dropped.
 */
public final class GraphRewriter {
  private GraphRewriter() {}

  /** The NoOp that materialises the weights of the fast serving form, run by the loader as the init op. */
  public static final String MATERIALIZE = "matcomp_materialize";

  public static GraphDef rewrite(GraphDef pruned, List<Replacement> replacements) {
    return rewrite(pruned, replacements, List.of(), List.of(), java.util.Optional.empty());
  }

  /**
   * As {@link #rewrite(GraphDef, List)} for {@code replacements}; the weights of {@code materialized} stay variables
   * that every consumer reads as before, but hold no saved value: their factors are stored, and the NoOp
   * {@link #MATERIALIZE} assigns each weight its decoded product (in the variable's own layout) — the fast serving
   * form, which rebuilds W once at load instead of on every call — after running {@code modelInitOp}. The weights
   * of {@code sparse} are gone like those of {@code replacements}: their consumers read the nonzeros that the same
   * init op builds from the stored factors.
   */
  public static GraphDef rewrite(GraphDef pruned, List<Replacement> replacements, List<Replacement> materialized,
      List<SparseReplacement> sparse, java.util.Optional<String> modelInitOp) {
    GraphIndex index = new GraphIndex(pruned);
    Map<String, Replacement> holders = new HashMap<>();
    Set<String> taken = new HashSet<>(index.topLevelNodes().keySet());
    List<NodeDef> factorVariables = new ArrayList<>();
    List<Replacement> all = new ArrayList<>(replacements);
    all.addAll(materialized);
    replacements.forEach(r -> holders.put(r.variable().name(), r));
    for (SparseReplacement s : sparse) {
      all.add(s.stored());
      all.add(s.served());
      holders.put(s.served().variable().name(), s.served());
    }
    for (Replacement r : all) {
      for (int j = 0; j < r.factors().size(); j++) {
        String name = r.factorVariables().get(j);
        if (!taken.add(name)) {
          throw new IllegalArgumentException("cannot name factor variable '" + name + "': the graph has that node");
        }
        factorVariables.add(variableNode(r, j));
      }
    }
    FunctionLibraryRewriter functions = new FunctionLibraryRewriter(index);
    BodyRewriter top = new BodyRewriter(Location.TOP, pruned.getNodeList(), holders, holders.keySet(),
        new TopLevelAccess(), functions);
    List<NodeDef> nodes = new ArrayList<>(factorVariables);
    nodes.addAll(top.rewrite());
    Set<String> present = new HashSet<>();
    nodes.forEach(n -> present.add(n.getName()));
    for (NodeDef n : top.lateNodes()) {
      if (present.add(n.getName())) {
        nodes.add(n);
      }
    }
    if (!materialized.isEmpty() || !sparse.isEmpty()) {
      if (!taken.add(MATERIALIZE)) {
        throw new IllegalArgumentException("the graph already has a node '" + MATERIALIZE + "'");
      }
      TopSink sink = new TopSink(taken);
      NodeDef.Builder init = NodeDef.newBuilder().setName(MATERIALIZE).setOp("NoOp");
      // merged with the model's own init op, never in its place
      modelInitOp.ifPresent(op -> init.addInput("^" + op));
      for (Replacement r : materialized) {
        init.addInput("^" + Materializer.emit(r, new TopLevelAccess(), sink));
      }
      for (SparseReplacement s : sparse) {
        Materializer.emitSparse(s, new TopLevelAccess(), sink).forEach(a -> init.addInput("^" + a));
      }
      sink.nodes().forEach(n -> {
        nodes.add(n);
        present.add(n.getName());
      });
      nodes.add(init.build());
      present.add(MATERIALIZE);
    }
    FunctionDefLibrary.Builder lib = pruned.getLibrary().toBuilder();
    for (FunctionDef f : functions.created().values()) {
      lib.addFunction(f);
    }
    GraphDef.Builder out = pruned.toBuilder().clearNode().setLibrary(lib);
    for (NodeDef n : nodes) {
      out.addNode(withoutStaleColocation(n, present));
    }
    return GraphPruner.withReachableLibrary(out.build());
  }

  private static NodeDef variableNode(Replacement r, int j) {
    String name = r.factorVariables().get(j);
    TensorValue v = r.factors().get(j).value();
    NodeDef.Builder n = NodeDef.newBuilder().setName(name)
        .putAttr("dtype", Attrs.type(v.dtype())).putAttr("shape", Attrs.shape(v.shape()))
        .putAttr("container", Attrs.string(""));
    if (r.variable().isResource()) {
      n.setOp("VarHandleOp").putAttr("shared_name", Attrs.string(name));
    } else {
      n.setOp("VariableV2").putAttr("shared_name", Attrs.string(""));
      if (java.util.Arrays.stream(v.shape()).anyMatch(d -> d < 0)) {
        // a VariableV2 takes a fully defined shape or none at all (TF1's validate_shape=False variables)
        n.putAttr("shape", AttrValue.newBuilder().setShape(org.tensorflow.proto.TensorShapeProto.newBuilder()
            .setUnknownRank(true)).build());
      }
    }
    return n.build();
  }

  /** Emits into the top-level graph, with names unique among its nodes. */
  private static final class TopSink implements NodeSink {
    private final Set<String> taken;
    private final List<NodeDef> nodes = new ArrayList<>();

    TopSink(Set<String> taken) {
      this.taken = taken;
    }

    @Override
    public Location location() {
      return Location.TOP;
    }

    @Override
    public String uniqueName(String base) {
      String name = base;
      for (int i = 1; !taken.add(name); i++) {
        name = base + "_" + i;
      }
      return name;
    }

    @Override
    public void add(NodeDef node) {
      nodes.add(node);
    }

    List<NodeDef> nodes() {
      return nodes;
    }
  }

  /** {@code _class: loc:@X} colocates with X; a removed X would make the import fail. */
  private static NodeDef withoutStaleColocation(NodeDef n, Set<String> present) {
    if (!n.containsAttr("_class")) {
      return n;
    }
    AttrValue.ListValue.Builder kept = AttrValue.ListValue.newBuilder();
    for (var s : n.getAttrOrThrow("_class").getList().getSList()) {
      String v = s.toStringUtf8();
      if (!v.startsWith("loc:@") || present.contains(v.substring(5))) {
        kept.addS(s);
      }
    }
    NodeDef.Builder b = n.toBuilder();
    if (kept.getSCount() == 0) {
      b.removeAttr("_class");
    } else {
      b.putAttr("_class", AttrValue.newBuilder().setList(kept).build());
    }
    return b.build();
  }

  /** At the top level the factor variables are nodes: a resource is read with ReadVariableOp, a ref via Identity. */
  private static final class TopLevelAccess implements BodyRewriter.FactorAccess {
    @Override
    public List<String> handles(Replacement r) {
      return r.factorVariables();
    }

    /** A TF1 ref variable passed on directly is passed as its value. */
    @Override
    public boolean passesValues(Replacement r) {
      return !r.variable().isResource();
    }

    @Override
    public String emitRead(Replacement r, int j, NodeSink sink) {
      String var = r.factorVariables().get(j);
      TensorValue v = r.factors().get(j).value();
      String name = sink.uniqueName(var + "/read");
      NodeDef.Builder n = NodeDef.newBuilder().setName(name).addInput(var);
      if (r.variable().isResource()) {
        n.setOp("ReadVariableOp").putAttr("dtype", Attrs.type(v.dtype()));
      } else {
        n.setOp("Identity").putAttr("T", Attrs.type(v.dtype()));
      }
      sink.add(n.build());
      return name;
    }

    @Override
    public String readOutputArg(Replacement r) {
      return r.variable().isResource() ? "value" : "output";
    }
  }
}
