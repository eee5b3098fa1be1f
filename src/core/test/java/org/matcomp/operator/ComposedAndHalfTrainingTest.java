package org.matcomp.operator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.matcomp.operator.GraphTestSupport.constant;
import static org.matcomp.operator.GraphTestSupport.fetch;
import static org.matcomp.operator.GraphTestSupport.gaussian;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.matcomp.compressor.Factorization;
import org.matcomp.compressor.FactorType;
import org.matcomp.compressor.HalfPrecision;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.spec.CompressionSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Compositions and 16-bit floats in the training graph: after the switch the graph reads exactly the product the
 * host computes from the same factors (chained decoders included), and the narrow floats train through their
 * rounding with the gradient passed straight through.
 */
class ComposedAndHalfTrainingTest {
  private static final int M = 24;
  private static final int N = 20;

  private static CompressionSpec spec(String method, String extra) {
    return CompressionSpec.parse("name=t,begin_compression_step=0,end_compression_step=-1,compression_frequency=1,"
        + "alpha_decrement_value=1,update_option=1,method=" + method + extra);
  }

  @ParameterizedTest
  @ValueSource(strings = {"fp16", "bf16", "lowrank+int8", "prune+kmeans", "lowrank+fp16", "prune+int8",
      "dictionary+int8"})
  void theGraphReadsTheHostsProductAfterTheSwitch(String method) {
    String extra = switch (method) {
      case "lowrank+int8", "lowrank+fp16" -> ",absolute_rank=4";
      case "prune+kmeans" -> ",target_sparsity=0.75,num_clusters=4";
      case "prune+int8" -> ",target_sparsity=0.5";
      case "dictionary+int8" -> ",dl_atoms=8,dl_nonzeros=2,dl_iterations=2";
      default -> "";
    };
    CompressionSpec spec = spec(method, extra);
    float[] a = gaussian(new Random(3), M * N);
    Factorization expected = spec.compressor().compress("t", FloatMatrix.of(M, N, a));
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> av = tf.withName("layer_A").variable(constant(tf, M, N, a));
      CompressedMatrix cm = MatrixCompression.apply(tf, av, spec);
      Operand<TFloat32> w = cm.weight(tf);
      HostUpdate.Outcome o = cm.hostUpdate().runUpdateStep(s, 0);
      assertEquals(Phase.COMPRESSED, o.phase());
      assertArrayEquals(expected.product().copyData(), fetch(s, w), 1e-5f);
      // every trainable factor gets a gradient through the chained decoders
      List<Variable<TFloat32>> trainable = cm.factors().trainable();
      assertTrue(!trainable.isEmpty(), method + " has nothing to train");
      Output<?>[] grads = g.addGradients(tf.reduceSum(w, tf.constant(new int[] {0, 1})).asOutput(),
          trainable.stream().map(Variable::asOutput).toArray(Output[]::new));
      for (Output<?> grad : grads) {
        @SuppressWarnings("unchecked")
        float[] gv = fetch(s, (Operand<TFloat32>) grad);
        assertTrue(java.util.Arrays.stream(toDoubles(gv)).anyMatch(v -> v != 0), method + ": zero gradient");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"fp16", "bf16", "int8"})
  void narrowFloatsTrainThroughTheirRoundingWithAStraightThroughGradient(String method) {
    FactorType type = switch (method) {
      case "fp16" -> FactorType.FLOAT16;
      case "bf16" -> FactorType.BFLOAT16;
      default -> FactorType.INT8;
    };
    float[] a = gaussian(new Random(4), M * N);
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> av = tf.withName("layer_A").variable(constant(tf, M, N, a));
      CompressedMatrix cm = MatrixCompression.apply(tf, av, spec(method, ""));
      Operand<TFloat32> w = cm.weight(tf);
      cm.hostUpdate().runUpdateStep(s, 0);
      Variable<TFloat32> shadow = cm.factors().floats("weights");
      // a step that moves the float32 shadow by less than half a unit of the narrow type leaves the read unchanged
      float[] before = fetch(s, w);
      float[] nudged = fetch(s, shadow);
      for (int i = 0; i < nudged.length; i++) {
        // int8: a hundredth of a step for every entry but each column's largest, which sets the scale
        nudged[i] += type.isInt8() ? (isColumnMax(nudged, i) ? 0f : 3e-4f * Math.signum(-nudged[i]))
            : Math.ulp(type.round(nudged[i])) * (type == FactorType.FLOAT16 ? 1e-4f : 1e-2f);
      }
      s.runner().addTarget(tf.assign(shadow, constant(tf, M, N, nudged))).run();
      assertArrayEquals(before, fetch(s, w));
      // ... while the read is always the rounding of the shadow, as the host stores it
      float[] shadowNow = fetch(s, shadow);
      assertArrayEquals(type.round(shadowNow, new int[] {M, N}), fetch(s, w), type.isInt8() ? 1e-6f : 0f);
      // the gradient reaches the shadow unchanged: d sum(x·W) / dW = xᵀ·1
      float[] x = gaussian(new Random(5), 3 * M);
      Operand<TFloat32> y = tf.reduceSum(tf.linalg.matMul(constant(tf, 3, M, x), w), tf.constant(new int[] {0, 1}));
      @SuppressWarnings("unchecked")
      float[] grad = fetch(s, (Operand<TFloat32>) g.addGradients(y.asOutput(), new Output<?>[] {shadow.asOutput()})[0]);
      for (int i = 0; i < M; i++) {
        float rowSum = x[i] + x[M + i] + x[2 * M + i];
        for (int j = 0; j < N; j++) {
          assertEquals(rowSum, grad[i * N + j], 1e-5f);
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"fp16", "bf16"})
  void hostRoundingEqualsTensorFlowsCast(String method) {
    FactorType type = method.equals("fp16") ? FactorType.FLOAT16 : FactorType.BFLOAT16;
    Random rnd = new Random(11);
    float[] v = new float[4096];
    for (int i = 0; i < v.length; i++) {
      // normal, subnormal-range, huge and tie-prone values
      v[i] = switch (i % 4) {
        case 0 -> (float) rnd.nextGaussian();
        case 1 -> (float) (rnd.nextGaussian() * 1e-6);
        case 2 -> (float) (rnd.nextGaussian() * 7e4);
        default -> Float.intBitsToFloat(Float.floatToIntBits((float) rnd.nextGaussian()) & 0xffffe000 | 0x1000);
      };
    }
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> c = constant(tf, 64, 64, v);
      Class<? extends org.tensorflow.types.family.TFloating> narrow = type == FactorType.FLOAT16
          ? org.tensorflow.types.TFloat16.class : org.tensorflow.types.TBfloat16.class;
      Operand<TFloat32> round = tf.dtypes.cast(tf.dtypes.cast(c, narrow), TFloat32.class);
      float[] tfRounded = fetch(s, round);
      for (int i = 0; i < v.length; i++) {
        assertEquals(tfRounded[i], type.round(v[i]), "entry " + i + " = " + v[i]);
      }
    }
    assertEquals(65504f, HalfPrecision.roundToHalf(65519f));
    assertEquals(Float.POSITIVE_INFINITY, HalfPrecision.roundToHalf(65520f));
    assertNotEquals(0f, HalfPrecision.roundToHalf(6e-8f), "the smallest subnormal survives");
  }

  private static boolean isColumnMax(float[] v, int i) {
    int col = i % N;
    for (int r = 0; r < M; r++) {
      if (Math.abs(v[r * N + col]) > Math.abs(v[i])) {
        return false;
      }
    }
    return true;
  }

  private static double[] toDoubles(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }
}
