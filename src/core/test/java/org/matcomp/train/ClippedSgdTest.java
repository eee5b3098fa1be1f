package org.matcomp.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * ClippedSgd's step in closed form: on the loss 3·a₀ + 4·a₁ + 12·b the gradients are (3, 4) and (12), of global norm
 * 13, so a clip of 5 scales both by 5/13 (one norm over all variables, not one per variable), and a clip above 13
 * leaves them; the learning rate is the fed value.
 */
class ClippedSgdTest {
  /** a and b after one step with clip {@code clip} at learning rate {@code lr}, from a = (1, 2), b = (3). */
  private static float[] step(float clip, float lr) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> a = tf.withName("a").variable(tf.constant(new float[] {1f, 2f}));
      Variable<TFloat32> b = tf.withName("b").variable(tf.constant(new float[] {3f}));
      Placeholder<TFloat32> rate = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      var loss = tf.math.add(tf.reduceSum(tf.math.mul(a, tf.constant(new float[] {3f, 4f})), tf.constant(0)),
          tf.reduceSum(tf.math.mul(b, tf.constant(12f)), tf.constant(0)));
      Output<?>[] grads = g.addGradients(loss.asOutput(), new Output<?>[] {a.asOutput(), b.asOutput()});
      @SuppressWarnings({"unchecked", "rawtypes"})
      List<Optimizer.GradAndVar<?>> gv = List.of(
          new Optimizer.GradAndVar<>((Output<TFloat32>) grads[0], a.asOutput()),
          new Optimizer.GradAndVar<>((Output<TFloat32>) grads[1], b.asOutput()));
      @SuppressWarnings({"unchecked", "rawtypes"})
      Op train = new ClippedSgd(g, "sgd", rate, clip).applyGradients((List) gv, "train");
      try (Session s = new Session(g); TFloat32 lrTensor = TFloat32.scalarOf(lr)) {
        s.initialize();
        s.runner().feed(rate, lrTensor).addTarget(train).run();
        float[] av = new float[2];
        float[] bv = new float[1];
        try (var r = s.runner().fetch(a).fetch(b).run()) {
          ((TFloat32) r.get(0)).copyTo(DataBuffers.of(av, false, false));
          ((TFloat32) r.get(1)).copyTo(DataBuffers.of(bv, false, false));
        }
        return new float[] {av[0], av[1], bv[0]};
      }
    }
  }

  @Test
  void clipsByTheNormOfAllGradientsTogether() {
    float s = 0.1f * 5f / 13f;
    assertArrayEquals(new float[] {1 - 3 * s, 2 - 4 * s, 3 - 12 * s}, step(5f, 0.1f), 1e-6f);
  }

  @Test
  void leavesGradientsUnderTheClipAlone() {
    assertArrayEquals(new float[] {1 - 0.3f, 2 - 0.4f, 3 - 1.2f}, step(20f, 0.1f), 1e-6f);
    assertArrayEquals(new float[] {1 - 1.5f, 2 - 2f, 3 - 6f}, step(20f, 0.5f), 1e-6f);
  }

  @Test
  void refusesANonPositiveClip() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      assertThrows(IllegalArgumentException.class, () -> new ClippedSgd(g, "sgd", tf.constant(1f), 0f));
    }
  }
}
