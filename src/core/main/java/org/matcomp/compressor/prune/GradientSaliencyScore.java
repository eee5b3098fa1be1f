package org.matcomp.compressor.prune;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import java.util.Arrays;

/**
 * First-order Taylor saliency with the true loss gradient: score = Σ_t |w_t · ∂L/∂w_t| over the training steps since
 * the previous mask update — the estimated loss change from removing each weight, summed over minibatches (Molchanov
 * et al.). The reference has no such option; its "gradient" options are weight-change proxies.
 *
 * <p>The sum restarts after every mask update, so an entry pruned at one update (w = 0, and a masked weight gets a
 * zero gradient) scores 0 at the next and cannot win its place back on stale history. A mask update with no step
 * observed since the last one is an error rather than an all-zero score. Mutable, one instance per matrix.
 */
public final class GradientSaliencyScore implements PruningScore {
  private int rows = -1;
  private int cols = -1;
  private double[] sum;
  private int steps;

  @Override
  public boolean needsLossGradient() {
    return true;
  }

  @Override
  public void observeStep(String matrix, float[] w, float[] lossGradient, int rows, int cols) {
    Checks.finiteMatrix(matrix, "weights", w, rows, cols);
    Checks.finiteMatrix(matrix, "loss gradients", lossGradient, rows, cols);
    bind(matrix, rows, cols);
    for (int i = 0; i < w.length; i++) {
      sum[i] += Math.abs((double) w[i] * lossGradient[i]);
    }
    steps++;
  }

  @Override
  public float[] scoresAtMaskUpdate(String matrix, float[] w, int rows, int cols) {
    Checks.finiteMatrix(matrix, "weights", w, rows, cols);
    checkState(sum != null && steps > 0,
        "%s: gradient saliency needs at least one observed training step (w and dL/dw) before a mask update", matrix);
    bind(matrix, rows, cols);
    float[] scores = new float[sum.length];
    for (int i = 0; i < sum.length; i++) {
      scores[i] = (float) sum[i];
    }
    Arrays.fill(sum, 0);
    steps = 0;
    return scores;
  }

  /** Steps observed since the last mask update. */
  public int observedSteps() {
    return steps;
  }

  private void bind(String matrix, int r, int c) {
    if (sum == null) {
      rows = r;
      cols = c;
      sum = new double[r * c];
      return;
    }
    checkArgument(r == rows && c == cols, "%s: this score tracks a %sx%s matrix, got %sx%s (use one score per matrix)",
        matrix, rows, cols, r, c);
  }

  @Override
  public String toString() {
    return "GradientSaliencyScore[steps=" + steps + "]";
  }
}
