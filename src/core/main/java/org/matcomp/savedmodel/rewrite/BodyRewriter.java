package org.matcomp.savedmodel.rewrite;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorShapeProto;
import org.matcomp.savedmodel.trace.ConsumerKind;
import org.matcomp.savedmodel.trace.GraphIndex;
import org.matcomp.savedmodel.trace.Location;
import org.matcomp.savedmodel.trace.ResourceUseAnalyzer;
import org.matcomp.savedmodel.trace.TensorRef;
import org.matcomp.savedmodel.trace.WeightViews;

/**
 * Rewrites one body — the top-level graph or a function — in which some holders (a variable node, or a function
 * argument carrying a variable's handle) are being replaced by factors:
 *
 * <ul>
 *   <li>reads of a holder (ReadVariableOp, Identity, chains of them) are dropped;
 *   <li>each consumer reading the weight is replaced by its form's nodes, the last one keeping the consumer's name
 *       so everything downstream stays wired;
 *   <li>each call passing a holder gets the factors' handles instead, and a rewritten callee; a loop or a
 *       conditional passing one gets them in the weight's slot and appended, and rewritten bodies or branches;
 *   <li>control dependencies on dropped reads move to the factors' reads.
 * </ul>
 *
 * Any other use is a bug in the caller: {@link ResourceUseAnalyzer} must have refused the variable.
 */
final class BodyRewriter implements NodeSink {
  private static final Set<String> READS = Set.of("ReadVariableOp", "Identity");

  /** How factors are reached in this body. */
  interface FactorAccess {
    /** Handles to pass to a callee (top level: the factor variables; in a function: its new arguments). */
    List<String> handles(Replacement r);

    /** True if this body's holders of {@code r} carry the weight's value rather than its handle. */
    boolean passesValues(Replacement r);

    /** Emits (into {@code sink}) a node reading factor {@code j}; returns the node's name. */
    String emitRead(Replacement r, int j, NodeSink sink);

    /** The output argument of the read node's value. */
    String readOutputArg(Replacement r);
  }

  /** Rewrites a callee for the holders passed at some argument positions; returns the new function's name. */
  interface CalleeRewriter {
    String rewrite(String callee, SortedMap<Integer, Passed> byArgument);

    /**
     * Rewrites a loop's body ({@code body} true) or cond for weights passed as loop variables: slot k carries
     * factor 0, the other factors are appended (and the body passes them through); returns the new name.
     */
    String rewriteLoopFunction(String function, SortedMap<Integer, Passed> bySlot, boolean body);

    /**
     * Rewrites one branch of an If or Case for weights passed as arguments: argument k carries factor 0, the other
     * factors are appended; the outputs stay as they are. Returns the new name.
     */
    String rewriteBranch(String function, SortedMap<Integer, Passed> byArgument);
  }

  private final Location location;
  private final List<NodeDef> original;
  private final Map<String, NodeDef> byName = new HashMap<>();
  private final Map<String, Replacement> holders;
  private final Set<String> dropNodes;
  private final FactorAccess access;
  private final CalleeRewriter callees;

  private final Set<String> names = new HashSet<>();
  private final List<NodeDef> added = new ArrayList<>();
  private final Map<String, Replacement> droppedReads = new LinkedHashMap<>();
  private final Map<String, List<String>> readNodes = new HashMap<>();
  private final Map<String, String> resultOutputArgs = new HashMap<>();

  /**
   * @param holders holder name (argument name in a function, node name at top level) → its replacement
   * @param dropNodes nodes removed outright (the replaced variables themselves, at top level)
   */
  BodyRewriter(Location location, List<NodeDef> original, Map<String, Replacement> holders, Set<String> dropNodes,
      FactorAccess access, CalleeRewriter callees) {
    this.location = location;
    this.original = List.copyOf(original);
    original.forEach(n -> byName.put(n.getName(), n));
    this.holders = holders;
    this.dropNodes = dropNodes;
    this.access = access;
    this.callees = callees;
    original.forEach(n -> names.add(n.getName()));
    names.addAll(holders.keySet());
  }

  @Override
  public Location location() {
    return location;
  }

  @Override
  public String uniqueName(String base) {
    String name = base;
    for (int i = 1; names.contains(name); i++) {
      name = base + "_" + i;
    }
    names.add(name);
    return name;
  }

  @Override
  public void add(NodeDef node) {
    if (added.stream().anyMatch(n -> n.getName().equals(node.getName()))) {
      throw new IllegalStateException("node " + node.getName() + " emitted twice in " + location);
    }
    names.add(node.getName());
    added.add(node);
  }

  /** Dropped read node → the replacement whose factors it read. */
  Map<String, Replacement> droppedReads() {
    return droppedReads;
  }

  /** The names of the nodes reading {@code r}'s factors in this body (created on first use). */
  List<String> readsOf(Replacement r) {
    return readNodes.computeIfAbsent(r.variable().name(), k -> {
      List<String> reads = new ArrayList<>();
      for (int j = 0; j < r.factors().size(); j++) {
        reads.add(access.emitRead(r, j, this));
      }
      return reads;
    });
  }

  /** Every node this rewriter added, including reads created after {@link #rewrite()} returned. */
  List<NodeDef> lateNodes() {
    return List.copyOf(added);
  }

  List<NodeDef> rewrite() {
    findDroppedReads();
    List<NodeDef> out = new ArrayList<>();
    for (NodeDef n : original) {
      if (dropNodes.contains(n.getName()) || droppedReads.containsKey(n.getName())) {
        continue;
      }
      List<TensorRef> in = GraphIndex.dataInputs(n, location);
      SortedMap<Integer, Replacement> fromHolders = new TreeMap<>();
      SortedMap<Integer, Replacement> fromReads = new TreeMap<>();
      for (int k = 0; k < in.size(); k++) {
        Optional<Replacement> h = holder(in.get(k));
        Optional<Replacement> d = droppedRead(in.get(k));
        if (h.isPresent()) {
          fromHolders.put(k, h.get());
        } else if (d.isPresent()) {
          fromReads.put(k, d.get());
        }
      }
      if (fromHolders.isEmpty() && fromReads.isEmpty()) {
        out.add(n.toBuilder().clearInput().addAllInput(fixControls(n)).build());
      } else if (GraphIndex.isCall(n)) {
        out.add(editCall(n, passed(fromHolders, fromReads)));
      } else if (GraphIndex.isLoop(n)) {
        out.add(editLoop(n, passed(fromHolders, fromReads)));
      } else if (GraphIndex.isBranch(n)) {
        out.add(editBranch(n, passed(fromHolders, fromReads)));
      } else {
        replaceConsumer(n, fromHolders, fromReads);
      }
    }
    out.addAll(added);
    if (resultOutputArgs.isEmpty()) {
      return out;
    }
    List<NodeDef> renamed = new ArrayList<>();
    for (NodeDef n : out) {
      NodeDef.Builder b = n.toBuilder().clearInput();
      n.getInputList().forEach(s -> b.addInput(withResultOutputArg(s)));
      renamed.add(b.build());
    }
    return renamed;
  }

  /** {@code input} (a reference in this body) pointing at the output a replaced consumer now gives its result in. */
  String withResultOutputArg(String input) {
    TensorRef r = TensorRef.parse(input, location);
    String arg = resultOutputArgs.get(r.node());
    if (arg == null || r.control() || r.isArgument()) {
      return input;
    }
    return TensorRef.format(location, r.node(), arg, r.index());
  }

  /**
   * The shape the consumer's input {@code ref} sees a replaced weight in: the variable's shape through the constant
   * views (Reshape, ExpandDims) on the dropped chain between them.
   */
  private long[] seenShape(TensorRef ref, Replacement r) {
    java.util.Deque<NodeDef> views = new java.util.ArrayDeque<>();
    for (TensorRef at = ref; droppedRead(at).isPresent(); ) {
      NodeDef n = byName.get(at.node());
      if (WeightViews.isConstantView(n, byName::get)) {
        views.push(n);
      }
      at = GraphIndex.dataInputs(n, location).get(0);
    }
    long[] shape = r.variable().shape();
    while (!views.isEmpty()) {
      shape = WeightViews.apply(views.pop(), shape, byName::get);
    }
    return shape;
  }

  private void findDroppedReads() {
    boolean changed = true;
    while (changed) {
      changed = false;
      for (NodeDef n : original) {
        boolean passesOn = READS.contains(n.getOp()) || WeightViews.isConstantView(n, byName::get);
        if (!passesOn || droppedReads.containsKey(n.getName()) || n.getInputCount() == 0) {
          continue;
        }
        TensorRef src = GraphIndex.dataInputs(n, location).get(0);
        Optional<Replacement> r = holder(src).or(() -> droppedRead(src));
        if (r.isPresent()) {
          droppedReads.put(n.getName(), r.get());
          changed = true;
        }
      }
    }
  }

  private Optional<Replacement> holder(TensorRef ref) {
    if (ref.control() || ref.isArgument() == location.isTopLevel()) {
      return Optional.empty();
    }
    return Optional.ofNullable(holders.get(ref.node()));
  }

  private Optional<Replacement> droppedRead(TensorRef ref) {
    if (ref.control() || ref.isArgument()) {
      return Optional.empty();
    }
    return Optional.ofNullable(droppedReads.get(ref.node()));
  }

  /** The node's inputs with control inputs on dropped reads (or replaced variables) moved to the factor reads. */
  private List<String> fixControls(NodeDef n) {
    List<String> in = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String s : n.getInputList()) {
      TensorRef r = TensorRef.parse(s, location);
      if (!r.control()) {
        in.add(s);
        continue;
      }
      List<String> targets;
      if (droppedReads.containsKey(r.node())) {
        targets = readsOf(droppedReads.get(r.node()));
      } else if (location.isTopLevel() && holders.containsKey(r.node())) {
        targets = holders.get(r.node()).factorVariables();
      } else {
        targets = List.of(r.node());
      }
      for (String t : targets) {
        if (seen.add(t)) {
          in.add("^" + t);
        }
      }
    }
    return in;
  }

  /** How each replaced weight reaches a call or loop: handles from a handle holder, values from reads and values. */
  private SortedMap<Integer, Passed> passed(SortedMap<Integer, Replacement> fromHolders,
      SortedMap<Integer, Replacement> fromReads) {
    SortedMap<Integer, Passed> p = new TreeMap<>();
    fromHolders.forEach((k, r) -> p.put(k, new Passed(r, access.passesValues(r))));
    fromReads.forEach((k, r) -> p.put(k, new Passed(r, true)));
    return p;
  }

  /** The tensors standing for {@code p}'s weight here: the factors' handles, or their values. */
  private List<String> passedRefs(Passed p) {
    if (!p.value()) {
      return access.handles(p.replacement());
    }
    List<String> refs = new ArrayList<>();
    for (String read : readsOf(p.replacement())) {
      refs.add(ref(read, access.readOutputArg(p.replacement()), 0));
    }
    return refs;
  }

  static DataType passedType(Passed p, int j) {
    return p.value() ? p.replacement().factors().get(j).value().dtype() : DataType.DT_RESOURCE;
  }

  private NodeDef editCall(NodeDef n, SortedMap<Integer, Passed> byPosition) {
    String callee = callees.rewrite(GraphIndex.callee(n), byPosition);
    List<String> dataIn = dataInputNames(n);
    List<String> newIn = new ArrayList<>();
    List<DataType> tin = new ArrayList<>();
    List<DataType> oldTin = n.getAttrOrThrow("Tin").getList().getTypeList();
    Map<Integer, Integer> moved = new HashMap<>();
    for (int k = 0; k < dataIn.size(); k++) {
      if (!byPosition.containsKey(k)) {
        moved.put(k, newIn.size());
        newIn.add(dataIn.get(k));
        tin.add(oldTin.get(k));
      }
    }
    List<Long> readOnly = new ArrayList<>();
    if (n.containsAttr("_read_only_resource_inputs")) {
      for (long k : n.getAttrOrThrow("_read_only_resource_inputs").getList().getIList()) {
        Integer m = moved.get((int) k);
        if (m != null) {
          readOnly.add((long) m);
        }
      }
    }
    for (Passed p : byPosition.values()) {
      List<String> refs = passedRefs(p);
      for (int j = 0; j < refs.size(); j++) {
        if (!p.value()) {
          readOnly.add((long) newIn.size());
        }
        newIn.add(refs.get(j));
        tin.add(passedType(p, j));
      }
    }
    NodeDef.Builder b = n.toBuilder().clearInput().addAllInput(newIn);
    addControls(n, b);
    b.putAttr("Tin", Attrs.types(tin));
    b.putAttr("f", AttrValue.newBuilder().setFunc(n.getAttrOrThrow("f").getFunc().toBuilder().setName(callee))
        .build());
    if (n.containsAttr("_read_only_resource_inputs")) {
      b.putAttr("_read_only_resource_inputs", AttrValue.newBuilder()
          .setList(AttrValue.ListValue.newBuilder().addAllI(readOnly)).build());
    }
    return b.build();
  }

  /**
   * A loop with weights among its variables: slot k carries factor 0 and the other factors are appended, so every
   * existing output keeps its index; the body passes the appended ones through unchanged, like the weight was.
   */
  private NodeDef editLoop(NodeDef n, SortedMap<Integer, Passed> bySlot) {
    String body = callees.rewriteLoopFunction(GraphIndex.loopBody(n), bySlot, true);
    String cond = callees.rewriteLoopFunction(GraphIndex.loopCond(n), bySlot, false);
    Slots s = new Slots(n, "T", 0, true);
    bySlot.forEach(s::place);
    NodeDef.Builder b = n.toBuilder().removeAttr("_output_shapes")
        .putAttr("body", func(n, "body", body)).putAttr("cond", func(n, "cond", cond));
    s.apply(b);
    if (n.containsAttr("_num_original_outputs")) {
      b.putAttr("_num_original_outputs", Attrs.integer(s.inputs.size()));
    }
    addControls(n, b);
    return b.build();
  }

  /**
   * An If or Case with weights among its inputs (input k + 1 is every branch's argument k): as for a loop, the
   * weight's input carries factor 0 and the other factors are appended, to {@code Tin} and to every branch's
   * arguments alike — a branch that does not read the weight just takes them unused. The outputs ({@code Tout},
   * {@code output_shapes}) do not change.
   */
  private NodeDef editBranch(NodeDef n, SortedMap<Integer, Passed> byInput) {
    SortedMap<Integer, Passed> byArgument = new TreeMap<>();
    byInput.forEach((k, p) -> byArgument.put(k - 1, p));
    List<String> branches = new ArrayList<>();
    for (String f : GraphIndex.branches(n)) {
      branches.add(callees.rewriteBranch(f, byArgument));
    }
    Slots s = new Slots(n, "Tin", 1, false);
    byInput.forEach(s::place);
    NodeDef.Builder b = n.toBuilder();
    s.apply(b);
    if (n.containsAttr("branches")) {
      AttrValue.ListValue.Builder l = AttrValue.ListValue.newBuilder();
      for (int i = 0; i < branches.size(); i++) {
        l.addFunc(n.getAttrOrThrow("branches").getList().getFunc(i).toBuilder().setName(branches.get(i)));
      }
      b.putAttr("branches", AttrValue.newBuilder().setList(l).build());
    } else {
      b.putAttr("then_branch", func(n, "then_branch", branches.get(0)))
          .putAttr("else_branch", func(n, "else_branch", branches.get(1)));
    }
    addControls(n, b);
    return b.build();
  }

  /**
   * The inputs of a loop or conditional with weights placed in them: input k takes factor 0, the other factors are
   * appended, so no existing input (or, for a loop, output) moves. The type list {@code typesAttr} is aligned with
   * the inputs from {@code typeOffset} on; a loop's {@code output_shapes} follow its inputs too.
   */
  private final class Slots {
    final List<String> inputs;
    final List<DataType> types;
    final List<TensorShapeProto> shapes;
    final List<Long> readOnly = new ArrayList<>();
    private final NodeDef node;
    private final String typesAttr;
    private final int typeOffset;

    Slots(NodeDef n, String typesAttr, int typeOffset, boolean shapesFollowInputs) {
      this.node = n;
      this.typesAttr = typesAttr;
      this.typeOffset = typeOffset;
      inputs = dataInputNames(n);
      types = new ArrayList<>(n.getAttrOrThrow(typesAttr).getList().getTypeList());
      shapes = shapesFollowInputs ? new ArrayList<>(n.getAttrOrThrow("output_shapes").getList().getShapeList())
          : null;
      if (n.containsAttr("_read_only_resource_inputs")) {
        readOnly.addAll(n.getAttrOrThrow("_read_only_resource_inputs").getList().getIList());
      }
    }

    void place(int k, Passed p) {
      List<String> refs = passedRefs(p);
      for (int j = 0; j < refs.size(); j++) {
        int slot = j == 0 ? k : inputs.size();
        TensorShapeProto shape = p.value() ? Attrs.shapeProto(p.replacement().factors().get(j).value().shape())
            : TensorShapeProto.getDefaultInstance();
        if (j == 0) {
          inputs.set(slot, refs.get(j));
          types.set(slot - typeOffset, passedType(p, j));
          if (shapes != null) {
            shapes.set(slot, shape);
          }
        } else {
          inputs.add(refs.get(j));
          types.add(passedType(p, j));
          if (shapes != null) {
            shapes.add(shape);
          }
        }
        if (!p.value() && !readOnly.contains((long) slot)) {
          readOnly.add((long) slot);
        }
        if (p.value()) {
          readOnly.remove((long) slot);
        }
      }
    }

    void apply(NodeDef.Builder b) {
      b.clearInput().addAllInput(inputs).putAttr(typesAttr, Attrs.types(types));
      if (shapes != null) {
        b.putAttr("output_shapes", AttrValue.newBuilder().setList(AttrValue.ListValue.newBuilder()
            .addAllShape(shapes)).build());
      }
      if (node.containsAttr("_read_only_resource_inputs")) {
        b.putAttr("_read_only_resource_inputs", AttrValue.newBuilder()
            .setList(AttrValue.ListValue.newBuilder().addAllI(readOnly)).build());
      }
    }
  }

  private static AttrValue func(NodeDef n, String attr, String name) {
    return AttrValue.newBuilder().setFunc(n.getAttrOrThrow(attr).getFunc().toBuilder().setName(name)).build();
  }

  private static List<String> dataInputNames(NodeDef n) {
    List<String> dataIn = new ArrayList<>();
    for (String s : n.getInputList()) {
      if (!s.startsWith("^")) {
        dataIn.add(s);
      }
    }
    return dataIn;
  }

  private void addControls(NodeDef n, NodeDef.Builder b) {
    for (String s : fixControls(n)) {
      if (s.startsWith("^")) {
        b.addInput(s);
      }
    }
  }

  private void replaceConsumer(NodeDef n, SortedMap<Integer, Replacement> fromHolders,
      SortedMap<Integer, Replacement> fromReads) {
    SortedMap<Integer, Replacement> all = new TreeMap<>(fromHolders);
    all.putAll(fromReads);
    Optional<ConsumerKind> kind = ConsumerKind.of(n.getOp());
    if (all.size() != 1 || kind.isEmpty() || !kind.get().canCarryWeight(all.firstKey())) {
      throw new IllegalStateException(n.getOp() + " '" + n.getName() + "' in " + location
          + " uses a replaced weight in a way no form rewrites");
    }
    int k = all.firstKey();
    Replacement r = all.get(k);
    List<String> values = new ArrayList<>();
    List<String> reads = readsOf(r);
    for (String read : reads) {
      values.add(ref(read, access.readOutputArg(r), 0));
    }
    OpEmitter ops = new OpEmitter(this, n.getName() + "/" + r.form().method().identifier());
    long[] seen = seenShape(GraphIndex.dataInputs(n, location).get(k), r);
    SiteContext site = new SiteContext(n, kind.get(), k, seen, r.rows(), r.cols(), values, r.factors(), ops);
    r.form().emit(site);
    site.resultOutputArg().ifPresent(arg -> resultOutputArgs.put(n.getName(), arg));
    int at = -1;
    for (int i = 0; i < added.size(); i++) {
      if (added.get(i).getName().equals(n.getName())) {
        at = i;
      }
    }
    if (at < 0) {
      throw new IllegalStateException(r.form().method() + " form emitted no node named " + n.getName());
    }
    NodeDef.Builder last = added.get(at).toBuilder();
    for (String s : fixControls(n)) {
      if (s.startsWith("^")) {
        last.addInput(s);
      }
    }
    if (n.containsAttr("_output_shapes") && !last.containsAttr("_output_shapes")) {
      last.putAttr("_output_shapes", n.getAttrOrThrow("_output_shapes"));
    }
    added.set(at, last.build());
  }
}
