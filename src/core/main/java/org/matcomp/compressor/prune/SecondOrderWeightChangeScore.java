package org.matcomp.compressor.prune;

/**
 * model_pruning's {@code second_order_gradient} option: delta = |w + w_oldold − 2·w_old|, a second difference of the
 * weights over the last two mask updates (both snapshots zero at first). Mutable, one instance per matrix.
 */
public final class SecondOrderWeightChangeScore extends WeightChangeScore {
  private float[] old;
  private float[] oldOld;

  /** {@code decay} is the reference's gradient_decay_rate (default 0.99). */
  public SecondOrderWeightChangeScore(double decay) {
    super(decay);
  }

  @Override
  void startHistory(int entries) {
    old = new float[entries];
    oldOld = new float[entries];
  }

  @Override
  float[] absoluteChange(float[] w) {
    float[] d = new float[w.length];
    for (int i = 0; i < w.length; i++) {
      d[i] = Math.abs(w[i] + oldOld[i] - 2 * old[i]);
    }
    return d;
  }

  @Override
  void shiftHistory(float[] w) {
    float[] recycled = oldOld;
    oldOld = old;
    old = recycled;
    System.arraycopy(w, 0, old, 0, w.length);
  }

  @Override
  public String toString() {
    return "SecondOrderWeightChangeScore[decay=" + decay() + "]";
  }
}
