package org.matcomp.compressor.simhash;

import java.util.Optional;
import org.matcomp.compressor.Expr;
import org.matcomp.compressor.FactorLayout;
import org.matcomp.compressor.Factored;
import org.matcomp.compressor.ProductRule;

/**
 * W = R·sign(S)·diag(D): R the fixed Gaussian projection (rows×k), regenerated from its stored seed by TensorFlow's
 * stateless random normal op wherever it is read; S the sign bits (k×cols, read as ±1); D the column scales. Factored
 * as R times sign(S)·diag(D), so x·W costs k(rows+cols) a row.
 */
public final class SimhashRule implements ProductRule {
  /** R's seed: two int32, the op's seed. */
  public static final String SEED = "seed";
  public static final String S = "S";
  public static final String D = "D";

  @Override
  public Expr dense(FactorLayout l) {
    return Expr.matMul(projection(l), scaledSigns());
  }

  /** R, rows×k, drawn from the seed. */
  private static Expr projection(FactorLayout l) {
    return new Expr.RandomNormal(Expr.ints(SEED), new int[] {l.rows(), l.shape(S)[0]});
  }

  @Override
  public boolean isFactored() {
    return true;
  }

  @Override
  public Optional<Factored> factored(FactorLayout l) {
    return Optional.of(new Factored(projection(l), scaledSigns(), l.shape(S)[0]));
  }

  /** Bits 1/0 as +1/−1, each column times its scale. */
  private static Expr scaledSigns() {
    Expr signs = new Expr.Add(new Expr.Mul(new Expr.ToFloat(Expr.ints(S)), Expr.scalar(2f)), Expr.scalar(-1f));
    return new Expr.Mul(signs, Expr.floats(D));
  }
}
