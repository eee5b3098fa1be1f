package org.matcomp.savedmodel.rewrite;

import java.util.List;
import java.util.Map;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;

/**
 * Emits the stock TensorFlow ops that compressed forms are made of into a {@link NodeSink}. Every method returns the
 * reference to the new node's first output; a null {@code name} picks a fresh one under {@code prefix}. Only ops of
 * the standard op set appear here, so the exported model loads with any TensorFlow.
 */
final class OpEmitter {
  private final NodeSink sink;
  private final String prefix;

  OpEmitter(NodeSink sink, String prefix) {
    this.sink = sink;
    this.prefix = prefix;
  }

  NodeSink sink() {
    return sink;
  }

  private String name(String name, String base) {
    return name != null ? name : sink.uniqueName(prefix + "/" + base);
  }

  private String emit(NodeDef.Builder n, String outputArg) {
    sink.add(n.build());
    return sink.ref(n.getName(), outputArg, 0);
  }

  private static NodeDef.Builder node(String name, String op, List<String> inputs, Map<String, AttrValue> attrs) {
    return NodeDef.newBuilder().setName(name).setOp(op).addAllInput(inputs).putAllAttr(attrs);
  }

  String matMul(String name, String a, String b, boolean transposeA, boolean transposeB) {
    return emit(node(name(name, "MatMul"), "MatMul", List.of(a, b), Map.of("T", Attrs.type(DataType.DT_FLOAT),
        "transpose_a", Attrs.bool(transposeA), "transpose_b", Attrs.bool(transposeB))), "product");
  }

  /** BatchMatMulV2 (broadcasting batch dimensions), adjoints as the consumer had them. */
  String batchMatMul(String name, String a, String b, boolean adjX, boolean adjY) {
    return emit(node(name(name, "BatchMatMulV2"), "BatchMatMulV2", List.of(a, b), Map.of("T",
        Attrs.type(DataType.DT_FLOAT), "adj_x", Attrs.bool(adjX), "adj_y", Attrs.bool(adjY))), "output");
  }

  String constInt32(int... values) {
    return emit(node(name(null, "Const"), "Const", List.of(), Map.of("dtype", Attrs.type(DataType.DT_INT32),
        "value", Attrs.int32Tensor(values))), "output");
  }

  String constInt32Scalar(int value) {
    return emit(node(name(null, "Const"), "Const", List.of(), Map.of("dtype", Attrs.type(DataType.DT_INT32),
        "value", Attrs.int32Scalar(value))), "output");
  }

  String constFloat(float... values) {
    return emit(node(name(null, "Const"), "Const", List.of(), Map.of("dtype", Attrs.type(DataType.DT_FLOAT),
        "value", Attrs.floatTensor(values))), "output");
  }

  /** A float constant of {@code shape}. */
  String constFloat(long[] shape, float[] values) {
    return emit(node(name(null, "Const"), "Const", List.of(), Map.of("dtype", Attrs.type(DataType.DT_FLOAT),
        "value", Attrs.floatTensor(shape, values))), "output");
  }

  String einsum(String a, String b, String equation) {
    return einsum(null, a, b, equation);
  }

  String einsum(String name, String a, String b, String equation) {
    return emit(node(name(name, "Einsum"), "Einsum", List.of(a, b), Map.of("T", Attrs.type(DataType.DT_FLOAT),
        "N", Attrs.integer(2), "equation", Attrs.string(equation))), "output");
  }

  String transpose(String x, int[] perm, DataType t) {
    return transpose(null, x, perm, t);
  }

  String transpose(String name, String x, int[] perm, DataType t) {
    String p = constInt32(perm);
    return emit(node(name(name, "Transpose"), "Transpose", List.of(x, p), Map.of("T", Attrs.type(t), "Tperm",
        Attrs.type(DataType.DT_INT32))), "y");
  }

  String add(String a, String b, DataType t) {
    return emit(node(name(null, "AddV2"), "AddV2", List.of(a, b), Map.of("T", Attrs.type(t))), "z");
  }

  /** Inclusive running sum along axis 0. */
  String cumsum(String x, DataType t) {
    String axis = constInt32Scalar(0);
    return emit(node(name(null, "Cumsum"), "Cumsum", List.of(x, axis), Map.of("T", Attrs.type(t), "Tidx",
        Attrs.type(DataType.DT_INT32), "exclusive", Attrs.bool(false), "reverse", Attrs.bool(false))), "out");
  }

  String constInt64(long... values) {
    return emit(node(name(null, "Const"), "Const", List.of(), Map.of("dtype", Attrs.type(DataType.DT_INT64),
        "value", Attrs.int64Tensor(values))), "output");
  }

  String reshape(String name, String x, String shape, DataType t) {
    return emit(node(name(name, "Reshape"), "Reshape", List.of(x, shape), Map.of("T", Attrs.type(t),
        "Tshape", Attrs.type(DataType.DT_INT32))), "output");
  }

  /** GatherV2 along axis 0. */
  String gather(String name, String params, String indices, DataType tparams, DataType tindices) {
    String axis = constInt32Scalar(0);
    return emit(node(name(name, "GatherV2"), "GatherV2", List.of(params, indices, axis), Map.of(
        "Tparams", Attrs.type(tparams), "Tindices", Attrs.type(tindices), "Taxis", Attrs.type(DataType.DT_INT32),
        "batch_dims", Attrs.integer(0))), "output");
  }

  String cast(String x, DataType from, DataType to) {
    return emit(node(name(null, "Cast"), "Cast", List.of(x), Map.of("SrcT", Attrs.type(from), "DstT",
        Attrs.type(to), "Truncate", Attrs.bool(false))), "y");
  }

  /** The int32 shape of {@code x}. */
  String shape(String x, DataType t) {
    return emit(node(name(null, "Shape"), "Shape", List.of(x), Map.of("T", Attrs.type(t), "out_type",
        Attrs.type(DataType.DT_INT32))), "output");
  }

  String concat(List<String> values, DataType t) {
    String axis = constInt32Scalar(0);
    List<String> in = new java.util.ArrayList<>(values);
    in.add(axis);
    return emit(node(name(null, "concat"), "ConcatV2", in, Map.of("T", Attrs.type(t), "N",
        Attrs.integer(values.size()), "Tidx", Attrs.type(DataType.DT_INT32))), "output");
  }

  String expandDims(String x, int axis, DataType t) {
    String a = constInt32Scalar(axis);
    return emit(node(name(null, "ExpandDims"), "ExpandDims", List.of(x, a), Map.of("T", Attrs.type(t), "Tdim",
        Attrs.type(DataType.DT_INT32))), "output");
  }

  String mul(String a, String b, DataType t) {
    return emit(node(name(null, "Mul"), "Mul", List.of(a, b), Map.of("T", Attrs.type(t))), "z");
  }

  String sum(String name, String x, int axis, DataType t) {
    String a = constInt32Scalar(axis);
    return emit(node(name(name, "Sum"), "Sum", List.of(x, a), Map.of("T", Attrs.type(t), "Tidx",
        Attrs.type(DataType.DT_INT32), "keep_dims", Attrs.bool(false))), "output");
  }

  String rightShift(String x, String y, DataType t) {
    return emit(node(name(null, "RightShift"), "RightShift", List.of(x, y), Map.of("T", Attrs.type(t))), "z");
  }

  String bitwiseAnd(String x, String y, DataType t) {
    return emit(node(name(null, "BitwiseAnd"), "BitwiseAnd", List.of(x, y), Map.of("T", Attrs.type(t))), "z");
  }

  /** {@code x}'s bytes read as {@code to} (the last axis of a narrower type folds into one entry). */
  String bitcast(String x, DataType from, DataType to) {
    return emit(node(name(null, "Bitcast"), "Bitcast", List.of(x), Map.of("T", Attrs.type(from), "type",
        Attrs.type(to))), "output");
  }

  /** Standard normal floats of {@code shape} (int32) from {@code seed} (int32[2]): the same in every TF runtime. */
  String statelessRandomNormal(String shape, String seed) {
    return emit(node(name(null, "StatelessRandomNormal"), "StatelessRandomNormal", List.of(shape, seed), Map.of(
        "dtype", Attrs.type(DataType.DT_FLOAT), "T", Attrs.type(DataType.DT_INT32), "Tseed",
        Attrs.type(DataType.DT_INT32))), "output");
  }

  String slice(String x, String begin, String size, DataType t) {
    return emit(node(name(null, "Slice"), "Slice", List.of(x, begin, size), Map.of("T", Attrs.type(t), "Index",
        Attrs.type(DataType.DT_INT32))), "output");
  }

  /** Coordinates of the nonzero entries, int64 [count, rank]. */
  String where(String x, DataType t) {
    return emit(node(name(null, "Where"), "Where", List.of(x), Map.of("T", Attrs.type(t))), "index");
  }

  String scatterNd(String name, String indices, String updates, String shape, DataType t, DataType tindices) {
    return emit(node(name(name, "ScatterNd"), "ScatterNd", List.of(indices, updates, shape), Map.of("T",
        Attrs.type(t), "Tindices", Attrs.type(tindices))), "output");
  }

  /** The entries of {@code params} at the int64 coordinates {@code indices} ([count, rank], as Where gives). */
  String gatherNd(String params, String indices, DataType t) {
    return emit(node(name(null, "GatherNd"), "GatherNd", List.of(params, indices), Map.of("Tparams", Attrs.type(t),
        "Tindices", Attrs.type(DataType.DT_INT64))), "output");
  }

  /** op(A)·op(b) for the float sparse matrix A given by int64 {@code indices} [count, 2], {@code values} and shape. */
  String sparseTensorDenseMatMul(String name, String indices, String values, String shape, String b,
      boolean adjointA, boolean adjointB) {
    return emit(node(name(name, "SparseTensorDenseMatMul"), "SparseTensorDenseMatMul",
        List.of(indices, values, shape, b), Map.of("T", Attrs.type(DataType.DT_FLOAT), "Tindices",
            Attrs.type(DataType.DT_INT64), "adjoint_a", Attrs.bool(adjointA), "adjoint_b", Attrs.bool(adjointB))),
        "product");
  }

  /** Adds a node built elsewhere (a consumer copy with new inputs); returns its first output. */
  String raw(NodeDef.Builder n, String outputArg) {
    return emit(n, outputArg);
  }
}
