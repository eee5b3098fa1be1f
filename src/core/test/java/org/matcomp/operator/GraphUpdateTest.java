package org.matcomp.operator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.matcomp.operator.GraphTestSupport.constant;
import static org.matcomp.operator.GraphTestSupport.fetch;
import static org.matcomp.operator.GraphTestSupport.fetchScalar;
import static org.matcomp.operator.GraphTestSupport.gaussian;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.train.InGraphTrainer;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.framework.optimizers.GradientDescent;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/** update_option 0: the graph updates itself inside the train op, on the same schedule as the host path. */
class GraphUpdateTest {
  private static final int M = 12;
  private static final int N = 9;
  private static final String SCHEDULE = "begin_compression_step=3,end_compression_step=11,compression_frequency=2,"
      + "alpha_decrement_value=0.3,compression_option=1,absolute_rank=3";

  /** One graph: A (fixed values), x, and the train op of a given update option with learning rate {@code lr}. */
  private static final class Model implements AutoCloseable {
    final Graph g = new Graph();
    final Ops tf = Ops.create(g);
    final CompressedMatrix cm;
    final Op train;
    final Operand<TFloat32> loss;
    final Session s;

    Model(String updateOption, float lr) {
      this(updateOption, lr, SCHEDULE);
    }

    Model(String updateOption, float lr, String schedule) {
      Random rnd = new Random(5);
      Variable<TFloat32> a = tf.withName("A").variable(constant(tf, M, N, gaussian(rnd, M * N)));
      Operand<TFloat32> x = constant(tf, 4, M, gaussian(rnd, 4 * M));
      InGraphTrainer trainer = new InGraphTrainer(tf);
      CompressionSpec spec = CompressionSpec.parse(schedule + ",update_option=" + updateOption);
      cm = MatrixCompression.apply(tf, a, spec, spec.compressor(), trainer.step());
      Operand<TFloat32> y = cm.matmul(tf, x);
      loss = tf.sum(tf.math.square(y), tf.constant(new int[] {0, 1}));
      train = trainer.trainOp(g, tf, loss, List.of(cm), List.of(), (graph, name) -> new GradientDescent(graph, lr));
      s = new Session(g);
      s.initialize();
    }

    float[] product() {
      return fetch(s, tf.linalg.matMul(cm.factors().floats("B"), cm.factors().floats("C")));
    }

    @Override
    public void close() {
      s.close();
      g.close();
    }
  }

  @Test
  void theTrainOpAloneFollowsTheHostPathsScheduleAndFactors() {
    try (Model inGraph = new Model("0", 0f); Model host = new Model("1", 0f)) {
      float[] graphAlphas = new float[16];
      float[] hostAlphas = new float[16];
      for (int step = 0; step < 16; step++) {
        inGraph.s.runner().addTarget(inGraph.train).run().close();
        host.cm.hostUpdate().runUpdateStep(host.s, step);
        host.s.runner().addTarget(host.train).run().close();
        graphAlphas[step] = fetchScalar(inGraph.s, inGraph.cm.alphaVariable());
        hostAlphas[step] = fetchScalar(host.s, host.cm.alphaVariable());
      }
      // updates at 3, 5, 7, 9 (α 0.7, 0.4, 0.1, 0) and 11 (still 0); none after end = 11
      assertArrayEquals(new float[] {1, 1, 1, .7f, .7f, .4f, .4f, .1f, .1f, 0, 0, 0, 0, 0, 0, 0}, graphAlphas, 1e-6f);
      assertArrayEquals(hostAlphas, graphAlphas);
      try (var r = inGraph.s.runner().fetch(inGraph.cm.lastUpdateStep()).run()) {
        assertEquals(11L, ((TInt64) r.get(0)).getLong());
      }
      // TF's Svd and the Java SVD agree on the rank-3 product (signs of singular vectors may differ).
      assertArrayEquals(host.product(), inGraph.product(), 1e-4f);
    }
  }

  /** The callback path runs the host path's Java compressor inside the graph: the factors are identical. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {
      "compression_option=4,absolute_rank=5", "compression_option=4,absolute_rank=6,block_size=3",
      "compression_option=8,absolute_rank=4,pruning_fraction=0.5", "compression_option=2,absolute_rank=6",
      "compression_option=3,dl_atoms=6,dl_nonzeros=2"})
  void inGraphFactorsEqualTheHostPathsForEveryCallbackMethod(String method) {
    String schedule = "begin_compression_step=2,compression_frequency=2,alpha_decrement_value=0.5," + method;
    try (Model inGraph = new Model("0", 0f, schedule); Model host = new Model("1", 0f, schedule)) {
      for (int step = 0; step < 5; step++) {
        inGraph.s.runner().addTarget(inGraph.train).run().close();
        host.cm.hostUpdate().runUpdateStep(host.s, step);
        host.s.runner().addTarget(host.train).run().close();
      }
      assertEquals(0f, fetchScalar(inGraph.s, inGraph.cm.alphaVariable()));
      for (var f : inGraph.cm.factors().layout()) {
        try (var a = inGraph.s.runner().fetch(inGraph.cm.factors().variable(f.name())).run();
            var b = host.s.runner().fetch(host.cm.factors().variable(f.name())).run()) {
          var fa = FactorTensors.fromTensor(f, a.get(0));
          var fb = FactorTensors.fromTensor(f, b.get(0));
          if (f.type() == org.matcomp.compressor.FactorType.FLOAT32) {
            assertArrayEquals(fb.floats(), fa.floats(), method + " " + f.name());
          } else {
            assertArrayEquals(fb.ints(), fa.ints(), method + " " + f.name());
          }
        }
      }
    }
  }

  @Test
  void factorsAreComputedOnceAndThenTrain() {
    try (Model m = new Model("0", 0.01f)) {
      float first = Float.NaN;
      float[] afterFirstUpdate = null;
      for (int step = 0; step < 12; step++) {
        float loss = fetchScalar(m.s, m.loss);
        if (step == 0) {
          first = loss;
        }
        m.s.runner().addTarget(m.train).run().close();
        if (step == 3) {
          afterFirstUpdate = m.product();
        }
      }
      float[] now = m.product();
      double moved = 0;
      for (int i = 0; i < now.length; i++) {
        moved = Math.max(moved, Math.abs(now[i] - afterFirstUpdate[i]));
      }
      assertTrue(moved > 1e-3, "factors should train after the snapshot, moved " + moved);
      assertTrue(fetchScalar(m.s, m.loss) < first, "loss should fall");
      assertEquals(0f, fetchScalar(m.s, m.cm.alphaVariable()));
    }
  }

  @Test
  void theFactorisationIsNeverSkippedByARaceWithTheStepBookkeeping() {
    // Regression: the last-update-step assignment once ran before the "first update" test read it, skipping the
    // factorisation in about half the runs.
    for (int rep = 0; rep < 8; rep++) {
      try (Model m = new Model("0", 0f)) {
        for (int step = 0; step < 4; step++) {
          m.s.runner().addTarget(m.train).run().close();
        }
        float[] b = fetch(m.s, m.cm.factors().floats("B"));
        float norm = 0;
        for (float v : b) {
          norm += v * v;
        }
        assertTrue(norm > 0, "factors missing in repetition " + rep);
      }
    }
  }

  @Test
  void theHostPathDoesNothingForUpdateOptionZero() {
    try (Model m = new Model("0", 0f)) {
      for (int step = 0; step < 6; step++) {
        assertTrue(!m.cm.hostUpdate().runUpdateStep(m.s, step).updated());
      }
      assertEquals(1f, fetchScalar(m.s, m.cm.alphaVariable()));
    }
  }
}
