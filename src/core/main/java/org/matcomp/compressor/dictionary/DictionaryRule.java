package org.matcomp.compressor.dictionary;

import org.matcomp.compressor.Expr;
import org.matcomp.compressor.FactorLayout;
import org.matcomp.compressor.ProductRule;

/**
 * Row i of W is Σⱼ values[i, j]·D[indices[i, j], :], k atoms a row. A lookup gathers only the rows' codes and their
 * atoms, then a small weighted sum: the table is never densified at read time.
 */
public final class DictionaryRule implements ProductRule {
  public static final String INDICES = "code_indices";
  public static final String VALUES = "code_values";
  public static final String DICTIONARY = "dictionary";

  @Override
  public Expr dense(FactorLayout l) {
    return combine(l, Expr.ints(INDICES), Expr.floats(VALUES));
  }

  @Override
  public Expr lookup(FactorLayout l) {
    Expr ids = new Expr.Input(IDS, Expr.ValueType.INT32);
    return combine(l, Expr.gather(Expr.ints(INDICES), ids), Expr.gather(Expr.floats(VALUES), ids));
  }

  /** [n, k] codes → [n, cols]: gather the atoms, weight them, sum over k. */
  private static Expr combine(FactorLayout l, Expr indices, Expr values) {
    int k = l.shape(VALUES)[1];
    Expr atoms = Expr.gather(Expr.floats(DICTIONARY), indices);
    return new Expr.Sum(new Expr.Mul(atoms, Expr.reshape(values, -1, k, 1)), 1);
  }
}
