package org.matcomp.operator;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.matcomp.compressor.Expr;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * Builds a product rule's {@link Expr} from TF Java ops over a matrix's factor variables — the training-graph
 * interpreter. Every float path uses ops with registered gradients (MatMul, Einsum, GatherV2, Reshape, Transpose,
 * Mul, Add, Sum, ConcatV2, ScatterNd), so trainable factors keep training; integer factors (codes, masks, positions)
 * are read as int32 whatever their storage width. Equal subexpressions are built once.
 */
final class ExprInGraph {
  private final Ops tf;
  private final FactorVariables factors;
  private final Map<String, Operand<? extends TType>> inputs;
  private final Map<Expr, Operand<? extends TType>> built = new HashMap<>();

  ExprInGraph(Ops tf, FactorVariables factors, Map<String, Operand<? extends TType>> inputs) {
    this.tf = tf;
    this.factors = factors;
    this.inputs = Map.copyOf(inputs);
  }

  Operand<TFloat32> floats(Expr e) {
    return cast(build(e));
  }

  @SuppressWarnings("unchecked")
  private static <T extends TType> Operand<T> cast(Operand<? extends TType> o) {
    return (Operand<T>) o;
  }

  private Operand<? extends TType> build(Expr e) {
    Operand<? extends TType> o = built.get(e);
    if (o == null) {
      o = make(e);
      built.put(e, o);
    }
    return o;
  }

  private Operand<? extends TType> make(Expr e) {
    if (e instanceof Expr.Factor f) {
      return f.type() == Expr.ValueType.FLOAT ? factors.read(tf, f.role()) : int32(factors.readAny(tf, f.role()));
    }
    if (e instanceof Expr.Input in) {
      Operand<? extends TType> v = inputs.get(in.name());
      if (v == null) {
        throw new IllegalArgumentException("no operand bound to input " + in.name());
      }
      return in.type() == Expr.ValueType.INT32 ? int32(v) : v;
    }
    if (e instanceof Expr.IntConst c) {
      return tf.constant(c.values());
    }
    if (e instanceof Expr.FloatConst c) {
      return tf.constant(Shape.of(longs(c.shape())), DataBuffers.of(c.values()));
    }
    if (e instanceof Expr.MatMul m) {
      return tf.linalg.matMul(cast(build(m.a())), cast(build(m.b())), MatMul.transposeA(m.transposeA()),
          MatMul.transposeB(m.transposeB()));
    }
    if (e instanceof Expr.Einsum m) {
      return tf.linalg.einsum(List.of(cast(build(m.a())), cast(build(m.b()))), m.equation());
    }
    if (e instanceof Expr.Gather g) {
      return tf.gather(build(g.params()), cast(build(g.indices())), tf.constant(0));
    }
    if (e instanceof Expr.Reshape r) {
      return tf.reshape(build(r.x()), tf.constant(r.shape()));
    }
    if (e instanceof Expr.Transpose t) {
      return tf.linalg.transpose(build(t.x()), tf.constant(t.perm()));
    }
    if (e instanceof Expr.Mul m) {
      return tf.math.mul(cast(build(m.a())), cast(build(m.b())));
    }
    if (e instanceof Expr.Add a) {
      return tf.math.add(cast(build(a.a())), cast(build(a.b())));
    }
    if (e instanceof Expr.Sum s) {
      return tf.sum(cast(build(s.x())), tf.constant(s.axis()));
    }
    if (e instanceof Expr.ToFloat t) {
      return tf.dtypes.cast(build(t.x()), TFloat32.class);
    }
    if (e instanceof Expr.Cumsum c) {
      return tf.math.cumsum(cast(build(c.x())), tf.constant(0));
    }
    if (e instanceof Expr.Concat c) {
      return tf.concat(List.of(cast(build(c.a())), cast(build(c.b()))), tf.constant(0));
    }
    if (e instanceof Expr.Scatter s) {
      return tf.scatterNd(tf.reshape(cast(build(s.positions())), tf.constant(new int[] {-1, 1})),
          build(s.updates()), tf.constant(new int[] {s.size()}));
    }
    if (e instanceof Expr.RandomNormal n) {
      return tf.random.statelessRandomNormal(tf.constant(n.shape()), cast(build(n.seed())), TFloat32.class);
    }
    throw new IllegalArgumentException("no TF op for " + e.getClass().getSimpleName());
  }

  private Operand<TInt32> int32(Operand<? extends TType> v) {
    return v.type() == TInt32.class ? cast(v) : tf.dtypes.cast(v, TInt32.class);
  }

  private static long[] longs(int[] shape) {
    long[] s = new long[shape.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = shape[i];
    }
    return s;
  }
}
