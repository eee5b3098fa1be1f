package org.matcomp.compressor.lowrank;

import java.util.Optional;
import org.matcomp.compressor.Expr;
import org.matcomp.compressor.FactorLayout;
import org.matcomp.compressor.Factored;
import org.matcomp.compressor.ProductRule;

/** W = B·C (B rows×r, C r×cols): every consumer runs through B then C, W is never formed on a read path. */
public final class LowRankRule implements ProductRule {
  public static final String B = "B";
  public static final String C = "C";

  @Override
  public Expr dense(FactorLayout l) {
    return Expr.matMul(Expr.floats(B), Expr.floats(C));
  }

  @Override
  public boolean isFactored() {
    return true;
  }

  @Override
  public Optional<Factored> factored(FactorLayout l) {
    return Optional.of(new Factored(Expr.floats(B), Expr.floats(C), l.shape(B)[1]));
  }
}
