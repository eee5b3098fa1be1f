package org.matcomp.compressor;

import java.util.Random;

/**
 * The reference's Xavier-uniform draw for factors that train from scratch: U(−l, l) with l = sqrt(3 / max(1, fan)),
 * fan being (fan_in + fan_out)/2 of the factor, or the reference's variant of it.
 */
public final class XavierUniform {
  private XavierUniform() {}

  public static float[] draw(Random rnd, int count, double fanAverage) {
    double limit = Math.sqrt(3.0 / Math.max(1.0, fanAverage));
    float[] v = new float[count];
    for (int i = 0; i < count; i++) {
      v[i] = (float) ((rnd.nextDouble() * 2 - 1) * limit);
    }
    return v;
  }
}
