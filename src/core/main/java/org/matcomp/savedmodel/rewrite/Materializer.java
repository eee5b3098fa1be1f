package org.matcomp.savedmodel.rewrite;

import java.util.LinkedHashMap;
import java.util.Map;
import org.matcomp.savedmodel.trace.MatrixView;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;

/**
 * The fast serving form of one weight: its factors read and decoded by the form's product rule into the rows×cols
 * matrix, put back into the variable's own layout (the matrix view undone: reshape to the view's axis order, then
 * the inverse transpose, then the variable's shape), and assigned to the weight variable.
 */
final class Materializer {
  private Materializer() {}

  /** Emits the nodes into {@code sink}; returns the name of the assign. */
  static String emit(Replacement r, BodyRewriter.FactorAccess access, NodeSink sink) {
    String prefix = r.variable().name() + "_materialize";
    OpEmitter ops = new OpEmitter(sink, prefix);
    Map<String, ExprEmitter.FactorRef> refs = new LinkedHashMap<>();
    for (int j = 0; j < r.factors().size(); j++) {
      String read = access.emitRead(r, j, sink);
      StoredFactor f = r.factors().get(j);
      refs.put(f.role(), new ExprEmitter.FactorRef(sink.ref(read, access.readOutputArg(r), 0), f.spec()));
    }
    String w = new ExprEmitter(ops, refs, Map.of()).emit(r.form().dense(r.factors(), r.rows(), r.cols()));
    MatrixView view = r.view();
    if (view != null && !view.isIdentity()) {
      w = ops.reshape(null, w, ops.constInt32(ints(view.weightShape())), DataType.DT_FLOAT);
      w = ops.transpose(w, inverse(view.permutation()), DataType.DT_FLOAT);
    }
    w = ops.reshape(null, w, ops.constInt32(ints(r.variable().shape())), DataType.DT_FLOAT);
    String name = sink.uniqueName(prefix + "/assign");
    NodeDef.Builder a = NodeDef.newBuilder().setName(name).addInput(r.variable().name()).addInput(w);
    if (r.variable().isResource()) {
      a.setOp("AssignVariableOp").putAttr("dtype", Attrs.type(DataType.DT_FLOAT));
    } else {
      a.setOp("Assign").putAttr("T", Attrs.type(DataType.DT_FLOAT)).putAttr("validate_shape", Attrs.bool(true))
          .putAttr("use_locking", Attrs.bool(true));
    }
    sink.add(a.build());
    return name;
  }

  private static int[] ints(long[] v) {
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = Math.toIntExact(v[i]);
    }
    return out;
  }

  private static int[] inverse(int[] perm) {
    int[] inv = new int[perm.length];
    for (int i = 0; i < perm.length; i++) {
      inv[perm[i]] = i;
    }
    return inv;
  }
}
