package org.matcomp.compressor.prune;

/**
 * Elementwise pruning as model_pruning's {@code _update_mask}: keeps exactly {@code k = round(m·n·(1 − s))} entries,
 * the largest scores (|w| for plain magnitude pruning, whatever {@link PruningScore} gave otherwise). Rounding is
 * half-to-even like {@code tf.round}; ties go to the lower row-major index instead of the reference's random shuffle.
 */
public final class MagnitudeMask implements MaskRule {
  private static final MagnitudeMask INSTANCE = new MagnitudeMask();

  private MagnitudeMask() {}

  public static MagnitudeMask create() {
    return INSTANCE;
  }

  /** {@code round(entries·(1 − s))}, half to even. */
  static int keep(long entries, double sparsity) {
    return (int) Math.rint(entries * (1 - sparsity));
  }

  @Override
  public int keptCount(String matrix, int rows, int cols, double sparsity) {
    Checks.shape(matrix, rows, cols);
    Checks.sparsity(matrix, sparsity);
    return keep((long) rows * cols, sparsity);
  }

  @Override
  public PruningMask select(String matrix, float[] scores, int rows, int cols, double sparsity) {
    Checks.finiteMatrix(matrix, "scores", scores, rows, cols);
    int k = keptCount(matrix, rows, cols, sparsity);
    return new PruningMask(rows, cols, TopKSelector.select(scores, k));
  }

  @Override
  public String toString() {
    return "MagnitudeMask";
  }
}
