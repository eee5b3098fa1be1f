package org.matcomp.savedmodel.finetune;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;

/**
 * An op's argument lists laid out flat. A function body names an output {@code node:outarg:i}, a graph names it
 * {@code node:k}; the two agree only when every output argument before {@code outarg} is a single tensor. An argument
 * with a {@code number_attr} (N tensors of one type) or a {@code type_list_attr} (one tensor per listed type) spans
 * several flat positions, counted here from the node's attributes and the op's registered OpDef.
 */
final class OpArgs {
  private static Map<String, OpDef> registered;

  private OpArgs() {}

  /** The registered OpDef of {@code op}, if this runtime has one. */
  static synchronized Optional<OpDef> registered(String op) {
    if (registered == null) {
      registered = TensorFlow.registeredOpList().getOpList().stream()
          .collect(Collectors.toUnmodifiableMap(OpDef::getName, Function.identity()));
    }
    return Optional.ofNullable(registered.get(op));
  }

  /** How many tensors each argument of {@code args} stands for on {@code node}. */
  static List<Integer> lengths(NodeDef node, OpDef op, List<OpDef.ArgDef> args) {
    List<Integer> out = new ArrayList<>();
    for (OpDef.ArgDef a : args) {
      if (!a.getNumberAttr().isEmpty()) {
        out.add(Math.toIntExact(attr(node, op, a.getNumberAttr()).getI()));
      } else if (!a.getTypeListAttr().isEmpty()) {
        out.add(attr(node, op, a.getTypeListAttr()).getList().getTypeCount());
      } else {
        out.add(1);
      }
    }
    return out;
  }

  /** The flat output position of {@code node:outputArg:index}. */
  static int flatOutput(NodeDef node, OpDef op, String outputArg, int index) {
    List<Integer> lengths = lengths(node, op, op.getOutputArgList());
    int offset = 0;
    for (int i = 0; i < op.getOutputArgCount(); i++) {
      if (op.getOutputArg(i).getName().equals(outputArg)) {
        if (index >= lengths.get(i)) {
          throw new IllegalArgumentException("node '" + node.getName() + "' (" + node.getOp() + ") has "
              + lengths.get(i) + " tensors in output '" + outputArg + "', not " + (index + 1));
        }
        return offset + index;
      }
      offset += lengths.get(i);
    }
    throw new IllegalArgumentException("node '" + node.getName() + "' (" + node.getOp() + ") has no output argument '"
        + outputArg + "'");
  }

  /** The dtypes of all outputs of {@code node}, flat, when the op declares them (types or type attributes). */
  static List<DataType> outputTypes(NodeDef node, OpDef op) {
    List<DataType> out = new ArrayList<>();
    List<Integer> lengths = lengths(node, op, op.getOutputArgList());
    for (int i = 0; i < op.getOutputArgCount(); i++) {
      OpDef.ArgDef a = op.getOutputArg(i);
      if (!a.getTypeListAttr().isEmpty()) {
        out.addAll(attr(node, op, a.getTypeListAttr()).getList().getTypeList());
        continue;
      }
      DataType t = a.getType() != DataType.DT_INVALID ? a.getType() : attr(node, op, a.getTypeAttr()).getType();
      for (int k = 0; k < lengths.get(i); k++) {
        out.add(t);
      }
    }
    return out;
  }

  /** The node's value of attribute {@code name}, or the OpDef's default; a function-attr placeholder is refused. */
  static AttrValue attr(NodeDef node, OpDef op, String name) {
    AttrValue v = node.getAttrOrDefault(name, null);
    if (v == null) {
      v = op.getAttrList().stream().filter(a -> a.getName().equals(name) && a.hasDefaultValue()).findFirst()
          .map(OpDef.AttrDef::getDefaultValue).orElse(null);
    }
    if (v == null) {
      throw new IllegalArgumentException("node '" + node.getName() + "' (" + node.getOp() + ") lacks attribute '"
          + name + "'");
    }
    if (v.getValueCase() == AttrValue.ValueCase.PLACEHOLDER) {
      throw new IllegalArgumentException("node '" + node.getName() + "' (" + node.getOp() + ") takes attribute '"
          + name + "' from its function's attribute '" + v.getPlaceholder() + "': generic functions are not"
          + " supported, only the concrete functions a SavedModel stores");
    }
    return v;
  }
}
