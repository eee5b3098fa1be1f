package org.matcomp.compressor.prune;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The shared half of model_pruning's weight-change proxies ({@code prune_option} first/second_order_gradient): an
 * exponential moving average g of a normalised weight change, score |w|·g. Subclasses say which change.
 *
 * <p>Order at a mask update, the one the reference's nested control dependencies spell out: (1) g ← decay·g +
 * (1 − decay)·l2_normalize(delta) from the weights before this update, (2) shift the weight history (old_old ← old,
 * old ← w), (3) score |w|·g with the new g. The reference builds its assign ops before entering those control
 * blocks, so TF does not actually enforce that order; we do. History and g start at zero, as the reference's
 * variables do, and l2_normalize divides by max(‖delta‖, 1e-6) (TF's epsilon 1e-12 is on the squared norm).
 */
abstract class WeightChangeScore implements PruningScore {
  private static final double L2_EPSILON_SQUARED = 1e-12;

  private final double decay;
  private int rows = -1;
  private int cols = -1;
  private float[] ema;

  WeightChangeScore(double decay) {
    checkArgument(decay >= 0 && decay <= 1, "gradient_decay_rate=%s must be in [0, 1]", decay);
    this.decay = decay;
  }

  /** |change| of each entry given the current weights, before the history shifts. */
  abstract float[] absoluteChange(float[] w);

  /** Records {@code w} as the newest snapshot. */
  abstract void shiftHistory(float[] w);

  /** Allocates the zero history for an n-entry matrix. */
  abstract void startHistory(int entries);

  @Override
  public final float[] scoresAtMaskUpdate(String matrix, float[] w, int rows, int cols) {
    Checks.finiteMatrix(matrix, "weights", w, rows, cols);
    bind(matrix, rows, cols);
    float[] delta = absoluteChange(w);
    double sq = 0;
    for (float d : delta) {
      sq += (double) d * d;
    }
    double inv = 1 / Math.sqrt(Math.max(sq, L2_EPSILON_SQUARED));
    float[] scores = new float[w.length];
    for (int i = 0; i < w.length; i++) {
      ema[i] = (float) (decay * ema[i] + (1 - decay) * (delta[i] * inv));
      scores[i] = Math.abs(w[i]) * ema[i];
    }
    shiftHistory(w);
    return scores;
  }

  /** The current moving average (a copy), the reference's {@code gradient} variable. */
  public float[] movingAverage() {
    checkArgument(ema != null, "no mask update has been scored yet");
    return ema.clone();
  }

  public double decay() {
    return decay;
  }

  private void bind(String matrix, int r, int c) {
    if (ema == null) {
      rows = r;
      cols = c;
      ema = new float[r * c];
      startHistory(r * c);
      return;
    }
    checkArgument(r == rows && c == cols, "%s: this score tracks a %sx%s matrix, got %sx%s (use one score per matrix)",
        matrix, rows, cols, r, c);
  }
}
