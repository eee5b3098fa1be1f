package org.matcomp.compressor.prune;

/** |w|: model_pruning's {@code prune_option='weight'}. Stateless. */
public final class MagnitudeScore implements PruningScore {
  @Override
  public float[] scoresAtMaskUpdate(String matrix, float[] w, int rows, int cols) {
    Checks.length(matrix, "weights", w, rows, cols);
    float[] s = new float[w.length];
    boolean finite = true;
    for (int i = 0; i < w.length; i++) {
      float a = Math.abs(w[i]);
      s[i] = a;
      finite &= a <= Float.MAX_VALUE; // false for NaN and infinities
    }
    if (!finite) {
      Checks.finiteMatrix(matrix, "weights", w, rows, cols); // throws, naming the first bad entry
    }
    return s;
  }

  static float[] abs(float[] w) {
    float[] s = new float[w.length];
    for (int i = 0; i < w.length; i++) {
      s[i] = Math.abs(w[i]);
    }
    return s;
  }

  @Override
  public String toString() {
    return "MagnitudeScore";
  }
}
