package org.matcomp.compressor.prune;

import org.matcomp.compressor.Expr;
import org.matcomp.compressor.FactorLayout;
import org.matcomp.compressor.ProductRule;

/**
 * The kept values put back in place: with a bitmap, entry i takes value number cumsum(bits)[i] − 1 when its bit is
 * set, and the 0 padded in front of the values otherwise — one gather, no Where; with positions, a scatter; with gaps
 * ({@link GapPositions}), positions are the running sum of what each symbol advances, and fillers scatter a zero.
 */
public final class PrunedRule implements ProductRule {
  @Override
  public Expr dense(FactorLayout l) {
    Expr values = Expr.floats(PrunedFactorization.VALUES);
    int n = Math.multiplyExact(l.rows(), l.cols());
    if (l.has(GapPositions.GAPS)) {
      int bits = l.spec(GapPositions.GAPS).type().bitsPerEntry();
      Expr symbols = Expr.ints(GapPositions.GAPS);
      Expr positions = new Expr.Add(new Expr.Cumsum(Expr.gather(new Expr.IntConst(GapPositions.advances(bits)),
          symbols)), new Expr.IntConst(new int[] {-1}));
      float[] kept = GapPositions.kept(bits);
      Expr real = Expr.gather(new Expr.FloatConst(kept, new int[] {kept.length}), symbols);
      return Expr.reshape(new Expr.Scatter(positions, new Expr.Mul(values, real), n), l.rows(), l.cols());
    }
    if (l.has(PrunedFactorization.INDICES)) {
      return Expr.reshape(new Expr.Scatter(Expr.ints(PrunedFactorization.INDICES), values, n), l.rows(), l.cols());
    }
    Expr bits = Expr.reshape(Expr.ints(PrunedFactorization.MASK), -1);
    Expr slot = new Expr.Mul(new Expr.Cumsum(bits), bits);
    Expr padded = new Expr.Concat(new Expr.FloatConst(new float[] {0f}, new int[] {1}), values);
    return Expr.reshape(Expr.gather(padded, slot), l.rows(), l.cols());
  }
}
