package org.matcomp.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * PlacedAdam takes Adam's steps as Kingma and Ba define them, computed here on the host in double precision. (The
 * framework's Adam multiplies its power accumulators with no control dependency on the updates that read them, so
 * its bias correction races the update: its steps differ from these, run to run.)
 */
class PlacedAdamTest {
  /** w after {@code steps} steps on the loss Σ (x·w − y)² from w = [1, −2, 3]. */
  private static float[] train(BiFunction<Graph, Ops, Optimizer> optimizer, int steps) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> w = tf.withName("w").variable(tf.constant(new float[] {1f, -2f, 3f}));
      var x = tf.constant(new float[][] {{1f, 2f, 3f}, {-1f, 0.5f, 2f}});
      var y = tf.constant(new float[] {2f, -1f});
      var pred = tf.reshape(tf.linalg.matMul(x, tf.reshape(w, tf.constant(new int[] {3, 1}))), tf.constant(
          new int[] {2}));
      var loss = tf.reduceSum(tf.math.square(tf.math.sub(pred, y)), tf.constant(0));
      Op train = optimizer.apply(g, tf).minimize(loss);
      try (Session s = new Session(g)) {
        s.initialize();
        for (int i = 0; i < steps; i++) {
          s.run(train);
        }
        try (var r = s.runner().fetch(w).run()) {
          float[] out = new float[3];
          ((TFloat32) r.get(0)).copyTo(DataBuffers.of(out, false, false));
          return out;
        }
      }
    }
  }

  @Test
  void takesAdamsSteps() {
    double[][] x = {{1, 2, 3}, {-1, 0.5, 2}};
    double[] y = {2, -1};
    double[] w = {1, -2, 3};
    double[] m = new double[3];
    double[] v = new double[3];
    double lr = 0.05;
    for (int t = 1; t <= 25; t++) {
      double[] g = new double[3];
      for (int i = 0; i < 2; i++) {
        double r = x[i][0] * w[0] + x[i][1] * w[1] + x[i][2] * w[2] - y[i];
        for (int j = 0; j < 3; j++) {
          g[j] += 2 * r * x[i][j];
        }
      }
      double lrT = lr * Math.sqrt(1 - Math.pow(0.999, t)) / (1 - Math.pow(0.9, t));
      for (int j = 0; j < 3; j++) {
        m[j] = 0.9 * m[j] + 0.1 * g[j];
        v[j] = 0.999 * v[j] + 0.001 * g[j] * g[j];
        w[j] -= lrT * m[j] / (Math.sqrt(v[j]) + 1e-8);
      }
    }
    float[] placed = train((g, tf) -> new PlacedAdam(g, "adam", 0.05f, tf), 25);
    assertArrayEquals(new float[] {(float) w[0], (float) w[1], (float) w[2]}, placed, 2e-5f);
  }
}
