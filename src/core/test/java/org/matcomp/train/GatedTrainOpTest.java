package org.matcomp.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.matcomp.operator.CompressedMatrix;
import org.matcomp.operator.MatrixCompression;
import org.matcomp.operator.Phase;
import org.matcomp.operator.PhaseGate;
import org.matcomp.spec.CompressionSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.framework.optimizers.Adam;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * One train op over a gated loss, run through all three phases by a host loop that knows nothing of the phase:
 * updates of A then of the factors, each step advancing the global step once.
 */
class GatedTrainOpTest {
  private static final int M = 8;
  private static final int N = 6;
  private static final int BATCH = 16;
  private static final int STEPS = 60;
  /** rank=300 keeps ceil(6·100/300) = 2. Updates at steps 30 (α = 0.5, factors from A) and 40 (α = 0). */
  private static final String SPEC_TEXT = "rank=300,begin_compression_step=30,compression_frequency=10,"
      + "alpha_decrement_value=0.5,compression_option=1,update_option=1";
  private static final CompressionSpec SPEC = CompressionSpec.parse(SPEC_TEXT);

  /** Fits x·W to x·W* for a rank-2 W*, so both A and its rank-2 factors can reach the target. */
  private static final class Problem implements AutoCloseable {
    final Graph g = new Graph();
    final Ops tf = Ops.create(g);
    final Variable<TFloat32> a;
    final CompressedMatrix cm;
    final Operand<TFloat32> loss;
    final Variable<TInt64> step;
    Session s;

    Problem() {
      Random rnd = new Random(17);
      Operand<TFloat32> x = matrix(tf, BATCH, M, gaussian(rnd, BATCH * M));
      Operand<TFloat32> target = tf.linalg.matMul(x, matrix(tf, M, N, rankTwo(rnd)));
      a = tf.withName("A").variable(matrix(tf, M, N, gaussian(rnd, M * N)));
      cm = MatrixCompression.apply(tf, a, SPEC);
      Operand<TFloat32> d = tf.math.sub(PhaseGate.matmul(tf, cm, x), target);
      loss = tf.math.mul(tf.constant(0.5f / BATCH), tf.sum(tf.math.mul(d, d), tf.constant(new int[] {0, 1})));
      step = tf.withName("global_step").variable(tf.constant(0L));
    }

    /** Runs {@code train} for every step with the host update before it; records losses by phase. */
    Trace run(Op train) {
      s = new Session(g);
      Trace t = new Trace();
      for (long k = 0; k < STEPS; k++) {
        Phase phase = cm.hostUpdate().runUpdateStep(s, k).phase();
        if (phase == Phase.COMPRESSED && t.aAtSwitch == null) {
          t.aAtSwitch = fetch(s, a);
        }
        try (var r = s.runner().addTarget(train).fetch(loss).fetch(step).run()) {
          t.losses.computeIfAbsent(phase, p -> new ArrayList<>()).add(((TFloat32) r.get(0)).getFloat());
          t.stepsBehind.add(((TInt64) r.get(1)).getLong() - (k + 1));
        }
      }
      t.aAtEnd = fetch(s, a);
      return t;
    }

    @Override
    public void close() {
      if (s != null) {
        s.close();
      }
      g.close();
    }
  }

  private static final class Trace {
    final Map<Phase, List<Float>> losses = new EnumMap<>(Phase.class);
    /** Global step after each run minus the number of runs so far: zero if every run incremented it once. */
    final List<Long> stepsBehind = new ArrayList<>();
    float[] aAtSwitch;
    float[] aAtEnd;

    void assertTrainedInEveryPhase() {
      assertEquals(List.of(Phase.DENSE, Phase.BLENDING, Phase.COMPRESSED), List.copyOf(losses.keySet()));
      assertEquals(List.of(30, 10, 20), losses.values().stream().map(List::size).toList());
      assertTrue(stepsBehind.stream().allMatch(d -> d == 0), "global step lagged: " + stepsBehind);
      losses.forEach((phase, l) -> assertTrue(l.get(l.size() - 1) < 0.8f * l.get(0),
          phase + " loss did not fall: " + l));
    }
  }

  @Test
  void oneTrainOpTrainsEveryPhaseAndLeavesADeadSideAlone() {
    try (Problem p = new Problem()) {
      Op train = GatedTrainOp.build(p.g, p.tf, p.loss, GatedTrainOp.groups(List.of(p.cm), List.of()),
          (g, name) -> new Adam(g, name, 0.05f), p.step);
      Trace t = p.run(train);
      t.assertTrainedInEveryPhase();
      // A's side is dead after the switch: no update ran, not even Adam's momentum.
      assertArrayEquals(t.aAtSwitch, t.aAtEnd, 0f);
    }
  }

  /**
   * The alternative for a stock optimizer: one Adam over A, B, C with dead gradients replaced by zeros. It trains
   * too, but Adam keeps moving A after the switch from its moment estimates, which is why GatedTrainOp exists.
   */
  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void aStockAdamOverLiveZeroGradientsAlsoTrainsButDriftsTheDeadSide() {
    try (Problem p = new Problem()) {
      List<Variable<TFloat32>> vars = List.of(p.a, p.cm.factors().floats("B"), p.cm.factors().floats("C"));
      Output<?>[] grads = p.g.addGradients(p.loss.asOutput(),
          vars.stream().map(Variable::asOutput).toArray(Output[]::new));
      List<Optimizer.GradAndVar<?>> gv = new ArrayList<>();
      for (int i = 0; i < vars.size(); i++) {
        Operand<org.tensorflow.types.TBool> live = i == 0 ? PhaseGate.readsDense(p.tf, p.cm.alphaVariable())
            : PhaseGate.readsFactors(p.tf, p.cm.alphaVariable());
        Operand<TFloat32> g = PhaseGate.zeroWhenDead(p.tf, (Output<TFloat32>) grads[i], vars.get(i), live);
        gv.add(new Optimizer.GradAndVar<>(g.asOutput(), vars.get(i).asOutput()));
      }
      Op apply = new Adam(p.g, "adam", 0.05f).applyGradients((List) gv, "apply");
      Op train = p.tf.withControlDependencies(List.of(apply)).assignAdd(p.step, p.tf.constant(1L));
      Trace t = p.run(train);
      t.assertTrainedInEveryPhase();
      assertFalse(java.util.Arrays.equals(t.aAtSwitch, t.aAtEnd), "Adam's momentum should have moved A");
    }
  }

  /**
   * update_option 0 and the gate together: the host only runs the train op. The graph factors A at step 30 and
   * lowers α at 30 and 40 (the host path's schedule), the gate reads α after that update, and the step still
   * advances once per run in every phase.
   */
  @Test
  void withTheInGraphUpdateTheTrainOpAloneCompressesAndTrains() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Random rnd = new Random(17);
      Operand<TFloat32> x = matrix(tf, BATCH, M, gaussian(rnd, BATCH * M));
      Operand<TFloat32> target = tf.linalg.matMul(x, matrix(tf, M, N, rankTwo(rnd)));
      Variable<TFloat32> a = tf.withName("A").variable(matrix(tf, M, N, gaussian(rnd, M * N)));
      InGraphTrainer trainer = new InGraphTrainer(tf);
      CompressionSpec spec = CompressionSpec.parse(SPEC_TEXT.replace("update_option=1", "update_option=0"));
      CompressedMatrix cm = MatrixCompression.apply(tf, a, spec, spec.compressor(), trainer.step());
      Operand<TFloat32> d = tf.math.sub(PhaseGate.matmul(tf, cm, x), target);
      Operand<TFloat32> loss =
          tf.math.mul(tf.constant(0.5f / BATCH), tf.sum(tf.math.mul(d, d), tf.constant(new int[] {0, 1})));
      Op train = GatedTrainOp.build(g, tf, loss, GatedTrainOp.groups(List.of(cm), List.of()),
          (graph, name) -> new Adam(graph, name, 0.05f), trainer.step(), List.of(cm.graphUpdate().orElseThrow()));
      try (Session s = new Session(g)) {
        Trace t = new Trace();
        for (long k = 0; k < STEPS; k++) {
          try (var r = s.runner().addTarget(train).fetch(loss).fetch(trainer.step()).fetch(cm.alphaVariable())
              .run()) {
            Phase phase = Phase.ofAlpha(((TFloat32) r.get(2)).getFloat());
            if (phase == Phase.COMPRESSED && t.aAtSwitch == null) {
              t.aAtSwitch = fetch(s, a);
            }
            t.losses.computeIfAbsent(phase, p -> new ArrayList<>()).add(((TFloat32) r.get(0)).getFloat());
            t.stepsBehind.add(((TInt64) r.get(1)).getLong() - (k + 1));
          }
        }
        t.aAtEnd = fetch(s, a);
        t.assertTrainedInEveryPhase();
        assertArrayEquals(t.aAtSwitch, t.aAtEnd, 0f);
      }
    }
  }

  @Test
  void groupsAreOthersThenPerMatrixDenseAndFactors() {
    try (Problem p = new Problem()) {
      Variable<TFloat32> bias = p.tf.withName("bias").variable(p.tf.constant(new float[] {0f}));
      List<GatedTrainOp.Group> groups = GatedTrainOp.groups(List.of(p.cm), List.of(bias));
      assertEquals(List.of("others", "A_dense", "A_factors"), groups.stream().map(GatedTrainOp.Group::name).toList());
      assertEquals(List.of("A_B", "A_C"), groups.get(2).variables().stream().map(v -> v.op().name()).toList());
    }
  }

  @Test
  void rejectsAVariableInTwoGroups() {
    try (Problem p = new Problem()) {
      List<GatedTrainOp.Group> groups = List.of(new GatedTrainOp.Group("one", List.of(p.a)),
          new GatedTrainOp.Group("two", List.of(p.a)));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> GatedTrainOp.build(p.g, p.tf, p.loss, groups, (g, name) -> new Adam(g, name, 0.05f), p.step));
      assertEquals("variable A is in more than one train group", e.getMessage());
    }
  }

  private static float[] rankTwo(Random rnd) {
    float[] u = gaussian(rnd, M * 2);
    float[] v = gaussian(rnd, 2 * N);
    float[] w = new float[M * N];
    for (int i = 0; i < M; i++) {
      for (int j = 0; j < N; j++) {
        w[i * N + j] = u[i * 2] * v[j] + u[i * 2 + 1] * v[N + j];
      }
    }
    return w;
  }

  private static float[] gaussian(Random rnd, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    return v;
  }

  private static Operand<TFloat32> matrix(Ops tf, int rows, int cols, float[] v) {
    return tf.constant(Shape.of(rows, cols), DataBuffers.of(v));
  }

  private static float[] fetch(Session s, Operand<TFloat32> op) {
    try (var r = s.runner().fetch(op).run()) {
      TFloat32 t = (TFloat32) r.get(0);
      float[] v = new float[(int) t.shape().size()];
      t.copyTo(DataBuffers.of(v, false, false));
      return v;
    }
  }
}
