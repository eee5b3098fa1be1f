package org.matcomp.savedmodel.trace;

import java.util.Set;
import java.util.function.Function;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;

/**
 * Ops that change only how a weight's values are seen, never the values or their row-major order: a Reshape to a
 * constant shape (Keras 3 reshapes an attention kernel [d, heads, head_dim] to [d, heads·head_dim] for a
 * BatchMatMulV2) and an ExpandDims by a constant axis (Keras Conv1D lowers to ExpandDims + Conv2D). A consumer
 * behind such a chain multiplies by the weight in the chain's final shape.
 */
public final class WeightViews {
  static final Set<String> OPS = Set.of("Reshape", "ExpandDims");

  private WeightViews() {}

  /** True if {@code n} is a view of its input 0 with a constant shape or axis ({@code nodes} finds its inputs). */
  public static boolean isConstantView(NodeDef n, Function<String, NodeDef> nodes) {
    return OPS.contains(n.getOp()) && constant(n, nodes) != null;
  }

  /** The shape {@code view} gives an input of shape {@code in}; null if it is not a constant view of it. */
  public static long[] apply(NodeDef view, long[] in, Function<String, NodeDef> nodes) {
    long[] c = constant(view, nodes);
    if (c == null || in == null) {
      return null;
    }
    long size = 1;
    for (long d : in) {
      size *= d;
    }
    if (view.getOp().equals("ExpandDims")) {
      if (c.length != 1) {
        return null;
      }
      int axis = (int) (c[0] < 0 ? c[0] + in.length + 1 : c[0]);
      if (axis < 0 || axis > in.length) {
        return null;
      }
      long[] out = new long[in.length + 1];
      for (int i = 0, j = 0; i < out.length; i++) {
        out[i] = i == axis ? 1 : in[j++];
      }
      return out;
    }
    long[] out = c.clone();
    long known = 1;
    int unknown = -1;
    for (int i = 0; i < out.length; i++) {
      if (out[i] < 0) {
        if (unknown >= 0) {
          return null;
        }
        unknown = i;
      } else {
        known *= out[i];
      }
    }
    if (unknown >= 0) {
      if (known == 0 || size % known != 0) {
        return null;
      }
      out[unknown] = size / known;
    }
    long total = 1;
    for (long d : out) {
      total *= d;
    }
    return total == size ? out : null;
  }

  /** The constant second input (shape or axis) of a view, or null. */
  private static long[] constant(NodeDef view, Function<String, NodeDef> nodes) {
    if (view.getInputCount() < 2) {
      return null;
    }
    String ref = view.getInput(1);
    if (ref.startsWith("^")) {
      return null;
    }
    NodeDef c = nodes.apply(ref.split(":")[0]);
    if (c == null || !c.getOp().equals("Const") || !c.containsAttr("value")) {
      return null;
    }
    TensorProto t = c.getAttrOrThrow("value").getTensor();
    int n = 1;
    for (var d : t.getTensorShape().getDimList()) {
      n *= (int) d.getSize();
    }
    long[] v = new long[n];
    switch (t.getDtype()) {
      case DT_INT32 -> {
        if (!t.getTensorContent().isEmpty()) {
          var b = t.getTensorContent().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN).asIntBuffer();
          for (int i = 0; i < n; i++) {
            v[i] = b.get(i);
          }
        } else if (t.getIntValCount() > 0) {
          for (int i = 0; i < n; i++) {
            v[i] = t.getIntVal(Math.min(i, t.getIntValCount() - 1));
          }
        } else {
          return null;
        }
      }
      case DT_INT64 -> {
        if (!t.getTensorContent().isEmpty()) {
          var b = t.getTensorContent().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN).asLongBuffer();
          for (int i = 0; i < n; i++) {
            v[i] = b.get(i);
          }
        } else if (t.getInt64ValCount() > 0) {
          for (int i = 0; i < n; i++) {
            v[i] = t.getInt64Val(Math.min(i, t.getInt64ValCount() - 1));
          }
        } else {
          return null;
        }
      }
      default -> {
        return null;
      }
    }
    return v;
  }
}
