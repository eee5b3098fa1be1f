package org.matcomp.compressor;

import java.util.Optional;

/**
 * A method's product rule B⊗C, written once as {@link Expr}s over its factors by role. The graph interpreters build
 * training graphs and SavedModel rewrites from it; {@link org.matcomp.compressor.Factorization#product()} and
 * {@code applyTo} stay in plain Java as the oracle the tests hold both against.
 */
public interface ProductRule {
  /** The name of the operand of {@link #applyTo} and of {@link #lookup}. */
  String X = "x";
  String IDS = "ids";

  /** W as a dense rows×cols matrix. */
  Expr dense(FactorLayout layout);

  /** W = left·right when the rule has that shape (low-rank, simhash), so consumers can skip W. */
  default Optional<Factored> factored(FactorLayout layout) {
    return Optional.empty();
  }

  /**
   * True when {@link #factored} always answers: the method approximates W by a product, which only consumers that
   * are matrix products can use (a depthwise filter is not one).
   */
  default boolean isFactored() {
    return false;
  }

  /** x·W for x [batch, rows] (the input {@link #X}); by default through {@link #factored} or W. */
  default Expr applyTo(FactorLayout layout) {
    Expr x = new Expr.Input(X, Expr.ValueType.FLOAT);
    return factored(layout).map(f -> Expr.matMul(Expr.matMul(x, f.left()), f.right()))
        .orElseGet(() -> Expr.matMul(x, dense(layout)));
  }

  /**
   * Rows {@link #IDS} (1-D int32) of W as [n, cols]: by default rows of left times right, or rows of W; rules whose
   * rows decode independently (codes, sparse codes) override it to touch only those rows.
   */
  default Expr lookup(FactorLayout layout) {
    Expr ids = new Expr.Input(IDS, Expr.ValueType.INT32);
    return factored(layout).map(f -> Expr.matMul(Expr.gather(f.left(), ids), f.right()))
        .orElseGet(() -> Expr.gather(dense(layout), ids));
  }
}
