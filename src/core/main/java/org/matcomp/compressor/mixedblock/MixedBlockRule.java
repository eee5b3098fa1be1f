package org.matcomp.compressor.mixedblock;

import org.matcomp.compressor.Expr;
import org.matcomp.compressor.FactorLayout;
import org.matcomp.compressor.ProductRule;

/**
 * Mixed block (option 12), contiguous input blocks on every path: x [batch, rows] → [batch, k, rows/k]; each block j
 * through its block_matrices[:, :, j] ('bjm,mnj->bjn'); the k results mixed by Σ_bases linear_mixer
 * ('bjn,ij->bin'); flattened to [batch, cols].
 */
public final class MixedBlockRule implements ProductRule {
  /** W's block (j, i) = mix[i, j]·Mⱼ, by broadcasting [k, rows/k, 1, cols/k] against [k, 1, k, 1]. */
  @Override
  public Expr dense(FactorLayout l) {
    int[] b = l.shape(MixedBlockFactorization.BLOCKS);
    int k = b[2];
    Expr blocksFirst = Expr.reshape(new Expr.Transpose(Expr.floats(MixedBlockFactorization.BLOCKS),
        new int[] {2, 0, 1}), k, b[0], 1, b[1]);
    Expr mixT = Expr.reshape(new Expr.Transpose(mixer(), new int[] {1, 0}), k, 1, k, 1);
    return Expr.reshape(new Expr.Mul(blocksFirst, mixT), l.rows(), l.cols());
  }

  @Override
  public Expr applyTo(FactorLayout l) {
    int[] b = l.shape(MixedBlockFactorization.BLOCKS);
    Expr blocked = Expr.reshape(new Expr.Input(X, Expr.ValueType.FLOAT), -1, b[2], b[0]);
    Expr inner = new Expr.Einsum("bjm,mnj->bjn", blocked, Expr.floats(MixedBlockFactorization.BLOCKS));
    return Expr.reshape(new Expr.Einsum("bjn,ij->bin", inner, mixer()), -1, l.cols());
  }

  /** The effective k×k mixer: the bases summed. */
  private static Expr mixer() {
    return new Expr.Sum(Expr.floats(MixedBlockFactorization.MIXER), 2);
  }
}
