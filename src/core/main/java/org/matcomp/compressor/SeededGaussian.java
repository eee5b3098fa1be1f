package org.matcomp.compressor;

import static com.google.common.base.Preconditions.checkArgument;

import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A Gaussian random factor kept as its seed: TensorFlow's {@code StatelessRandomNormal} (Philox) gives the same
 * values for the same (seed, shape) in every TF runtime — TF Java's here, Python's, TF Serving's — so the compressor
 * draws the factor with the very op the training graph and every export run, and stores 8 bytes instead of the
 * floats. (TF's V2 op takes a uint64 key, a type TF Java 1.1.0 has no class for; the V1 op takes an int32 pair.)
 */
public final class SeededGaussian {
  private SeededGaussian() {}

  /** The op's seed for a 64-bit seed: its low and high 32 bits. */
  public static int[] seedPair(long seed) {
    return new int[] {(int) seed, (int) (seed >>> 32)};
  }

  /** The row-major {@code shape} tensor StatelessRandomNormal draws from {@code seed} (two ints). */
  public static float[] draw(int[] seed, int[] shape) {
    checkArgument(seed.length == 2, "a stateless seed is two ints, not %s", seed.length);
    long n = 1;
    for (int d : shape) {
      checkArgument(d >= 0, "negative dimension in %s", java.util.Arrays.toString(shape));
      n *= d;
    }
    float[] out = new float[Math.toIntExact(n)];
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      var normal = tf.random.statelessRandomNormal(tf.constant(shape), tf.constant(seed), TFloat32.class);
      try (var r = s.runner().fetch(normal).run()) {
        ((TFloat32) r.get(0)).copyTo(DataBuffers.of(out, false, false));
      }
    }
    return out;
  }
}
