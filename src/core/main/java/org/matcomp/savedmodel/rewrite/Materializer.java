package org.matcomp.savedmodel.rewrite;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.matcomp.savedmodel.trace.MatrixView;
import org.matcomp.savedmodel.trace.VariableInfo;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;

/**
 * The fast serving form of one weight: its factors read and decoded by the form's product rule into the rows×cols
 * matrix, put back into the variable's own layout (the matrix view undone: reshape to the view's axis order, then
 * the inverse transpose, then the variable's shape), and assigned to the weight variable; or, served sparse, its
 * nonzeros assigned to the two variables SparseTensorDenseMatMul reads.
 */
final class Materializer {
  private Materializer() {}

  /** Emits the nodes into {@code sink}; returns the name of the assign. */
  static String emit(Replacement r, BodyRewriter.FactorAccess access, NodeSink sink) {
    OpEmitter ops = new OpEmitter(sink, r.variable().name() + "_materialize");
    String w = decoded(r, access, sink, ops);
    MatrixView view = r.view();
    if (view != null && !view.isIdentity()) {
      w = ops.reshape(null, w, ops.constInt32(ints(view.weightShape())), DataType.DT_FLOAT);
      w = ops.transpose(w, inverse(view.permutation()), DataType.DT_FLOAT);
    }
    w = ops.reshape(null, w, ops.constInt32(ints(r.variable().shape())), DataType.DT_FLOAT);
    return assign(r.variable(), r.variable().name(), w, DataType.DT_FLOAT, true, sink);
  }

  /**
   * The sparse serving form's load step: W decoded from {@code s}'s stored factors, the coordinates of its nonzeros
   * (Where, in row-major order) and their values (GatherNd) assigned to the two served variables; returns the names
   * of the two assigns.
   */
  static List<String> emitSparse(SparseReplacement s, BodyRewriter.FactorAccess access, NodeSink sink) {
    Replacement r = s.stored();
    OpEmitter ops = new OpEmitter(sink, r.variable().name() + "_sparse");
    String w = decoded(r, access, sink, ops);
    String indices = ops.where(w, DataType.DT_FLOAT);
    String values = ops.gatherNd(w, indices, DataType.DT_FLOAT);
    List<String> vars = s.served().factorVariables();
    return List.of(assign(r.variable(), vars.get(SparseForm.INDICES), indices, DataType.DT_INT64, false, sink),
        assign(r.variable(), vars.get(SparseForm.VALUES), values, DataType.DT_FLOAT, false, sink));
  }

  /** W as the rows×cols matrix of the form's product rule, from {@code r}'s stored factors. */
  private static String decoded(Replacement r, BodyRewriter.FactorAccess access, NodeSink sink, OpEmitter ops) {
    Map<String, ExprEmitter.FactorRef> refs = new LinkedHashMap<>();
    for (int j = 0; j < r.factors().size(); j++) {
      String read = access.emitRead(r, j, sink);
      StoredFactor f = r.factors().get(j);
      refs.put(f.role(), new ExprEmitter.FactorRef(sink.ref(read, access.readOutputArg(r), 0), f.spec()));
    }
    return new ExprEmitter(ops, refs, Map.of()).emit(r.form().dense(r.factors(), r.rows(), r.cols()));
  }

  /**
   * Assigns {@code value} to {@code variable}, a variable of the same kind as {@code like}; without {@code
   * validateShape} the value's shape may differ from the declared one (a sparse form's count is known only here).
   */
  private static String assign(VariableInfo like, String variable, String value, DataType t, boolean validateShape,
      NodeSink sink) {
    String name = sink.uniqueName(variable + "_materialize/assign");
    NodeDef.Builder a = NodeDef.newBuilder().setName(name).addInput(variable).addInput(value);
    if (like.isResource()) {
      a.setOp("AssignVariableOp").putAttr("dtype", Attrs.type(t));
    } else {
      a.setOp("Assign").putAttr("T", Attrs.type(t)).putAttr("validate_shape", Attrs.bool(validateShape))
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
