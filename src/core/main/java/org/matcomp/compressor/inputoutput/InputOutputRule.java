package org.matcomp.compressor.inputoutput;

import org.matcomp.compressor.Expr;
import org.matcomp.compressor.FactorLayout;
import org.matcomp.compressor.ProductRule;

/**
 * Input/output compression (option 9): y = expand_D(project_B(x)·C). A [batch, rows] input is read as rows of one
 * input block each, so the shared B applies as one MatMul; likewise D on the output blocks. B and D are present
 * only when their side is compressed.
 */
public final class InputOutputRule implements ProductRule {
  private static final String B = InputOutputFactorization.INPUT;
  private static final String C = InputOutputFactorization.CORE;
  private static final String D = InputOutputFactorization.OUTPUT;

  @Override
  public Expr applyTo(FactorLayout l) {
    Expr z = new Expr.Input(X, Expr.ValueType.FLOAT);
    if (l.has(B)) {
      int[] b = l.shape(B);
      z = Expr.reshape(Expr.matMul(Expr.reshape(z, -1, b[0]), Expr.floats(B)), -1, l.rows() / b[0] * b[1]);
    }
    return expand(l, Expr.matMul(z, Expr.floats(C)));
  }

  /**
   * (I ⊗ B)·C·(I ⊗ D) without a rows×rows identity: C's row blocks [rows/b_in, b_in/f_in, n'] are brought to
   * [b_in/f_in, (rows/b_in)·n'] so one MatMul by B treats them all, then transposed back.
   */
  @Override
  public Expr dense(FactorLayout l) {
    Expr pc = Expr.floats(C);
    int[] cs = l.shape(C);
    if (l.has(B)) {
      int[] b = l.shape(B);
      int blocks = l.rows() / b[0];
      Expr byBlock = new Expr.Transpose(Expr.reshape(pc, blocks, b[1], cs[1]), new int[] {1, 0, 2});
      Expr projected = Expr.matMul(Expr.floats(B), Expr.reshape(byBlock, b[1], blocks * cs[1]));
      pc = Expr.reshape(new Expr.Transpose(Expr.reshape(projected, b[0], blocks, cs[1]), new int[] {1, 0, 2}),
          l.rows(), cs[1]);
    }
    return expand(l, pc);
  }

  /** Rows of cols/f_out values, read as blocks of b_out/f_out, each times D, back to rows of cols. */
  private static Expr expand(FactorLayout l, Expr z) {
    if (!l.has(D)) {
      return z;
    }
    int[] d = l.shape(D);
    return Expr.reshape(Expr.matMul(Expr.reshape(z, -1, d[0]), Expr.floats(D)), -1, l.cols());
  }
}
