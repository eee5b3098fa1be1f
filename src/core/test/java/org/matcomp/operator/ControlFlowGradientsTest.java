package org.matcomp.operator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.TensorFlow;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.SwitchCond;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/** The Switch and Merge gradients on hand-built TF1 conds, with the predicate fed at run time. */
class ControlFlowGradientsTest {
  /** y = Merge(2·x on the false side, 3·x on the true side): dΣy/dx is 2 or 3 by the predicate. */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void theGradientFollowsTheTakenSide(boolean pred) {
    ControlFlowGradients.ensureRegistered();
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TBool> p = tf.placeholder(TBool.class, Placeholder.shape(Shape.scalar()));
      Operand<TFloat32> x = tf.constant(new float[] {1f, -2f});
      SwitchCond<TFloat32> sw = tf.switchCond(x, p);
      Operand<TFloat32> y = tf.merge(List.of(tf.math.mul(tf.constant(2f), sw.outputFalse()),
          tf.math.mul(tf.constant(3f), sw.outputTrue()))).output();
      Output<?>[] dx = g.addGradients(tf.sum(y, tf.constant(0)).asOutput(), new Output<?>[] {x.asOutput()});
      float expected = pred ? 3f : 2f;
      assertArrayEquals(new float[] {expected, expected}, run(g, dx[0], p, pred), 0f);
    }
  }

  /**
   * Only the true side reads x; the false side forwards another tensor. TF's builder hands the Switch gradient
   * ZerosLike of its unused output, so x's gradient is live zeros when the false side is taken.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void anUnreadSideGivesALiveZeroGradient(boolean pred) {
    ControlFlowGradients.ensureRegistered();
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TBool> p = tf.placeholder(TBool.class, Placeholder.shape(Shape.scalar()));
      Operand<TFloat32> x = tf.constant(new float[] {1f, -2f});
      Operand<TFloat32> other = tf.constant(new float[] {5f, 5f});
      Operand<TFloat32> y = tf.merge(List.of(tf.math.mul(tf.constant(3f), tf.switchCond(x, p).outputTrue()),
          tf.switchCond(other, p).outputFalse())).output();
      Output<?>[] dx = g.addGradients(tf.sum(y, tf.constant(0)).asOutput(), new Output<?>[] {x.asOutput()});
      float expected = pred ? 3f : 0f;
      assertArrayEquals(new float[] {expected, expected}, run(g, dx[0], p, pred), 0f);
    }
  }

  /** Once registered, the registry holds a gradient for both types: a second registration is refused. */
  @Test
  void registersOncePerProcess() {
    ControlFlowGradients.ensureRegistered();
    ControlFlowGradients.ensureRegistered();
    assertFalse(TensorFlow.registerCustomGradient("Switch", (tf, op, dy) -> List.of()));
    assertFalse(TensorFlow.registerCustomGradient("Merge", (tf, op, dy) -> List.of()));
  }

  private static float[] run(Graph g, Output<?> out, Placeholder<TBool> p, boolean pred) {
    try (Session s = new Session(g); TBool v = TBool.scalarOf(pred);
        var r = s.runner().feed(p, v).fetch(out).run()) {
      TFloat32 t = (TFloat32) r.get(0);
      return new float[] {t.getFloat(0), t.getFloat(1)};
    }
  }
}
