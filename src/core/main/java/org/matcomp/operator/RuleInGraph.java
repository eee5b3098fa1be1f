package org.matcomp.operator;

import java.util.Map;
import java.util.Optional;
import org.matcomp.compressor.FactorLayout;
import org.matcomp.compressor.ProductRule;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TIntegral;

/** A method's {@link ProductRule} built in a training graph over its factor variables. */
final class RuleInGraph implements GraphProductRule {
  private final ProductRule rule;

  RuleInGraph(ProductRule rule) {
    this.rule = rule;
  }

  @Override
  public Operand<TFloat32> product(Ops tf, FactorVariables f, int rows, int cols) {
    return new ExprInGraph(tf, f, Map.of()).floats(rule.dense(layout(f, rows, cols)));
  }

  @Override
  public Operand<TFloat32> applyTo(Ops tf, Operand<TFloat32> x, FactorVariables f, int rows, int cols) {
    return new ExprInGraph(tf, f, Map.of(ProductRule.X, x)).floats(rule.applyTo(layout(f, rows, cols)));
  }

  @Override
  public Optional<Factors> factors(Ops tf, FactorVariables f, int rows, int cols) {
    ExprInGraph in = new ExprInGraph(tf, f, Map.of());
    return rule.factored(layout(f, rows, cols))
        .map(p -> new Factors(in.floats(p.left()), in.floats(p.right()), p.rank()));
  }

  /** Ids of any shape: looked up flat, the result shaped ids.shape + [cols]. */
  @Override
  public Operand<TFloat32> lookup(Ops tf, Operand<? extends TIntegral> ids, FactorVariables f, int rows,
      int cols) {
    Operand<? extends TIntegral> flat = tf.reshape(ids, tf.constant(new int[] {-1}));
    Operand<TFloat32> found = new ExprInGraph(tf, f, Map.of(ProductRule.IDS, flat))
        .floats(rule.lookup(layout(f, rows, cols)));
    Operand<org.tensorflow.types.TInt32> shape = tf.concat(java.util.List.of(
        tf.dtypes.cast(tf.shape(ids), org.tensorflow.types.TInt32.class), tf.constant(new int[] {cols})),
        tf.constant(0));
    return tf.reshape(found, shape);
  }

  private static FactorLayout layout(FactorVariables f, int rows, int cols) {
    return new FactorLayout(rows, cols, f.layout());
  }
}
