package org.matcomp.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.matcomp.train.GradientAggregation;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The gradient exchange of synchronous replicas, in one process (the accumulators and the token queue are the same
 * ops a ps runs): the average of two halves' gradients is the whole batch's, a gradient of an older step is
 * dropped, and each release lets every other replica through once with its step.
 */
class SyncReplicasTest {
  private static final float[][] X = {{1f, 2f}, {-1f, 0.5f}, {3f, -2f}, {0.5f, 1f}};
  private static final float[] Y = {1f, -2f, 0.5f, 2f};

  /** The mean squared error of x·w against y, w = [0.5, −1], and the gradient the sync train op would apply. */
  private record Model(Graph g, Placeholder<TFloat32> x, Placeholder<TFloat32> y, Variable<TFloat32> w,
      SyncReplicas sync, GradientAggregation.Aggregated aggregated, Output<?> ownGradient) {}

  private static Model model(Graph g, int replicas) {
    Ops tf = Ops.create(g);
    Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class);
    Placeholder<TFloat32> y = tf.withName("y").placeholder(TFloat32.class);
    Variable<TFloat32> w = tf.withName("w").variable(tf.constant(new float[][] {{0.5f}, {-1f}}));
    Operand<TFloat32> pred = tf.reshape(tf.linalg.matMul(x, w), tf.constant(new int[] {-1}));
    Operand<TFloat32> loss = tf.math.mean(tf.math.square(tf.math.sub(pred, y)), tf.constant(0));
    Output<?> grad = g.addGradients(loss.asOutput(), new Output<?>[] {w.asOutput()})[0];
    SyncReplicas sync = new SyncReplicas(g, replicas, tf);
    var aggregated = sync.aggregate(tf, "train", List.of(w), List.of(grad.expect(TFloat32.class)));
    return new Model(g, x, y, w, sync, aggregated, grad);
  }

  private static float[][] rows(int from, int to) {
    float[][] out = new float[to - from][];
    System.arraycopy(X, from, out, 0, to - from);
    return out;
  }

  private static float[] labels(int from, int to) {
    float[] out = new float[to - from];
    System.arraycopy(Y, from, out, 0, to - from);
    return out;
  }

  private static void contribute(Session s, Model m, long step, int from, int to) {
    try (TFloat32 x = TFloat32.tensorOf(StdArrays.ndCopyOf(rows(from, to)));
        TFloat32 y = TFloat32.vectorOf(labels(from, to));
        TInt64 k = TInt64.scalarOf(step)) {
      s.runner().feed(m.x(), x).feed(m.y(), y).feed(m.sync().localStep(), k)
          .addTarget(m.aggregated().contribute().orElseThrow()).run();
    }
  }

  private static float[] fetch(Session.Runner runner) {
    try (var r = runner.run()) {
      float[] out = new float[2];
      ((TFloat32) r.get(0)).copyTo(DataBuffers.of(out, false, false));
      return out;
    }
  }

  private static float[] wholeBatchGradient(Session s, Model m) {
    try (TFloat32 x = TFloat32.tensorOf(StdArrays.ndCopyOf(X)); TFloat32 y = TFloat32.vectorOf(Y)) {
      return fetch(s.runner().feed(m.x(), x).feed(m.y(), y).fetch(m.ownGradient()));
    }
  }

  @Test
  void theAverageOfTwoHalvesIsTheWholeBatchsGradient() {
    try (Graph g = new Graph()) {
      Model m = model(g, 2);
      try (Session s = new Session(g)) {
        s.initialize();
        m.sync().align(s, 0);
        contribute(s, m, 0, 0, 2);
        contribute(s, m, 0, 2, 4);
        float[] averaged = fetch(s.runner().fetch(m.aggregated().gradients().get(0)));
        assertArrayEquals(wholeBatchGradient(s, m), averaged, 1e-6f);
      }
    }
  }

  @Test
  void aGradientOfAnOlderStepIsDropped() {
    try (Graph g = new Graph()) {
      Model m = model(g, 2);
      try (Session s = new Session(g)) {
        s.initialize();
        m.sync().align(s, 5);
        contribute(s, m, 4, 2, 4); // late: step 4 was applied already
        contribute(s, m, 5, 0, 2);
        contribute(s, m, 5, 2, 4);
        assertArrayEquals(wholeBatchGradient(s, m), fetch(s.runner().fetch(m.aggregated().gradients().get(0))),
            1e-6f);
      }
    }
  }

  @Test
  void aReleaseLetsEachOtherReplicaThroughOnceWithItsStep() {
    try (Graph g = new Graph()) {
      Model m = model(g, 3);
      try (Session s = new Session(g)) {
        s.initialize();
        m.sync().release(s, 7);
        m.sync().release(s, 8);
        assertEquals(7, m.sync().awaitRelease(s));
        assertEquals(7, m.sync().awaitRelease(s));
        assertEquals(8, m.sync().awaitRelease(s));
        assertEquals(8, m.sync().awaitRelease(s));
      }
    }
  }
}
