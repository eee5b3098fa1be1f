package org.matcomp.savedmodel.trace;

import java.util.Arrays;
import java.util.Set;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorShapeProto;

/**
 * A variable of the top-level graph: a TF2 resource variable ({@code VarHandleOp}) or a TF1 / TF-Java ref variable
 * ({@code VariableV2}), with its declared dtype and shape (-1 for an unknown dimension).
 */
public record VariableInfo(String name, String op, DataType dtype, long[] shape) {
  static final Set<String> VARIABLE_OPS = Set.of("VarHandleOp", "VariableV2", "Variable");

  public static boolean isVariable(NodeDef n) {
    return isVariableOp(n.getOp());
  }

  public static boolean isVariableOp(String op) {
    return VARIABLE_OPS.contains(op);
  }

  public static VariableInfo of(NodeDef n) {
    DataType dtype = n.containsAttr("dtype") ? n.getAttrOrThrow("dtype").getType() : DataType.DT_INVALID;
    long[] shape = n.containsAttr("shape") ? dims(n.getAttrOrThrow("shape").getShape()) : new long[0];
    return new VariableInfo(n.getName(), n.getOp(), dtype, shape);
  }

  public static long[] dims(TensorShapeProto s) {
    if (s.getUnknownRank()) {
      return null;
    }
    return s.getDimList().stream().mapToLong(TensorShapeProto.Dim::getSize).toArray();
  }

  /** True for a resource variable, whose value is read with ReadVariableOp / ResourceGather. */
  public boolean isResource() {
    return op.equals("VarHandleOp");
  }

  public long elements() {
    long n = 1;
    for (long d : shape) {
      n *= Math.max(d, 0);
    }
    return n;
  }

  boolean fullyDefined() {
    return shape != null && Arrays.stream(shape).allMatch(d -> d >= 0);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VariableInfo v && name.equals(v.name) && op.equals(v.op) && dtype == v.dtype
        && Arrays.equals(shape, v.shape);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return name + " " + op + " " + dtype + Arrays.toString(shape);
  }
}
