package org.matcomp.compressor.blockdiagonal;

import org.matcomp.compressor.Expr;
import org.matcomp.compressor.FactorLayout;
import org.matcomp.compressor.ProductRule;

/**
 * Block diagonal (option 10): x [batch, rows] is read as [batch, k, rows/k] and each block meets its own C[i] in one
 * Einsum ('bkm,kmn->bkn'); the off-diagonal zeros are never formed. W itself broadcasts the blocks against a k×k
 * identity.
 */
public final class BlockDiagonalRule implements ProductRule {
  @Override
  public Expr dense(FactorLayout l) {
    int[] c = l.shape(BlockDiagonalFactorization.BLOCKS);
    int k = c[0];
    float[] eye = new float[k * k];
    for (int i = 0; i < k; i++) {
      eye[i * k + i] = 1f;
    }
    Expr blocks = Expr.reshape(Expr.floats(BlockDiagonalFactorization.BLOCKS), k, c[1], 1, c[2]);
    return Expr.reshape(new Expr.Mul(blocks, new Expr.FloatConst(eye, new int[] {k, 1, k, 1})), l.rows(), l.cols());
  }

  @Override
  public Expr applyTo(FactorLayout l) {
    int[] c = l.shape(BlockDiagonalFactorization.BLOCKS);
    Expr blocked = Expr.reshape(new Expr.Input(X, Expr.ValueType.FLOAT), -1, c[0], c[1]);
    Expr y = new Expr.Einsum("bkm,kmn->bkn", blocked, Expr.floats(BlockDiagonalFactorization.BLOCKS));
    return Expr.reshape(y, -1, l.cols());
  }
}
