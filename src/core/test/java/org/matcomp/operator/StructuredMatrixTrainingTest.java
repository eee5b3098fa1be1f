package org.matcomp.operator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.matcomp.operator.GraphTestSupport.constant;
import static org.matcomp.operator.GraphTestSupport.fetch;
import static org.matcomp.operator.GraphTestSupport.gaussian;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.matcomp.compressor.StructuredCompressor;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.train.PhasedTrainer;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.framework.optimizers.Adam;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.matcomp.compressor.blockdiagonal.BlockDiagonalCompressor;
import org.matcomp.compressor.inputoutput.InputOutputCompressor;
import org.matcomp.compressor.mixedblock.MixedBlockCompressor;

/**
 * A structured layer trained from scratch by the stock {@link PhasedTrainer} learns a target made by the same
 * structure (a teacher with other Xavier draws): the trainer stays in the COMPRESSED phase, moves only the factors,
 * and the mean squared error falls below a millionth of where it starts (about 1e-14 of it in practice).
 */
class StructuredMatrixTrainingTest {
  private static final int M = 32;
  private static final int N = 16;
  private static final int SAMPLES = 128;
  private static final int STEPS = 600;

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("input-output", InputOutputCompressor.both(8, 2, 4, 2)),
        Arguments.of("block", BlockDiagonalCompressor.withBlocks(4)),
        Arguments.of("mixed-block", MixedBlockCompressor.withBlocks(4, 1)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void learnsATargetOfItsOwnStructureFromScratch(String label, StructuredCompressor c) {
    Random rnd = new Random(label.hashCode());
    float[] xv = gaussian(rnd, SAMPLES * M);
    FloatMatrix teacher = c.initialFactors("teacher", M, N, 99).product();
    FloatMatrix y = FloatMatrix.of(SAMPLES, M, xv).times(teacher);
    float[] denseA = gaussian(rnd, M * N);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> a = tf.withName("kernel").variable(constant(tf, M, N, denseA));
      CompressedMatrix cm = MatrixCompression.applyStructured(tf, a, StructuredMatrixTest.specFor(c), c);
      Operand<TFloat32> x = constant(tf, SAMPLES, M, xv);
      Operand<TFloat32> target = constant(tf, SAMPLES, N, y.copyData());
      PhasedTrainer trainer = new PhasedTrainer(g, tf, List.of(cm), List.of(),
          phase -> tf.math.mean(tf.math.squaredDifference(cm.matmul(tf, x, phase), target),
              tf.constant(new int[] {0, 1})),
          (graph, name) -> new Adam(graph, name, 0.02f));
      try (Session s = new Session(g)) {
        float first = Float.NaN;
        float last = Float.NaN;
        for (long step = 0; step < STEPS; step++) {
          PhasedTrainer.StepResult r = trainer.step(s, step, Map.of());
          assertEquals(Phase.COMPRESSED, r.phase(), "step " + step);
          if (step == 0) {
            first = r.loss();
          }
          last = r.loss();
        }
        System.out.printf("%s: mse %.4g -> %.4g after %d Adam steps%n", label, first, last, STEPS);
        assertTrue(last < 1e-6 * first, label + ": mse " + first + " -> " + last);
        assertArrayEquals(denseA, fetch(s, a), "A must not train");
      }
    }
  }
}
