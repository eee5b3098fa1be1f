package org.matcomp.operator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.matcomp.operator.GraphTestSupport.constant;
import static org.matcomp.operator.GraphTestSupport.fetch;
import static org.matcomp.operator.GraphTestSupport.gaussian;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.matcomp.compressor.CompressedSize;
import org.matcomp.compressor.FactorType;
import org.matcomp.spec.CompressionSpec;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * Training keeps k-means codes a byte each; the serving export stores them packed, ⌈n·bits/8⌉ bytes, and reads back
 * exactly the product the training graph computes. A 21×17 matrix: 357 codes, so every width pads its last byte.
 */
class PackedCodesExportTest {
  private static final int M = 21;
  private static final int N = 17;
  private static final int BATCH = 3;

  @ParameterizedTest
  @ValueSource(ints = {2, 3, 4, 16, 17, 256, 300})
  void servingExportPacksCodesAndComputesTheTrainedProduct(int clusters) {
    Random rnd = new Random(clusters);
    float[] xv = gaussian(rnd, BATCH * M);
    CompressionSpec spec = CompressionSpec.parse("name=t,begin_compression_step=0,compression_frequency=1,"
        + "alpha_decrement_value=1,update_option=1,compression_option=4,absolute_rank=" + clusters);
    FactorType type = FactorType.indexFor(clusters);
    long codeBytes = ((long) M * N * type.bitsPerEntry() + 7) / 8;
    try (Graph g = new Graph(); Graph serving = new Graph()) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> a = tf.withName("A").variable(constant(tf, M, N, gaussian(rnd, M * N)));
      CompressedMatrix cm = MatrixCompression.apply(tf, a, spec);
      assertEquals(new CompressedSize(M * N, 4L * M * N, clusters + M * N, 4L * clusters + codeBytes), cm.size());
      try (Session s = new Session(g)) {
        s.initialize();
        cm.runUpdateStep(s, 0);
        assertEquals(Phase.COMPRESSED, cm.hostUpdate().phase(s));
        float[] trained = fetch(s, cm.matmul(tf, constant(tf, BATCH, M, xv)));

        Ops target = Ops.create(serving);
        Operand<TFloat32> y = cm.exportMatmul(target, s, constant(target, BATCH, M, xv));
        GraphOperation codes = serving.operation("A_codes");
        Shape stored = codes.output(0).shape();
        if (type.packed()) {
          assertEquals(TUint8.class, codes.output(0).type());
          assertEquals(Shape.of(codeBytes), stored);
        } else {
          assertEquals(Shape.of(M, N), stored);
        }
        try (Session served = new Session(serving)) {
          served.initialize();
          assertArrayEquals(trained, fetch(served, y), 0f);
        }
      }
    }
  }
}
