package org.matcomp.operator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.matcomp.operator.GraphTestSupport.constant;
import static org.matcomp.operator.GraphTestSupport.fetch;
import static org.matcomp.operator.GraphTestSupport.fetchScalar;
import static org.matcomp.operator.GraphTestSupport.gaussian;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.matcomp.spec.CompressionSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The phase gate against the blended read path: same forward values, gradients equal to central finite differences
 * in each phase, and step stats showing that the dead side's ops (forward and backward) never execute.
 */
class PhaseGateTest {
  private static final int M = 5;
  private static final int N = 4;
  private static final int BATCH = 3;
  private static final float EPS = 1e-2f;
  /** rank=200 keeps half of min(5, 4): B is 5×2, C is 2×4. Each host update lowers α by 0.4. */
  private static final CompressionSpec SPEC = CompressionSpec.parse("rank=200,begin_compression_step=0,"
      + "compression_frequency=1,alpha_decrement_value=0.4,compression_option=1,update_option=1");

  /** A, x and a target as variables; the gated and the blended loss 0.5·‖x·W − T‖² with gradients wrt x, A, B, C. */
  private static final class Fixture implements AutoCloseable {
    final Graph g = new Graph();
    final Ops tf = Ops.create(g);
    final Variable<TFloat32> a;
    final Variable<TFloat32> x;
    final CompressedMatrix cm;
    final Operand<TFloat32> gated;
    final Operand<TFloat32> blended;
    final Operand<TFloat32> gatedLoss;
    final List<Variable<TFloat32>> vars;
    /** Gradients of the gated loss as TF builds them (dead on a dead side). */
    final Output<?>[] raw;
    /** The same, made live with zeros on the dead side (x's gradient is live already). */
    final Operand<?>[] live;
    final Output<?>[] blendedGrads;
    final Session s;

    Fixture(long seed) {
      Random rnd = new Random(seed);
      a = tf.withName("A").variable(constant(tf, M, N, gaussian(rnd, M * N)));
      x = tf.withName("x").variable(constant(tf, BATCH, M, gaussian(rnd, BATCH * M)));
      Operand<TFloat32> target = constant(tf, BATCH, N, gaussian(rnd, BATCH * N));
      cm = MatrixCompression.apply(tf, a, SPEC);
      gated = PhaseGate.matmul(tf, cm, x);
      blended = cm.matmul(tf, x);
      gatedLoss = GraphTestSupport.halfSquaredError(tf, gated, target);
      vars = List.of(x, a, cm.factors().floats("B"), cm.factors().floats("C"));
      Output<?>[] xs = vars.stream().map(Variable::asOutput).toArray(Output[]::new);
      raw = g.addGradients(gatedLoss.asOutput(), xs);
      blendedGrads = g.addGradients(GraphTestSupport.halfSquaredError(tf, blended, target).asOutput(), xs);
      live = new Operand<?>[] {raw[0],
          liveGrad(raw[1], a, PhaseGate.readsDense(tf, cm.alphaVariable())),
          liveGrad(raw[2], vars.get(2), PhaseGate.readsFactors(tf, cm.alphaVariable())),
          liveGrad(raw[3], vars.get(3), PhaseGate.readsFactors(tf, cm.alphaVariable()))};
      s = new Session(g);
    }

    @SuppressWarnings("unchecked")
    private Operand<TFloat32> liveGrad(Output<?> grad, Variable<TFloat32> v, Operand<org.tensorflow.types.TBool> p) {
      return PhaseGate.zeroWhenDead(tf, (Output<TFloat32>) grad, v, p);
    }

    /** α = 1, 0.6 or 0 after 0, 1 or 3 host updates. */
    void enter(Phase phase) {
      int updates = switch (phase) {
        case DENSE -> 0;
        case BLENDING -> 1;
        case COMPRESSED -> 3;
      };
      for (int step = 0; step < updates; step++) {
        cm.hostUpdate().runUpdateStep(s, step);
      }
      assertEquals(phase, cm.hostUpdate().phase(s));
    }

    @Override
    public void close() {
      s.close();
      g.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Phase.class)
  void forwardEqualsTheBlendedReadInEveryPhase(Phase phase) {
    try (Fixture f = new Fixture(5)) {
      f.enter(phase);
      float[] blended = fetch(f.s, f.blended);
      assertArrayEquals(blended, fetch(f.s, f.gated), 1e-6f);
      assertArrayEquals(blended, fetch(f.s, f.cm.matmul(f.tf, f.x, phase)), 1e-6f);
    }
  }

  @ParameterizedTest
  @EnumSource(Phase.class)
  @SuppressWarnings("unchecked")
  void gradientsMatchFiniteDifferencesInEveryPhase(Phase phase) {
    try (Fixture f = new Fixture(11)) {
      f.enter(phase);
      for (int v = 0; v < f.vars.size(); v++) {
        Variable<TFloat32> var = f.vars.get(v);
        float[] analytic = fetch(f.s, (Operand<TFloat32>) f.live[v]);
        float[] numeric = GraphTestSupport.finiteDifference(f.tf, f.s, var, f.gatedLoss, EPS);
        float[] viaBlend = fetch(f.s, (Output<TFloat32>) f.blendedGrads[v]);
        for (int i = 0; i < numeric.length; i++) {
          String where = phase + " d/d" + var.op().name() + "[" + i + "]";
          assertEquals(numeric[i], analytic[i], 2e-3f * Math.max(1f, Math.abs(numeric[i])), where);
          assertEquals(viaBlend[i], analytic[i], 1e-4f * Math.max(1f, Math.abs(viaBlend[i])), where);
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Phase.class)
  @SuppressWarnings("unchecked")
  void aDeadSideGivesItsVariablesDeadGradientsAndXALiveOne(Phase phase) {
    try (Fixture f = new Fixture(2)) {
      f.enter(phase);
      fetch(f.s, (Output<TFloat32>) f.raw[0]);
      assertEquals(phase.readsDense(), fetchable(f.s, f.raw[1]), "dA");
      assertEquals(phase.readsFactors(), fetchable(f.s, f.raw[2]), "dB");
      assertEquals(phase.readsFactors(), fetchable(f.s, f.raw[3]), "dC");
    }
  }

  /**
   * Forward plus the backward pass of every variable: x·A costs 3 MatMuls (y, dA, dx), x·B·C costs 6 (two forward,
   * dB, dC and two to carry dy back to x), and the blend both.
   */
  @ParameterizedTest
  @EnumSource(Phase.class)
  void onlyTheLiveSideExecutesForwardAndBackward(Phase phase) {
    try (Fixture f = new Fixture(3)) {
      f.enter(phase);
      Session.Runner run = f.s.runner().fetch(f.gatedLoss);
      for (Output<?> grad : f.raw) {
        run.addTarget(grad.op());
      }
      Map<String, String> nodes = StepTrace.executed(run);
      long expected = switch (phase) {
        case DENSE -> 3;
        case BLENDING -> 9;
        case COMPRESSED -> 6;
      };
      assertEquals(expected, StepTrace.matMuls(nodes), "executed MatMuls " + nodes);
      String gate = "A_gate/phase_gate/";
      assertEquals(phase.readsDense(), nodes.containsKey(gate + "dense/MatMul"));
      assertEquals(phase.readsFactors(), nodes.containsKey(gate + "factors/MatMul_1"));
      assertEquals(phase == Phase.BLENDING, nodes.containsKey(gate + "blend/Add"));
    }
  }

  /** An op of a side that does not read x (here B·C formed densely) runs only with its side, through the pivot. */
  @ParameterizedTest
  @EnumSource(Phase.class)
  void opsOfASideThatDoNotReadXWaitForTheSide(Phase phase) {
    try (Fixture f = new Fixture(4)) {
      Variable<TFloat32> b = f.cm.factors().floats("B");
      Variable<TFloat32> c = f.cm.factors().floats("C");
      Operand<TFloat32> y = PhaseGate.gate(f.tf.withSubScope("dense_product"), f.cm.alphaVariable(), f.x,
          (t, xin) -> t.linalg.matMul(xin, f.a),
          (t, xin) -> t.linalg.matMul(xin, t.withName("product").linalg.matMul(b, c)));
      f.enter(phase);
      assertArrayEquals(fetch(f.s, f.blended), fetch(f.s, y), 1e-5f);
      Map<String, String> nodes = StepTrace.executed(f.s.runner().fetch(y));
      assertEquals(phase.readsFactors(), nodes.containsKey("dense_product/phase_gate/factors/product"),
          "executed " + nodes.keySet());
    }
  }

  @Test
  void rejectsAnAlphaThatIsNotAScalar() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> alpha = tf.constant(new float[] {1f, 0f});
      Operand<TFloat32> x = tf.constant(new float[][] {{1f}});
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> PhaseGate.gate(tf, alpha, x, (t, xin) -> xin, (t, xin) -> xin));
      assertTrue(e.getMessage().contains("alpha must be a scalar, got shape [2]"), e.getMessage());
    }
  }

  private static boolean fetchable(Session s, Output<?> grad) {
    try (var r = s.runner().fetch(grad).run()) {
      return true;
    } catch (TFInvalidArgumentException e) {
      assertTrue(e.getMessage().contains("does not have value"), e.getMessage());
      return false;
    }
  }

}
