package org.matcomp.compressor.narrow;

import org.matcomp.compressor.Expr;
import org.matcomp.compressor.FactorLayout;
import org.matcomp.compressor.ProductRule;

/** W is the stored factor itself; the interpreters widen it to float32 (and scale int8) where they read it. */
public final class NarrowRule implements ProductRule {
  public static final String WEIGHTS = "weights";

  @Override
  public Expr dense(FactorLayout l) {
    return Expr.floats(WEIGHTS);
  }
}
