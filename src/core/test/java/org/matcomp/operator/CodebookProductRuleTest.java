package org.matcomp.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.matcomp.operator.GraphTestSupport.constant;
import static org.matcomp.operator.GraphTestSupport.fetch;
import static org.matcomp.operator.GraphTestSupport.gaussian;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.matcomp.spec.CompressionSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

class CodebookProductRuleTest {
  @Test
  void kmeansPlusPruningKeepsPrunedEntriesAtZeroWhileTheCodebookTrains() {
    Random rnd = new Random(6);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> a = tf.withName("w").variable(constant(tf, 10, 8, gaussian(rnd, 80)));
      CompressionSpec spec = CompressionSpec.parse("compression_option=8,absolute_rank=6,pruning_fraction=0.5,"
          + "begin_compression_step=0,compression_frequency=1,alpha_decrement_value=1,update_option=1");
      CompressedMatrix cm = MatrixCompression.apply(tf, a, spec);
      Operand<TFloat32> x = constant(tf, 3, 10, gaussian(rnd, 30));
      Operand<TFloat32> loss = tf.sum(tf.math.square(cm.matmul(tf, x, Phase.COMPRESSED)), tf.constant(new int[] {0, 1}));
      Output<?>[] grad = g.addGradients(loss.asOutput(), new Output<?>[] {cm.factors().floats("codebook").asOutput()});
      try (Session s = new Session(g)) {
        cm.hostUpdate().runUpdateStep(s, 0);
        assertEquals(Phase.COMPRESSED, cm.hostUpdate().phase(s));
        @SuppressWarnings("unchecked")
        float[] dCodebook = fetch(s, (Output<TFloat32>) grad[0]);
        assertEquals(0f, Math.abs(dCodebook[0]), "the pinned zero centroid gets no gradient");
        assertTrue(Math.abs(dCodebook[1]) + Math.abs(dCodebook[2]) > 0);
        float[] w = fetch(s, cm.weight(tf, Phase.COMPRESSED));
        int zeros = 0;
        for (float v : w) {
          zeros += v == 0f ? 1 : 0;
        }
        assertEquals(40, zeros, "half of the 80 entries pruned");
      }
    }
  }
}
