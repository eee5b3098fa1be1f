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
