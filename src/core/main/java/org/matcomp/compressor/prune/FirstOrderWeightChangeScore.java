package org.matcomp.compressor.prune;

/**
 * model_pruning's {@code first_order_gradient} option: delta = |w − w_old|, where w_old is the weight at the previous
 * mask update (zero before the first). Despite the reference's name it uses no loss gradient; see {@link
 * GradientSaliencyScore} for that. Mutable, one instance per matrix.
 */
public final class FirstOrderWeightChangeScore extends WeightChangeScore {
  private float[] old;

  /** {@code decay} is the reference's gradient_decay_rate (default 0.99). */
  public FirstOrderWeightChangeScore(double decay) {
    super(decay);
  }

  @Override
  void startHistory(int entries) {
    old = new float[entries];
  }

  @Override
  float[] absoluteChange(float[] w) {
    float[] d = new float[w.length];
    for (int i = 0; i < w.length; i++) {
      d[i] = Math.abs(w[i] - old[i]);
    }
    return d;
  }

  @Override
  void shiftHistory(float[] w) {
    System.arraycopy(w, 0, old, 0, w.length);
  }

  @Override
  public String toString() {
    return "FirstOrderWeightChangeScore[decay=" + decay() + "]";
  }
}
