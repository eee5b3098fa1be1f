package org.matcomp.savedmodel.export;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.matcomp.savedmodel.rewrite.Attrs;
import org.matcomp.savedmodel.trace.VariableInfo;

/**
 * Adds a V2 saver over every variable of the graph, named as TF Java 1.1.0 expects ({@code save/filename},
 * {@code save/control_dependency}, {@code save/restore_all}): {@code Graph.saverDef()} adopts these names when
 * {@code save/restore_all} exists. TF Java's own saver would cover only VariableV2, so resource variables (TF2
 * models) would be exported without values. Checkpoint keys are the variable node names.
 */
public final class ResourceSaverBuilder {
  static final String PREFIX = "save/";

  private ResourceSaverBuilder() {}

  public static GraphDef addSaver(GraphDef graph) {
    return addSaver(graph, java.util.Set.of());
  }

  /** A saver over every variable but {@code unsaved} (weights the init op computes, which hold no saved value). */
  public static GraphDef addSaver(GraphDef graph, java.util.Set<String> unsaved) {
    List<VariableInfo> vars = new ArrayList<>();
    for (NodeDef n : graph.getNodeList()) {
      if (n.getName().startsWith(PREFIX)) {
        throw new IllegalArgumentException("the serving graph already has a node '" + n.getName()
            + "' in the save/ scope that the new saver needs");
      }
      if (VariableInfo.isVariable(n) && !unsaved.contains(n.getName())) {
        vars.add(VariableInfo.of(n));
      }
    }
    if (vars.isEmpty()) {
      throw new IllegalArgumentException("the serving graph has no variables to save");
    }
    GraphDef.Builder g = graph.toBuilder();
    List<String> names = vars.stream().map(VariableInfo::name).toList();
    List<DataType> types = vars.stream().map(VariableInfo::dtype).toList();
    g.addNode(NodeDef.newBuilder().setName(PREFIX + "filename").setOp("Placeholder")
        .putAttr("dtype", Attrs.type(DataType.DT_STRING)).putAttr("shape", Attrs.shape(new long[0])));
    g.addNode(constStrings(PREFIX + "tensor_names", names));
    g.addNode(constStrings(PREFIX + "shape_and_slices", names.stream().map(n -> "").toList()));

    NodeDef.Builder save = NodeDef.newBuilder().setName(PREFIX + "SaveV2").setOp("SaveV2")
        .addInput(PREFIX + "filename").addInput(PREFIX + "tensor_names").addInput(PREFIX + "shape_and_slices")
        .putAttr("dtypes", Attrs.types(types));
    for (int i = 0; i < vars.size(); i++) {
      VariableInfo v = vars.get(i);
      if (v.isResource()) {
        String read = PREFIX + "read_" + i;
        g.addNode(NodeDef.newBuilder().setName(read).setOp("ReadVariableOp").addInput(v.name())
            .putAttr("dtype", Attrs.type(v.dtype())));
        save.addInput(read);
      } else {
        save.addInput(v.name());
      }
    }
    g.addNode(save);
    g.addNode(NodeDef.newBuilder().setName(PREFIX + "control_dependency").setOp("Identity")
        .addInput(PREFIX + "filename").addInput("^" + PREFIX + "SaveV2").putAttr("T", Attrs.type(DataType.DT_STRING)));

    g.addNode(NodeDef.newBuilder().setName(PREFIX + "RestoreV2").setOp("RestoreV2")
        .addInput(PREFIX + "filename").addInput(PREFIX + "tensor_names").addInput(PREFIX + "shape_and_slices")
        .putAttr("dtypes", Attrs.types(types)));
    NodeDef.Builder restoreAll = NodeDef.newBuilder().setName(PREFIX + "restore_all").setOp("NoOp");
    for (int i = 0; i < vars.size(); i++) {
      VariableInfo v = vars.get(i);
      String assign = PREFIX + "Assign_" + i;
      String value = PREFIX + "RestoreV2" + (i == 0 ? "" : ":" + i);
      NodeDef.Builder a = NodeDef.newBuilder().setName(assign).addInput(v.name()).addInput(value);
      if (v.isResource()) {
        a.setOp("AssignVariableOp").putAttr("dtype", Attrs.type(v.dtype()));
      } else {
        a.setOp("Assign").putAttr("T", Attrs.type(v.dtype())).putAttr("validate_shape", Attrs.bool(true))
            .putAttr("use_locking", Attrs.bool(true));
      }
      g.addNode(a);
      restoreAll.addInput("^" + assign);
    }
    g.addNode(restoreAll);
    return g.build();
  }

  private static NodeDef constStrings(String name, List<String> values) {
    return NodeDef.newBuilder().setName(name).setOp("Const").putAttr("dtype", Attrs.type(DataType.DT_STRING))
        .putAttr("value", Attrs.stringTensor(values, values.size())).build();
  }
}
