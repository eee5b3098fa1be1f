package org.matcomp.compressor;

import java.util.function.Function;

/** Rebuilds an {@link Expr} with every stored-factor read replaced: how a composition chains a coder's decoders. */
public final class ExprRewrite {
  private ExprRewrite() {}

  /** {@code e} with each {@link Expr.Factor} {@code f} replaced by {@code replace.apply(f)}. */
  public static Expr replaceFactors(Expr e, Function<Expr.Factor, Expr> replace) {
    Function<Expr, Expr> r = x -> replaceFactors(x, replace);
    if (e instanceof Expr.Factor f) {
      return replace.apply(f);
    }
    if (e instanceof Expr.Input || e instanceof Expr.FloatConst || e instanceof Expr.IntConst) {
      return e;
    }
    if (e instanceof Expr.MatMul m) {
      return new Expr.MatMul(r.apply(m.a()), r.apply(m.b()), m.transposeA(), m.transposeB());
    }
    if (e instanceof Expr.Einsum m) {
      return new Expr.Einsum(m.equation(), r.apply(m.a()), r.apply(m.b()));
    }
    if (e instanceof Expr.Gather g) {
      return new Expr.Gather(r.apply(g.params()), r.apply(g.indices()));
    }
    if (e instanceof Expr.Reshape s) {
      return new Expr.Reshape(r.apply(s.x()), s.shape());
    }
    if (e instanceof Expr.Transpose t) {
      return new Expr.Transpose(r.apply(t.x()), t.perm());
    }
    if (e instanceof Expr.Mul m) {
      return new Expr.Mul(r.apply(m.a()), r.apply(m.b()));
    }
    if (e instanceof Expr.Add a) {
      return new Expr.Add(r.apply(a.a()), r.apply(a.b()));
    }
    if (e instanceof Expr.Sum s) {
      return new Expr.Sum(r.apply(s.x()), s.axis());
    }
    if (e instanceof Expr.ToFloat t) {
      return new Expr.ToFloat(r.apply(t.x()));
    }
    if (e instanceof Expr.Cumsum c) {
      return new Expr.Cumsum(r.apply(c.x()));
    }
    if (e instanceof Expr.Concat c) {
      return new Expr.Concat(r.apply(c.a()), r.apply(c.b()));
    }
    if (e instanceof Expr.Scatter s) {
      return new Expr.Scatter(r.apply(s.positions()), r.apply(s.updates()), s.size());
    }
    if (e instanceof Expr.RandomNormal n) {
      return new Expr.RandomNormal(r.apply(n.seed()), n.shape());
    }
    throw new IllegalArgumentException("no rewrite for " + e.getClass().getSimpleName());
  }
}
