package org.matcomp.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.matcomp.operator.GraphTestSupport.constant;
import static org.matcomp.operator.GraphTestSupport.fetch;
import static org.matcomp.operator.GraphTestSupport.gaussian;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.train.PhasedTrainer;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.framework.optimizers.GradientDescent;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.matcomp.compressor.prune.PruneMethod;

class PrunedMatrixTest {
  private static final int M = 8;
  private static final int N = 10;

  /** Masks from step 2 every 2 steps; sparsity ramps linearly from 0 at step 2 to 0.5 at step 6. */
  private static CompressionSpec spec(String score) {
    return CompressionSpec.builder().name("p").method(PruneMethod.INSTANCE)
        .methodParameter("target_sparsity", "0.5").methodParameter("initial_sparsity", "0.0")
        .methodParameter("begin_pruning_step", "2").methodParameter("pruning_frequency", "2")
        .methodParameter("sparsity_function_begin_step", "2").methodParameter("sparsity_function_end_step", "6")
        .methodParameter("sparsity_function_exponent", "1").methodParameter("prune_option", score).build();
  }

  @Test
  void masksHitTheScheduledSparsityAtEachUpdateAndKeepTheLargestWeights() {
    Random rnd = new Random(1);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      float[] values = gaussian(rnd, M * N);
      Variable<TFloat32> a = tf.withName("w").variable(constant(tf, M, N, values));
      PrunedMatrix pm = PrunedMatrix.apply(tf, a, spec("weight"));
      assertEquals(2, pm.firstUpdateStep());
      try (Session s = new Session(g)) {
        assertEquals(Phase.DENSE, pm.phase(s));
        assertFalse(pm.runUpdateStep(s, 1).updated());
        // s(t) = 0.5·(t − 2)/4 → steps 2, 4, 6 → 0, 0.25, 0.5 → zeros round(80·s) = 0, 20, 40
        int[] expectedZeros = {0, 0, 0, 0, 20, 20, 40, 40};
        for (int step = 2; step < 8; step++) {
          pm.runUpdateStep(s, step);
          float[] mask = fetch(s, pm.mask());
          int zeros = 0;
          float smallestKept = Float.MAX_VALUE;
          float largestPruned = 0;
          for (int i = 0; i < mask.length; i++) {
            if (mask[i] == 0f) {
              zeros++;
              largestPruned = Math.max(largestPruned, Math.abs(values[i]));
            } else {
              smallestKept = Math.min(smallestKept, Math.abs(values[i]));
            }
          }
          assertEquals(expectedZeros[step], zeros, "step " + step);
          assertTrue(largestPruned <= smallestKept);
        }
        assertEquals(Phase.COMPRESSED, pm.phase(s));
        // the weight as each phase reads it: A itself before any mask, A ⊙ mask after
        float[] mask = fetch(s, pm.mask());
        float[] dense = fetch(s, pm.weight(tf, Phase.DENSE));
        float[] masked = fetch(s, pm.weight(tf, Phase.COMPRESSED));
        for (int i = 0; i < values.length; i++) {
          assertEquals(values[i], dense[i]);
          assertEquals(values[i] * mask[i], masked[i]);
        }
      }
    }
  }

  @Test
  void maskedWeightsGetZeroGradientAndTheLayerReadsAMaskedA() {
    Random rnd = new Random(2);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> a = tf.withName("w").variable(constant(tf, M, N, gaussian(rnd, M * N)));
      Operand<TFloat32> x = constant(tf, 3, M, gaussian(rnd, 3 * M));
      PrunedMatrix pm = PrunedMatrix.apply(tf, a, spec("weight"));
      Operand<TFloat32> y = pm.matmul(tf, x, Phase.COMPRESSED);
      Operand<TFloat32> loss = tf.sum(tf.math.square(y), tf.constant(new int[] {0, 1}));
      Output<?>[] grad = g.addGradients(loss.asOutput(), new Output<?>[] {a.asOutput()});
      Operand<TFloat32> expected = tf.linalg.matMul(x, tf.math.mul(a, pm.mask()));
      try (Session s = new Session(g)) {
        for (int step = 0; step <= 6; step++) {
          pm.runUpdateStep(s, step);
        }
        float[] mask = fetch(s, pm.mask());
        @SuppressWarnings("unchecked")
        float[] dA = fetch(s, (Output<TFloat32>) grad[0]);
        int checked = 0;
        for (int i = 0; i < mask.length; i++) {
          if (mask[i] == 0f) {
            assertEquals(0f, Math.abs(dA[i]));
            checked++;
          } else {
            assertTrue(dA[i] != 0f);
          }
        }
        assertEquals(40, checked);
        float[] yv = fetch(s, y);
        float[] ev = fetch(s, expected);
        for (int i = 0; i < yv.length; i++) {
          assertEquals(ev[i], yv[i], 1e-5f);
        }
      }
    }
  }

  @Test
  void lossGradientSaliencyIsAccumulatedInTheGraphAndPicksTheMask() {
    Random rnd = new Random(3);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      float[] w = gaussian(rnd, M * N);
      float[] xv = gaussian(rnd, M);
      Variable<TFloat32> a = tf.withName("w").variable(constant(tf, M, N, w));
      Operand<TFloat32> x = constant(tf, 1, M, xv);
      PrunedMatrix pm = PrunedMatrix.apply(tf, a, spec("loss_gradient"));
      // loss = Σ_j (x·W)_j, so ∂L/∂W[i][j] = x_i and with lr 0 the saliency after 2 steps is 2·|w_ij·x_i|.
      PhasedTrainer trainer = new PhasedTrainer(g, tf, List.of(pm), List.of(),
          phase -> tf.sum(pm.matmul(tf, x, phase), tf.constant(new int[] {0, 1})),
          (graph, name) -> new GradientDescent(graph, 0f));
      try (Session s = new Session(g)) {
        s.initialize();
        trainer.step(s, 0, java.util.Map.of());
        trainer.step(s, 1, java.util.Map.of());
        // step 2 is a mask update at sparsity 0 (keeps all), then saliency restarts
        trainer.step(s, 2, java.util.Map.of());
        trainer.step(s, 3, java.util.Map.of());
        pm.runUpdateStep(s, 4); // sparsity 0.25: prune the 20 smallest |w·x| (2 steps each, same order)
        float[] mask = fetch(s, pm.mask());
        float[] saliency = new float[M * N];
        for (int i = 0; i < M; i++) {
          for (int j = 0; j < N; j++) {
            saliency[i * N + j] = Math.abs(w[i * N + j] * xv[i]);
          }
        }
        float[] sorted = saliency.clone();
        java.util.Arrays.sort(sorted);
        for (int i = 0; i < mask.length; i++) {
          assertEquals(saliency[i] > sorted[19] ? 1f : 0f, mask[i], "entry " + i);
        }
      }
    }
  }
}
