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
  public String rewrite(String callee, SortedMap<Integer, Replacement> byArgument) {
    StringBuilder key = new StringBuilder(callee);
    byArgument.forEach((k, r) -> key.append('|').append(k).append('=').append(r.variable().name()));
    String done = memo.get(key.toString());
    if (done != null) {
      return done;
    }
    FunctionDef f = index.function(callee);
    OpDef sig = f.getSignature();
    String newName = uniqueFunctionName(callee + "_matcomp");
    memo.put(key.toString(), newName);

    Set<String> localNames = new HashSet<>();
    sig.getInputArgList().forEach(a -> localNames.add(a.getName()));
    f.getNodeDefList().forEach(n -> localNames.add(n.getName()));

    OpDef.Builder newSig = sig.toBuilder().setName(newName).clearInputArg();
    Map<Integer, Integer> moved = new HashMap<>();
    for (int i = 0; i < sig.getInputArgCount(); i++) {
      if (!byArgument.containsKey(i)) {
        moved.put(i, newSig.getInputArgCount());
        newSig.addInputArg(sig.getInputArg(i));
      }
    }
    Map<String, Replacement> holders = new HashMap<>();
    Map<String, List<String>> newArgs = new HashMap<>();
    List<TensorShapeProto> newArgShapes = new ArrayList<>();
    for (Map.Entry<Integer, Replacement> e : byArgument.entrySet()) {
      Replacement r = e.getValue();
      holders.put(sig.getInputArg(e.getKey()).getName(), r);
      List<String> args = new ArrayList<>();
      for (int j = 0; j < r.factors().size(); j++) {
        String name = unique(sanitize(r.factorVariables().get(j)), localNames);
        TensorValue v = r.factors().get(j).value();
        newSig.addInputArg(OpDef.ArgDef.newBuilder().setName(name).setType(DataType.DT_RESOURCE)
            .addHandleData(ResourceHandleProto.DtypeAndShape.newBuilder().setDtype(v.dtype())
                .setShape(Attrs.shapeProto(v.shape()))));
        args.add(name);
        newArgShapes.add(TensorShapeProto.getDefaultInstance());
      }
      newArgs.put(r.variable().name(), args);
    }

    BodyRewriter body = new BodyRewriter(Location.function(callee), f.getNodeDefList(), holders, Set.of(),
        new ArgumentAccess(newArgs), this);
    List<NodeDef> nodes = body.rewrite();

    f.getRetMap().forEach((out, ret) -> {
      TensorRef r = TensorRef.parse(ret, Location.function(callee));
      if (body.droppedReads().containsKey(r.node()) || (r.isArgument() && holders.containsKey(r.node()))) {
        throw new IllegalStateException(callee + " returns the replaced weight as '" + out + "'");
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

    FunctionDef.Builder nf = f.toBuilder().setSignature(newSig).clearNodeDef().addAllNodeDef(finalNodes)
        .clearControlRet().putAllControlRet(controlRet).clearArgAttr().clearResourceArgUniqueId();
    f.getArgAttrMap().forEach((i, a) -> {
      if (moved.containsKey(i)) {
        nf.putArgAttr(moved.get(i), a);
      }
    });
    f.getResourceArgUniqueIdMap().forEach((i, id) -> {
      if (moved.containsKey(i)) {
        nf.putResourceArgUniqueId(moved.get(i), id);
      }
    });
    if (f.containsAttr("_input_shapes")) {
      List<TensorShapeProto> shapes = f.getAttrOrThrow("_input_shapes").getList().getShapeList();
      AttrValue.ListValue.Builder l = AttrValue.ListValue.newBuilder();
      for (int i = 0; i < shapes.size(); i++) {
        if (!byArgument.containsKey(i)) {
          l.addShape(shapes.get(i));
        }
      }
      l.addAllShape(newArgShapes);
      nf.putAttr("_input_shapes", AttrValue.newBuilder().setList(l).build());
    }
    created.put(newName, nf.build());
    return newName;
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

  /** Inside a function the factors arrive as resource arguments and are read with ReadVariableOp. */
  private record ArgumentAccess(Map<String, List<String>> args) implements BodyRewriter.FactorAccess {
    @Override
    public List<String> handles(Replacement r) {
      return args.get(r.variable().name());
    }

    @Override
    public String emitRead(Replacement r, int j, NodeSink sink) {
      String arg = args.get(r.variable().name()).get(j);
      TensorValue v = r.factors().get(j).value();
      String name = sink.uniqueName(arg + "/ReadVariableOp");
      sink.add(NodeDef.newBuilder().setName(name).setOp("ReadVariableOp").addInput(arg)
          .putAttr("dtype", Attrs.type(v.dtype()))
          .putAttr("_output_shapes", AttrValue.newBuilder().setList(AttrValue.ListValue.newBuilder()
              .addShape(Attrs.shapeProto(v.shape()))).build())
          .build());
      return name;
    }

    @Override
    public String readOutputArg(Replacement r) {
      return "value";
    }
  }
}
