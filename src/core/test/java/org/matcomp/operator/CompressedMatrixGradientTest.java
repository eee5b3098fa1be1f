package org.matcomp.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.matcomp.operator.GraphTestSupport.constant;
import static org.matcomp.operator.GraphTestSupport.fetch;
import static org.matcomp.operator.GraphTestSupport.fetchScalar;
import static org.matcomp.operator.GraphTestSupport.gaussian;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.matcomp.spec.CompressionSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Analytic gradients (Graph.addGradients) of 0.5·‖x·W − T‖² against central finite differences, in each phase and
 * for both the blended and the phase-specialised read paths. The loss is quadratic in each variable, so central
 * differences are exact up to float rounding.
 */
class CompressedMatrixGradientTest {
  private static final int M = 5;
  private static final int N = 4;
  private static final int BATCH = 3;
  private static final float EPS = 1e-2f;

  @ParameterizedTest
  @EnumSource(Phase.class)
  void gradientsMatchFiniteDifferences(Phase phase) {
    CompressionSpec spec = CompressionSpec.parse("rank=200,begin_compression_step=0,compression_frequency=1,"
        + "alpha_decrement_value=0.4,compression_option=1,update_option=1");
    int updates = switch (phase) {
      case DENSE -> 0;
      case BLENDING -> 1; // α = 0.6
      case COMPRESSED -> 3; // α = 0
    };
    Random rnd = new Random(11);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> a = tf.withName("A").variable(constant(tf, M, N, gaussian(rnd, M * N)));
      Operand<TFloat32> x = constant(tf, BATCH, M, gaussian(rnd, BATCH * M));
      Operand<TFloat32> target = constant(tf, BATCH, N, gaussian(rnd, BATCH * N));
      CompressedMatrix cm = MatrixCompression.apply(tf, a, spec);
      Operand<TFloat32> blendedLoss = GraphTestSupport.halfSquaredError(tf, cm.matmul(tf, x), target);
      Operand<TFloat32> phaseLoss = GraphTestSupport.halfSquaredError(tf, cm.matmul(tf, x, phase), target);
      List<Variable<TFloat32>> vars = cm.trainableVariables(phase);
      Output<?>[] xs = vars.stream().map(Variable::asOutput).toArray(Output[]::new);
      Output<?>[] blendedGrads = g.addGradients(blendedLoss.asOutput(), xs);
      Output<?>[] phaseGrads = g.addGradients(phaseLoss.asOutput(), xs);
      try (Session s = new Session(g)) {
        for (int step = 0; step < updates; step++) {
          cm.hostUpdate().runUpdateStep(s, step);
        }
        assertEquals(phase, cm.hostUpdate().phase(s));
        assertEquals(fetchScalar(s, blendedLoss), fetchScalar(s, phaseLoss), 1e-4f);
        for (int v = 0; v < vars.size(); v++) {
          @SuppressWarnings("unchecked")
          float[] analytic = fetch(s, (Output<TFloat32>) blendedGrads[v]);
          @SuppressWarnings("unchecked")
          float[] analyticPhase = fetch(s, (Output<TFloat32>) phaseGrads[v]);
          float[] numeric = GraphTestSupport.finiteDifference(tf, s, vars.get(v), blendedLoss, EPS);
          for (int i = 0; i < numeric.length; i++) {
            String where = phase + " d/d" + vars.get(v).op().name() + "[" + i + "]";
            assertEquals(numeric[i], analytic[i], 2e-3f * Math.max(1f, Math.abs(numeric[i])), where);
            assertEquals(analytic[i], analyticPhase[i], 1e-4f * Math.max(1f, Math.abs(analytic[i])), where);
          }
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Phase.class)
  void denseGradientIsScaledByAlphaAndFactorGradientsByOneMinusAlpha(Phase phase) {
    CompressionSpec spec = CompressionSpec.parse("rank=200,begin_compression_step=0,compression_frequency=1,"
        + "alpha_decrement_value=0.4,compression_option=1,update_option=1");
    Random rnd = new Random(3);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> a = tf.withName("A").variable(constant(tf, M, N, gaussian(rnd, M * N)));
      Operand<TFloat32> x = constant(tf, BATCH, M, gaussian(rnd, BATCH * M));
      CompressedMatrix cm = MatrixCompression.apply(tf, a, spec);
      // loss = sum(y): dL/dA = α·xᵀ·1, independent of the factors.
      Operand<TFloat32> loss = tf.sum(cm.matmul(tf, x), tf.constant(new int[] {0, 1}));
      Output<?>[] grads = g.addGradients(loss.asOutput(), new Output<?>[] {a.asOutput()});
      Operand<TFloat32> plain = tf.sum(tf.linalg.matMul(x, a), tf.constant(new int[] {0, 1}));
      Output<?>[] plainGrads = g.addGradients(plain.asOutput(), new Output<?>[] {a.asOutput()});
      try (Session s = new Session(g)) {
        int updates = phase == Phase.DENSE ? 0 : phase == Phase.BLENDING ? 2 : 3;
        for (int step = 0; step < updates; step++) {
          cm.hostUpdate().runUpdateStep(s, step);
        }
        float alpha = fetchScalar(s, cm.alphaVariable());
        @SuppressWarnings("unchecked")
        float[] dA = fetch(s, (Output<TFloat32>) grads[0]);
        @SuppressWarnings("unchecked")
        float[] dPlain = fetch(s, (Output<TFloat32>) plainGrads[0]);
        for (int i = 0; i < dA.length; i++) {
          assertEquals(alpha * dPlain[i], dA[i], 1e-5f);
        }
      }
    }
  }

}
