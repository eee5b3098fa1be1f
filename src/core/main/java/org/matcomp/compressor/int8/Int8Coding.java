package org.matcomp.compressor.int8;

import java.util.List;
import java.util.Optional;
import org.matcomp.compressor.Expr;
import org.matcomp.compressor.FactorLayout;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.ValueCoder;
import org.matcomp.compressor.ValueCoding;

/**
 * A float factor X stored as int8: {@code X__q} (X's shape, q + 128 in a byte) and {@code X__scales} (one a column
 * of X's last axis, or one), X = (q − 128)·scales.
 */
final class Int8Coding implements ValueCoding {
  static final String Q = "q";
  static final String SCALES = "scales";

  @Override
  public Optional<FactorSpec> original(FactorSpec stored, FactorLayout layout) {
    return ValueCoding.named(stored, layout, Q, SCALES);
  }

  @Override
  public List<String> roles(FactorSpec original) {
    return List.of(ValueCoder.role(original.name(), Q), ValueCoder.role(original.name(), SCALES));
  }

  @Override
  public Expr decode(FactorSpec original) {
    Expr q = new Expr.Add(new Expr.ToFloat(Expr.ints(ValueCoder.role(original.name(), Q))),
        Expr.scalar(-Int8Rule.ZERO_POINT));
    return new Expr.Mul(q, Expr.floats(ValueCoder.role(original.name(), SCALES)));
  }
}
