package org.matcomp.savedmodel.rewrite;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.FactorType;
import org.matcomp.compressor.Int8Quantization;
import org.matcomp.compressor.Expr;
import org.tensorflow.proto.DataType;

/**
 * Emits a product rule's {@link Expr} as NodeDefs — the SavedModel interpreter, twin of the training graph's. Stored
 * factors are decoded where they are read: byte codes widened to int32, packed codes and bitmaps (8 / bits entries a
 * byte, LSB first) unpacked with RightShift and BitwiseAnd. Equal subexpressions are emitted once.
 */
final class ExprEmitter {
  /** A stored factor readable here: the tensor reference and its logical spec. */
  record FactorRef(String ref, FactorSpec spec) {}

  private final OpEmitter ops;
  private final Map<String, FactorRef> factors;
  private final Map<String, String> inputs;
  private final Map<Expr, String> emitted = new HashMap<>();

  ExprEmitter(OpEmitter ops, Map<String, FactorRef> factors, Map<String, String> inputs) {
    this.ops = ops;
    this.factors = Map.copyOf(factors);
    this.inputs = Map.copyOf(inputs);
  }

  String emit(Expr e) {
    String ref = emitted.get(e);
    if (ref == null) {
      ref = make(e);
      emitted.put(e, ref);
    }
    return ref;
  }

  private String make(Expr e) {
    if (e instanceof Expr.Factor f) {
      return read(f.role());
    }
    if (e instanceof Expr.Input in) {
      String ref = inputs.get(in.name());
      if (ref == null) {
        throw new IllegalArgumentException("no tensor bound to input " + in.name());
      }
      return ref;
    }
    if (e instanceof Expr.IntConst c) {
      return ops.constInt32(c.values());
    }
    if (e instanceof Expr.FloatConst c) {
      long[] shape = new long[c.shape().length];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = c.shape()[i];
      }
      return ops.constFloat(shape, c.values());
    }
    if (e instanceof Expr.MatMul m) {
      return ops.matMul(null, emit(m.a()), emit(m.b()), m.transposeA(), m.transposeB());
    }
    if (e instanceof Expr.Einsum m) {
      return ops.einsum(emit(m.a()), emit(m.b()), m.equation());
    }
    if (e instanceof Expr.Gather g) {
      return ops.gather(null, emit(g.params()), emit(g.indices()), dtype(g.params()), DataType.DT_INT32);
    }
    if (e instanceof Expr.Reshape r) {
      return ops.reshape(null, emit(r.x()), ops.constInt32(r.shape()), dtype(r.x()));
    }
    if (e instanceof Expr.Transpose t) {
      return ops.transpose(emit(t.x()), t.perm(), dtype(t.x()));
    }
    if (e instanceof Expr.Mul m) {
      return ops.mul(emit(m.a()), emit(m.b()), dtype(m));
    }
    if (e instanceof Expr.Add a) {
      return ops.add(emit(a.a()), emit(a.b()), dtype(a));
    }
    if (e instanceof Expr.Sum s) {
      return ops.sum(null, emit(s.x()), s.axis(), dtype(s));
    }
    if (e instanceof Expr.ToFloat t) {
      return ops.cast(emit(t.x()), dtype(t.x()), DataType.DT_FLOAT);
    }
    if (e instanceof Expr.Cumsum c) {
      return ops.cumsum(emit(c.x()), dtype(c));
    }
    if (e instanceof Expr.Concat c) {
      return ops.concat(List.of(emit(c.a()), emit(c.b())), dtype(c));
    }
    if (e instanceof Expr.Scatter s) {
      String positions = ops.expandDims(emit(s.positions()), -1, DataType.DT_INT32);
      return ops.scatterNd(null, positions, emit(s.updates()), ops.constInt32(s.size()), dtype(s),
          DataType.DT_INT32);
    }
    if (e instanceof Expr.RandomNormal n) {
      return ops.statelessRandomNormal(ops.constInt32(n.shape()), emit(n.seed()));
    }
    throw new IllegalArgumentException("no NodeDef form for " + e.getClass().getSimpleName());
  }

  /** A stored factor at its logical type: floats as stored, integers as int32, packed codes and bitmaps unpacked. */
  private String read(String role) {
    FactorRef f = factors.get(role);
    if (f == null) {
      throw new IllegalArgumentException("no stored factor " + role + " among " + factors.keySet());
    }
    FactorType type = f.spec().type();
    return switch (type) {
      case FLOAT32, INT32 -> f.ref();
      case FLOAT16 -> ops.cast(f.ref(), DataType.DT_HALF, DataType.DT_FLOAT);
      case BFLOAT16 -> ops.cast(f.ref(), DataType.DT_BFLOAT16, DataType.DT_FLOAT);
      case INT8, INT8_PER_TENSOR -> int8(f);
      case UINT8 -> ops.cast(f.ref(), DataType.DT_UINT8, DataType.DT_INT32);
      case UINT4, UINT2, UINT1, BIT -> unpack(f);
    };
  }

  /**
   * An int8 factor's floats ({@link Int8Quantization}): the codes sliced off the stored bytes, less the zero point, in
   * the factor's shape, times the scales bit-cast from the 4k bytes after them.
   */
  private String int8(FactorRef f) {
    int n = Math.toIntExact(f.spec().entries());
    int k = Int8Quantization.scales(f.spec().type(), f.spec().shape());
    String codes = ops.cast(ops.slice(f.ref(), ops.constInt32(0), ops.constInt32(n), DataType.DT_UINT8),
        DataType.DT_UINT8, DataType.DT_INT32);
    String shaped = ops.reshape(null, codes, ops.constInt32(f.spec().shape()), DataType.DT_INT32);
    String q = ops.cast(ops.add(shaped, ops.constInt32Scalar(-Int8Quantization.ZERO_POINT), DataType.DT_INT32),
        DataType.DT_INT32, DataType.DT_FLOAT);
    String scaleBytes = ops.reshape(null, ops.slice(f.ref(), ops.constInt32(n), ops.constInt32(4 * k),
        DataType.DT_UINT8), ops.constInt32(k, 4), DataType.DT_UINT8);
    return ops.mul(q, ops.bitcast(scaleBytes, DataType.DT_UINT8, DataType.DT_FLOAT), DataType.DT_FLOAT);
  }

  /**
   * A packed factor's entries as int32 in its logical shape: each byte shifted right by every entry's offset in it
   * (a constant vector), masked to the entry's width, flattened in entry order and cut to the entries stored.
   */
  private String unpack(FactorRef f) {
    FactorType type = f.spec().type();
    int n = Math.toIntExact(f.spec().entries());
    String bytes = ops.cast(f.ref(), DataType.DT_UINT8, DataType.DT_INT32);
    String column = ops.expandDims(bytes, -1, DataType.DT_INT32);
    String shifted = ops.rightShift(column, ops.constInt32(type.shifts()), DataType.DT_INT32);
    String entries = ops.bitwiseAnd(shifted, ops.constInt32Scalar((int) type.maxValue()), DataType.DT_INT32);
    String flat = ops.reshape(null, entries, ops.constInt32(-1), DataType.DT_INT32);
    String used = ops.slice(flat, ops.constInt32(0), ops.constInt32(n), DataType.DT_INT32);
    return ops.reshape(null, used, ops.constInt32(f.spec().shape()), DataType.DT_INT32);
  }

  private static DataType dtype(Expr e) {
    return e.type() == Expr.ValueType.FLOAT ? DataType.DT_FLOAT : DataType.DT_INT32;
  }
}
