package org.matcomp.compressor.int8;

import org.matcomp.compressor.Expr;
import org.matcomp.compressor.FactorLayout;
import org.matcomp.compressor.ProductRule;

/**
 * W = (codes − 128)·scales: the codes are q + 128 in one unsigned byte each, the scales a row vector broadcast over
 * the rows (one value for per-tensor). A lookup dequantises only the rows asked for.
 */
public final class Int8Rule implements ProductRule {
  public static final String CODES = "codes";
  public static final String SCALES = "scales";
  /** q + ZERO_POINT is stored, so that −127..127 fits one unsigned byte. */
  static final int ZERO_POINT = 128;

  @Override
  public Expr dense(FactorLayout l) {
    return dequantise(Expr.ints(CODES));
  }

  @Override
  public Expr lookup(FactorLayout l) {
    return dequantise(Expr.gather(Expr.ints(CODES), new Expr.Input(IDS, Expr.ValueType.INT32)));
  }

  private static Expr dequantise(Expr codes) {
    Expr q = new Expr.Add(new Expr.ToFloat(codes), Expr.scalar(-ZERO_POINT));
    return new Expr.Mul(q, Expr.floats(SCALES));
  }
}
