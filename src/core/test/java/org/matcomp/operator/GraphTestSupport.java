package org.matcomp.operator;

import java.util.Random;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/** Small helpers for graph tests: random matrices, fetching values, assigning through a placeholder. */
final class GraphTestSupport {
  private GraphTestSupport() {}

  static float[] gaussian(Random rnd, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    return v;
  }

  static Operand<TFloat32> constant(Ops tf, int rows, int cols, float[] v) {
    return tf.constant(Shape.of(rows, cols), DataBuffers.of(v));
  }

  static float[] fetch(Session s, Operand<TFloat32> op) {
    try (var r = s.runner().fetch(op).run()) {
      TFloat32 t = (TFloat32) r.get(0);
      float[] v = new float[(int) t.shape().size()];
      t.copyTo(DataBuffers.of(v, false, false));
      return v;
    }
  }

  static float fetchScalar(Session s, Operand<TFloat32> op) {
    try (var r = s.runner().fetch(op).run()) {
      return ((TFloat32) r.get(0)).getFloat();
    }
  }

  /** ½‖y − target‖², the quadratic loss gradient tests use (central differences are exact for it up to rounding). */
  static Operand<TFloat32> halfSquaredError(Ops tf, Operand<TFloat32> y, Operand<TFloat32> target) {
    Operand<TFloat32> d = tf.math.sub(y, target);
    return tf.math.mul(tf.constant(0.5f), tf.sum(tf.math.mul(d, d), tf.constant(new int[] {0, 1})));
  }

  /** ∂loss/∂v by central differences with step {@code eps}, restoring v afterwards. */
  static float[] finiteDifference(Ops tf, Session s, Variable<TFloat32> v, Operand<TFloat32> loss, float eps) {
    Setter setter = new Setter(tf, v);
    float[] base = fetch(s, v);
    float[] grad = new float[base.length];
    for (int i = 0; i < base.length; i++) {
      float[] p = base.clone();
      p[i] += eps;
      setter.set(s, p);
      double up = fetchScalar(s, loss);
      p[i] = base[i] - eps;
      setter.set(s, p);
      double down = fetchScalar(s, loss);
      grad[i] = (float) ((up - down) / (2 * eps));
    }
    setter.set(s, base);
    return grad;
  }

  /** Builds an assign-from-feed op pair for tests that perturb a variable. */
  static final class Setter {
    private final Placeholder<TFloat32> feed;
    private final Operand<TFloat32> assign;
    private final Shape shape;

    Setter(Ops tf, Variable<TFloat32> v) {
      this.shape = v.shape();
      this.feed = tf.placeholder(TFloat32.class, Placeholder.shape(shape));
      this.assign = tf.assign(v, feed);
    }

    void set(Session s, float[] values) {
      try (TFloat32 t = TFloat32.tensorOf(shape, DataBuffers.of(values))) {
        s.runner().feed(feed, t).addTarget(assign).run().close();
      }
    }
  }
}
