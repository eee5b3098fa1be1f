package org.matcomp.savedmodel.rewrite;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;
import org.tensorflow.proto.ResourceHandleProto;
import org.tensorflow.proto.TensorShapeProto;
import org.matcomp.savedmodel.export.TensorValue;
import org.matcomp.savedmodel.trace.GraphIndex;
import org.matcomp.savedmodel.trace.Location;
import org.matcomp.savedmodel.trace.TensorRef;

/**
 * Copies library functions with replaced weight arguments: the copy gets a new name (importing a different function
 * under an existing name is rejected), loses the weight's argument and gains one resource argument per factor, and
 * its body is rewritten by a {@link BodyRewriter} — recursively for the functions it calls. The function's
 * bookkeeping follows: {@code control_ret} and {@code signature.control_output} (which must agree), {@code arg_attr},
 * {@code resource_arg_unique_id} and the {@code _input_shapes} attribute, all re-indexed.
 */
final class FunctionLibraryRewriter implements BodyRewriter.CalleeRewriter {
  private final GraphIndex index;
  private final Map<String, String> memo = new HashMap<>();
  private final Map<String, FunctionDef> created = new LinkedHashMap<>();
  private final Set<String> takenNames = new HashSet<>();

  FunctionLibraryRewriter(GraphIndex index) {
    this.index = index;
    takenNames.addAll(index.functions().keySet());
  }

  /** The functions written so far, by new name. */
  Map<String, FunctionDef> created() {
    return created;
  }

  @Override
  public String rewrite(String callee, SortedMap<Integer, Passed> byArgument) {
    return copy(callee, byArgument, Layout.CALL);
  }

  @Override
  public String rewriteLoopFunction(String function, SortedMap<Integer, Passed> bySlot, boolean body) {
    return copy(function, bySlot, body ? Layout.LOOP_BODY : Layout.LOOP_COND);
  }

  @Override
  public String rewriteBranch(String function, SortedMap<Integer, Passed> byArgument) {
    return copy(function, byArgument, Layout.BRANCH);
  }

  /**
   * Where a copied function takes a replaced weight's factors. A call's callee loses the weight's argument and gains
   * one per factor at the end; a loop's body and cond, and a conditional's branches, keep the weight's slot for
   * factor 0 and gain the others at the end (their caller's type list is positional, and every branch must take the
   * same arguments); a loop body also returns each of them unchanged (the loop variables stay loop-invariant).
   */
  private enum Layout { CALL, LOOP_BODY, LOOP_COND, BRANCH }

  private String copy(String function, SortedMap<Integer, Passed> byArgument, Layout layout) {
    StringBuilder key = new StringBuilder(function).append('|').append(layout);
    byArgument.forEach((k, p) -> key.append('|').append(k).append('=').append(p.replacement().variable().name())
        .append(p.value() ? ":value" : ":handle"));
    String done = memo.get(key.toString());
    if (done != null) {
      return done;
    }
    FunctionDef f = index.function(function);
    OpDef sig = f.getSignature();
    String newName = uniqueFunctionName(function + "_matcomp");
    memo.put(key.toString(), newName);
    boolean keepSlots = layout != Layout.CALL;

    Set<String> localNames = new HashSet<>();
    sig.getInputArgList().forEach(a -> localNames.add(a.getName()));
    sig.getOutputArgList().forEach(a -> localNames.add(a.getName()));
    f.getNodeDefList().forEach(n -> localNames.add(n.getName()));

    List<OpDef.ArgDef> args = new ArrayList<>(sig.getInputArgList());
    List<OpDef.ArgDef> outputs = new ArrayList<>(sig.getOutputArgList());
    Map<String, String> ret = new LinkedHashMap<>(f.getRetMap());
    List<TensorShapeProto> inputShapes = f.containsAttr("_input_shapes")
        ? new ArrayList<>(f.getAttrOrThrow("_input_shapes").getList().getShapeList()) : null;
    Map<String, Replacement> holders = new HashMap<>();
    Map<String, List<String>> factorArgs = new HashMap<>();
    Set<String> values = new HashSet<>();
    List<OpDef.ArgDef> appended = new ArrayList<>();
    List<TensorShapeProto> appendedShapes = new ArrayList<>();
    for (Map.Entry<Integer, Passed> e : byArgument.entrySet()) {
      Replacement r = e.getValue().replacement();
      boolean value = e.getValue().value();
      OpDef.ArgDef weightArg = sig.getInputArg(e.getKey());
      holders.put(weightArg.getName(), r);
      if (value) {
        values.add(r.variable().name());
      }
      List<String> names = new ArrayList<>();
      for (int j = 0; j < r.factors().size(); j++) {
        boolean keepSlot = keepSlots && j == 0;
        String name = keepSlot ? weightArg.getName() : unique(sanitize(r.factorVariables().get(j)), localNames);
        OpDef.ArgDef arg = factorArg(name, r, j, value);
        TensorShapeProto shape = value ? Attrs.shapeProto(r.factors().get(j).value().shape())
            : TensorShapeProto.getDefaultInstance();
        if (keepSlot) {
          args.set(e.getKey(), arg);
          if (inputShapes != null) {
            inputShapes.set(e.getKey(), shape);
          }
          if (layout == Layout.LOOP_BODY) {
            outputs.set(e.getKey(), arg.toBuilder().setName(outputs.get(e.getKey()).getName()).build());
          }
        } else {
          appended.add(arg);
          appendedShapes.add(shape);
          if (layout == Layout.LOOP_BODY) {
            String out = unique(name + "_out", localNames);
            outputs.add(arg.toBuilder().setName(out).build());
            ret.put(out, name);
          }
        }
        names.add(name);
      }
      factorArgs.put(r.variable().name(), names);
    }
    Map<Integer, Integer> moved = new HashMap<>();
    List<OpDef.ArgDef> finalArgs = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      if (keepSlots || !byArgument.containsKey(i)) {
        moved.put(i, finalArgs.size());
        finalArgs.add(args.get(i));
      }
    }
    finalArgs.addAll(appended);
    OpDef.Builder newSig = sig.toBuilder().setName(newName).clearInputArg().addAllInputArg(finalArgs)
        .clearOutputArg().addAllOutputArg(outputs);

    BodyRewriter body = new BodyRewriter(Location.function(function), f.getNodeDefList(), holders, Set.of(),
        new ArgumentAccess(factorArgs, values), this);
    List<NodeDef> nodes = body.rewrite();

    f.getRetMap().forEach((out, r) -> {
      TensorRef ref = TensorRef.parse(r, Location.function(function));
      boolean passThrough = layout == Layout.LOOP_BODY && ref.isArgument() && holders.containsKey(ref.node())
          && sig.getOutputArgList().indexOf(sig.getOutputArgList().stream().filter(a -> a.getName().equals(out))
              .findFirst().orElseThrow()) == sig.getInputArgList().stream().map(OpDef.ArgDef::getName).toList()
              .indexOf(ref.node());
      if (!passThrough && (body.droppedReads().containsKey(ref.node())
          || (ref.isArgument() && holders.containsKey(ref.node())))) {
        throw new IllegalStateException(function + " returns the replaced weight as '" + out + "'");
      }
    });
    Map<String, String> controlRet = new LinkedHashMap<>();
    f.getControlRetMap().forEach((k, v) -> {
      Replacement r = body.droppedReads().get(v);
      if (r == null) {
        controlRet.put(k, v);
      } else {
        body.readsOf(r).forEach(read -> controlRet.put(read, read));
      }
    });
    newSig.clearControlOutput().addAllControlOutput(controlRet.keySet());
    // readsOf may have added read nodes after rewrite() returned (control_ret only); collect them
    List<NodeDef> finalNodes = new ArrayList<>(nodes);
    Set<String> present = new HashSet<>();
    nodes.forEach(n -> present.add(n.getName()));
    for (NodeDef n : body.lateNodes()) {
      if (present.add(n.getName())) {
        finalNodes.add(n);
      }
    }

    ret.replaceAll((out, r) -> body.withResultOutputArg(r));
    FunctionDef.Builder nf = f.toBuilder().setSignature(newSig).clearNodeDef().addAllNodeDef(finalNodes)
        .clearRet().putAllRet(ret).clearControlRet().putAllControlRet(controlRet).clearArgAttr()
        .clearResourceArgUniqueId();
    // a replaced weight's own argument attributes (its shape, its unique id) no longer describe what arrives
    f.getArgAttrMap().forEach((i, a) -> {
      if (moved.containsKey(i) && !byArgument.containsKey(i)) {
        nf.putArgAttr(moved.get(i), a);
      }
    });
    f.getResourceArgUniqueIdMap().forEach((i, id) -> {
      if (moved.containsKey(i) && !byArgument.containsKey(i)) {
        nf.putResourceArgUniqueId(moved.get(i), id);
      }
    });
    if (inputShapes != null) {
      List<TensorShapeProto> shapes = new ArrayList<>();
      for (int i = 0; i < inputShapes.size(); i++) {
        if (keepSlots || !byArgument.containsKey(i)) {
          shapes.add(inputShapes.get(i));
        }
      }
      shapes.addAll(appendedShapes);
      nf.putAttr("_input_shapes", AttrValue.newBuilder().setList(AttrValue.ListValue.newBuilder().addAllShape(shapes))
          .build());
    }
    created.put(newName, nf.build());
    return newName;
  }

  /** The argument carrying factor {@code j}: its resource handle, or its value (dtype as stored). */
  private static OpDef.ArgDef factorArg(String name, Replacement r, int j, boolean value) {
    TensorValue v = r.factors().get(j).value();
    if (value) {
      return OpDef.ArgDef.newBuilder().setName(name).setType(v.dtype()).build();
    }
    return OpDef.ArgDef.newBuilder().setName(name).setType(DataType.DT_RESOURCE)
        .addHandleData(ResourceHandleProto.DtypeAndShape.newBuilder().setDtype(v.dtype())
            .setShape(Attrs.shapeProto(v.shape()))).build();
  }

  private String uniqueFunctionName(String base) {
    String name = base;
    for (int i = 1; takenNames.contains(name); i++) {
      name = base + "_" + i;
    }
    takenNames.add(name);
    return name;
  }

  private static String unique(String base, Set<String> taken) {
    String name = base;
    for (int i = 1; taken.contains(name); i++) {
      name = base + "_" + i;
    }
    taken.add(name);
    return name;
  }

  /** Argument names are lower-case identifiers, as TensorFlow's Python layer writes them. */
  private static String sanitize(String s) {
    String t = s.toLowerCase().replaceAll("[^a-z0-9_]", "_");
    return t.isEmpty() || !Character.isLetter(t.charAt(0)) ? "arg_" + t : t;
  }

  /**
   * Inside a function the factors arrive as arguments: resource handles read with ReadVariableOp, or (a weight passed
   * by value) the values themselves, read through an Identity.
   */
  private record ArgumentAccess(Map<String, List<String>> args, Set<String> values)
      implements BodyRewriter.FactorAccess {
    @Override
    public List<String> handles(Replacement r) {
      return args.get(r.variable().name());
    }

    @Override
    public boolean passesValues(Replacement r) {
      return values.contains(r.variable().name());
    }

    @Override
    public String emitRead(Replacement r, int j, NodeSink sink) {
      String arg = args.get(r.variable().name()).get(j);
      TensorValue v = r.factors().get(j).value();
      boolean value = passesValues(r);
      String name = sink.uniqueName(arg + (value ? "/read" : "/ReadVariableOp"));
      NodeDef.Builder n = NodeDef.newBuilder().setName(name).addInput(arg);
      if (value) {
        n.setOp("Identity").putAttr("T", Attrs.type(v.dtype()));
      } else {
        n.setOp("ReadVariableOp").putAttr("dtype", Attrs.type(v.dtype()));
      }
      sink.add(n.putAttr("_output_shapes", AttrValue.newBuilder().setList(AttrValue.ListValue.newBuilder()
          .addShape(Attrs.shapeProto(v.shape()))).build()).build());
      return name;
    }

    @Override
    public String readOutputArg(Replacement r) {
      return passesValues(r) ? "output" : "value";
    }
  }
}
