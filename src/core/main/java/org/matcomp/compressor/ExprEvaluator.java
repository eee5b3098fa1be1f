package org.matcomp.compressor;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a product rule's {@link Expr} over factor values in plain Java: the host-side reading of a rule, for
 * products that no hand-written factorisation computes (a composition's chained decoders). Consumer inputs are not
 * bound here, so it evaluates {@link ProductRule#dense} forms; two-operand einsums are the graph interpreters' only.
 */
public final class ExprEvaluator {
  /** A value: float or int entries, row-major, and its shape. */
  private record Value(float[] f, int[] i, int[] shape) {
    int size() {
      return f != null ? f.length : i.length;
    }

    float at(int k) {
      return f != null ? f[k] : i[k];
    }
  }

  private final Map<String, Factor> factors = new HashMap<>();

  private ExprEvaluator(List<Factor> factors) {
    for (Factor f : factors) {
      this.factors.put(f.name(), f);
    }
  }

  /** {@code e}, a float matrix expression over {@code factors}, as a rows×cols matrix. */
  public static org.matcomp.linalg.FloatMatrix matrix(Expr e, List<Factor> factors, int rows, int cols) {
    Value v = new ExprEvaluator(factors).eval(e);
    checkArgument(v.f() != null && v.size() == (long) rows * cols, "%s is not a %sx%s float matrix",
        Arrays.toString(v.shape()), rows, cols);
    return org.matcomp.linalg.FloatMatrix.adopt(rows, cols, v.f());
  }

  private Value eval(Expr e) {
    if (e instanceof Expr.Factor x) {
      Factor f = factors.get(x.role());
      checkArgument(f != null, "no factor %s among %s", x.role(), factors.keySet());
      int[] shape = f.spec().shape();
      return f.spec().type().isFloat() ? new Value(f.floats(), null, shape) : new Value(null, f.ints(), shape);
    }
    if (e instanceof Expr.IntConst c) {
      return new Value(null, c.values(), new int[] {c.values().length});
    }
    if (e instanceof Expr.FloatConst c) {
      return new Value(c.values(), null, c.shape());
    }
    if (e instanceof Expr.MatMul m) {
      return matMul(eval(m.a()), eval(m.b()), m.transposeA(), m.transposeB());
    }
    if (e instanceof Expr.Gather g) {
      return gather(eval(g.params()), eval(g.indices()));
    }
    if (e instanceof Expr.Reshape r) {
      Value x = eval(r.x());
      return new Value(x.f(), x.i(), resolve(r.shape(), x.size()));
    }
    if (e instanceof Expr.Transpose t) {
      return transpose(eval(t.x()), t.perm());
    }
    if (e instanceof Expr.Mul m) {
      return broadcast(eval(m.a()), eval(m.b()), true);
    }
    if (e instanceof Expr.Add a) {
      return broadcast(eval(a.a()), eval(a.b()), false);
    }
    if (e instanceof Expr.Sum s) {
      return sum(eval(s.x()), s.axis());
    }
    if (e instanceof Expr.ToFloat t) {
      Value x = eval(t.x());
      float[] out = new float[x.size()];
      for (int k = 0; k < out.length; k++) {
        out[k] = x.at(k);
      }
      return new Value(out, null, x.shape());
    }
    if (e instanceof Expr.Cumsum c) {
      Value x = eval(c.x());
      int[] out = new int[x.size()];
      int run = 0;
      for (int k = 0; k < out.length; k++) {
        run += x.i()[k];
        out[k] = run;
      }
      return new Value(null, out, x.shape());
    }
    if (e instanceof Expr.Concat c) {
      Value a = eval(c.a());
      Value b = eval(c.b());
      int[] shape = {a.size() + b.size()};
      if (a.f() != null) {
        float[] out = Arrays.copyOf(a.f(), shape[0]);
        System.arraycopy(b.f(), 0, out, a.size(), b.size());
        return new Value(out, null, shape);
      }
      int[] out = Arrays.copyOf(a.i(), shape[0]);
      System.arraycopy(b.i(), 0, out, a.size(), b.size());
      return new Value(null, out, shape);
    }
    if (e instanceof Expr.Scatter s) {
      Value pos = eval(s.positions());
      Value upd = eval(s.updates());
      float[] out = new float[s.size()];
      for (int k = 0; k < pos.size(); k++) {
        out[pos.i()[k]] += upd.f()[k];
      }
      return new Value(out, null, new int[] {s.size()});
    }
    if (e instanceof Expr.RandomNormal n) {
      return new Value(SeededGaussian.draw(eval(n.seed()).i(), n.shape()), null, n.shape());
    }
    throw new IllegalArgumentException("the host evaluator has no " + e.getClass().getSimpleName());
  }

  private static Value matMul(Value a, Value b, boolean ta, boolean tb) {
    checkArgument(a.shape().length == 2 && b.shape().length == 2, "matmul of %s and %s",
        Arrays.toString(a.shape()), Arrays.toString(b.shape()));
    int m = ta ? a.shape()[1] : a.shape()[0];
    int k = ta ? a.shape()[0] : a.shape()[1];
    int kb = tb ? b.shape()[1] : b.shape()[0];
    int n = tb ? b.shape()[0] : b.shape()[1];
    checkArgument(k == kb, "matmul inner dimensions %s and %s", k, kb);
    float[] out = new float[m * n];
    for (int r = 0; r < m; r++) {
      for (int p = 0; p < k; p++) {
        float av = ta ? a.f()[p * m + r] : a.f()[r * k + p];
        if (av == 0f) {
          continue;
        }
        for (int c = 0; c < n; c++) {
          out[r * n + c] += av * (tb ? b.f()[c * k + p] : b.f()[p * n + c]);
        }
      }
    }
    return new Value(out, null, new int[] {m, n});
  }

  private static Value gather(Value params, Value indices) {
    int[] ps = params.shape();
    int inner = 1;
    for (int d = 1; d < ps.length; d++) {
      inner *= ps[d];
    }
    int[] shape = new int[indices.shape().length + ps.length - 1];
    System.arraycopy(indices.shape(), 0, shape, 0, indices.shape().length);
    System.arraycopy(ps, 1, shape, indices.shape().length, ps.length - 1);
    int n = indices.size();
    float[] f = params.f() != null ? new float[n * inner] : null;
    int[] i = params.f() == null ? new int[n * inner] : null;
    for (int k = 0; k < n; k++) {
      int row = indices.i()[k];
      checkArgument(row >= 0 && row < ps[0], "gather index %s outside [0, %s)", row, ps[0]);
      if (f != null) {
        System.arraycopy(params.f(), row * inner, f, k * inner, inner);
      } else {
        System.arraycopy(params.i(), row * inner, i, k * inner, inner);
      }
    }
    return new Value(f, i, shape);
  }

  private static int[] resolve(int[] shape, int size) {
    int[] out = shape.clone();
    int known = 1;
    int free = -1;
    for (int d = 0; d < out.length; d++) {
      if (out[d] == -1) {
        free = d;
      } else {
        known *= out[d];
      }
    }
    if (free >= 0) {
      out[free] = size / known;
      known *= out[free];
    }
    checkArgument(known == size, "cannot reshape %s entries to %s", size, Arrays.toString(shape));
    return out;
  }

  private static int[] strides(int[] shape) {
    int[] s = new int[shape.length];
    int acc = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      s[d] = acc;
      acc *= shape[d];
    }
    return s;
  }

  private static Value transpose(Value x, int[] perm) {
    int[] in = x.shape();
    int[] inStrides = strides(in);
    int[] shape = new int[in.length];
    for (int d = 0; d < perm.length; d++) {
      shape[d] = in[perm[d]];
    }
    int n = x.size();
    float[] f = x.f() != null ? new float[n] : null;
    int[] i = x.f() == null ? new int[n] : null;
    int[] idx = new int[shape.length];
    for (int k = 0; k < n; k++) {
      int src = 0;
      for (int d = 0; d < shape.length; d++) {
        src += idx[d] * inStrides[perm[d]];
      }
      if (f != null) {
        f[k] = x.f()[src];
      } else {
        i[k] = x.i()[src];
      }
      for (int d = shape.length - 1; d >= 0 && ++idx[d] == shape[d]; d--) {
        idx[d] = 0;
      }
    }
    return new Value(f, i, shape);
  }

  /** NumPy broadcasting of two same-typed operands. */
  private static Value broadcast(Value a, Value b, boolean multiply) {
    int rank = Math.max(a.shape().length, b.shape().length);
    int[] as = pad(a.shape(), rank);
    int[] bs = pad(b.shape(), rank);
    int[] shape = new int[rank];
    for (int d = 0; d < rank; d++) {
      checkArgument(as[d] == bs[d] || as[d] == 1 || bs[d] == 1, "cannot broadcast %s with %s",
          Arrays.toString(a.shape()), Arrays.toString(b.shape()));
      shape[d] = Math.max(as[d], bs[d]);
    }
    int[] aStr = strides(as);
    int[] bStr = strides(bs);
    int n = Arrays.stream(shape).reduce(1, (p, q) -> p * q);
    boolean floats = a.f() != null;
    float[] f = floats ? new float[n] : null;
    int[] i = floats ? null : new int[n];
    int[] idx = new int[rank];
    for (int k = 0; k < n; k++) {
      int ai = 0;
      int bi = 0;
      for (int d = 0; d < rank; d++) {
        ai += (as[d] == 1 ? 0 : idx[d]) * aStr[d];
        bi += (bs[d] == 1 ? 0 : idx[d]) * bStr[d];
      }
      if (floats) {
        f[k] = multiply ? a.f()[ai] * b.f()[bi] : a.f()[ai] + b.f()[bi];
      } else {
        i[k] = multiply ? a.i()[ai] * b.i()[bi] : a.i()[ai] + b.i()[bi];
      }
      for (int d = rank - 1; d >= 0 && ++idx[d] == shape[d]; d--) {
        idx[d] = 0;
      }
    }
    return new Value(f, i, shape);
  }

  private static int[] pad(int[] shape, int rank) {
    int[] out = new int[rank];
    Arrays.fill(out, 1);
    System.arraycopy(shape, 0, out, rank - shape.length, shape.length);
    return out;
  }

  private static Value sum(Value x, int axis) {
    checkArgument(x.f() != null, "sum of integers");
    int[] in = x.shape();
    int ax = axis < 0 ? axis + in.length : axis;
    int outer = 1;
    for (int d = 0; d < ax; d++) {
      outer *= in[d];
    }
    int inner = 1;
    for (int d = ax + 1; d < in.length; d++) {
      inner *= in[d];
    }
    int[] shape = new int[in.length - 1];
    for (int d = 0, j = 0; d < in.length; d++) {
      if (d != ax) {
        shape[j++] = in[d];
      }
    }
    float[] out = new float[outer * inner];
    for (int o = 0; o < outer; o++) {
      for (int a = 0; a < in[ax]; a++) {
        for (int q = 0; q < inner; q++) {
          out[o * inner + q] += x.at((o * in[ax] + a) * inner + q);
        }
      }
    }
    return new Value(out, null, shape);
  }
}
