package org.matcomp.compressor.kmeans;

import java.util.Arrays;
import org.matcomp.compressor.Expr;
import org.matcomp.compressor.FactorLayout;
import org.matcomp.compressor.ProductRule;

/**
 * k-means (option 4) and k-means + pruning (option 8): W = codebook[codes] reshaped to rows×cols (one code per
 * block of bs row entries), times the bit mask when the layout has one. A lookup decodes only the rows asked for.
 * With pruning, codebook row 0 is the pinned zero pruned entries use: it is read through a row mask, so training the
 * codebook can never move it off zero.
 */
public final class CodebookRule implements ProductRule {
  public static final String CODEBOOK = CodebookLayout.CODEBOOK;
  public static final String CODES = CodebookLayout.CODES;
  public static final String MASK = CodebookLayout.MASK;

  private final boolean zeroRowPinned;

  public CodebookRule(boolean zeroRowPinned) {
    this.zeroRowPinned = zeroRowPinned;
  }

  @Override
  public Expr dense(FactorLayout l) {
    Expr w = Expr.reshape(Expr.gather(codebook(l), Expr.ints(CODES)), l.rows(), l.cols());
    return l.has(MASK) ? new Expr.Mul(w, new Expr.ToFloat(Expr.ints(MASK))) : w;
  }

  @Override
  public Expr lookup(FactorLayout l) {
    Expr ids = new Expr.Input(IDS, Expr.ValueType.INT32);
    Expr rows = Expr.reshape(Expr.gather(codebook(l), Expr.gather(Expr.ints(CODES), ids)), -1, l.cols());
    return l.has(MASK) ? new Expr.Mul(rows, new Expr.ToFloat(Expr.gather(Expr.ints(MASK), ids))) : rows;
  }

  private Expr codebook(FactorLayout l) {
    Expr c = Expr.floats(CODEBOOK);
    if (!zeroRowPinned) {
      return c;
    }
    int k = l.shape(CODEBOOK)[0];
    float[] keep = new float[k];
    Arrays.fill(keep, 1f);
    keep[0] = 0f;
    return new Expr.Mul(c, new Expr.FloatConst(keep, new int[] {k, 1}));
  }
}
