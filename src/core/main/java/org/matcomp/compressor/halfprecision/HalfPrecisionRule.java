package org.matcomp.compressor.halfprecision;

import org.matcomp.compressor.Expr;
import org.matcomp.compressor.FactorLayout;
import org.matcomp.compressor.ProductRule;

/** W is the stored factor itself; the interpreters widen its 16-bit floats to float32 where they read it. */
public final class HalfPrecisionRule implements ProductRule {
  public static final String WEIGHTS = "weights";

  @Override
  public Expr dense(FactorLayout l) {
    return Expr.floats(WEIGHTS);
  }
}
