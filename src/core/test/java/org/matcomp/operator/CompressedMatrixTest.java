package org.matcomp.operator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.matcomp.operator.GraphTestSupport.constant;
import static org.matcomp.operator.GraphTestSupport.fetch;
import static org.matcomp.operator.GraphTestSupport.fetchScalar;
import static org.matcomp.operator.GraphTestSupport.gaussian;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.spec.CompressionSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.matcomp.compressor.lowrank.LowRankCompressor;
import org.matcomp.compressor.lowrank.LowRankFactorization;

class CompressedMatrixTest {
  private static final int M = 6;
  private static final int N = 5;
  private static final int BATCH = 3;
  private static final CompressionSpec SPEC = CompressionSpec.parse(
      "name=t,rank=250,begin_compression_step=4,end_compression_step=-1,compression_frequency=2,"
          + "alpha_decrement_value=0.25,compression_option=1,update_option=1");

  /** A 6×5 A, a 3×6 x, and the matrix compressed to rank ceil(5·100/250) = 2. */
  private static final class Fixture implements AutoCloseable {
    final Graph g = new Graph();
    final Ops tf = Ops.create(g);
    final float[] aValues;
    final float[] xValues;
    final Variable<TFloat32> a;
    final Operand<TFloat32> x;
    final CompressedMatrix cm;
    final Session s;

    Fixture() {
      Random rnd = new Random(7);
      aValues = gaussian(rnd, M * N);
      xValues = gaussian(rnd, BATCH * M);
      a = tf.withName("layer_A").variable(constant(tf, M, N, aValues));
      x = constant(tf, BATCH, M, xValues);
      cm = MatrixCompression.apply(tf, a, SPEC);
      s = new Session(g);
    }

    @Override
    public void close() {
      s.close();
      g.close();
    }
  }

  @Test
  void keptRankFollowsTheReferencePercentage() {
    try (Fixture f = new Fixture()) {
      assertArrayEquals(new int[] {M, 2}, f.cm.factors().spec("B").shape());
      assertArrayEquals(new int[] {2, N}, f.cm.factors().spec("C").shape());
    }
  }

  @Test
  void readsExactlyXTimesABeforeTheSnapshot() {
    try (Fixture f = new Fixture()) {
      float[] expected = fetch(f.s, f.tf.linalg.matMul(f.x, f.a));
      for (long step = 0; step < 4; step++) {
        assertFalse(f.cm.hostUpdate().runUpdateStep(f.s, step).updated());
      }
      assertArrayEquals(expected, fetch(f.s, f.cm.matmul(f.tf, f.x)));
      assertArrayEquals(expected, fetch(f.s, f.cm.matmul(f.tf, f.x, Phase.DENSE)));
      assertArrayEquals(fetch(f.s, f.a), fetch(f.s, f.cm.weight(f.tf)));
      assertEquals(Phase.DENSE, f.cm.hostUpdate().phase(f.s));
    }
  }

  @Test
  void firstUpdateFactorsAWithTheSvdAndBlends() {
    try (Fixture f = new Fixture()) {
      HostUpdate.Outcome o = f.cm.hostUpdate().runUpdateStep(f.s, 4);
      assertTrue(o.updated());
      assertTrue(o.factored());
      assertEquals(0.75f, o.alpha());
      assertEquals(Phase.BLENDING, o.phase());

      LowRankFactorization expected =
          LowRankCompressor.withRank(2).compress("A", FloatMatrix.of(M, N, f.aValues));
      assertArrayEquals(expected.b().copyData(), fetch(f.s, f.cm.factors().floats("B")), 1e-5f);
      assertArrayEquals(expected.c().copyData(), fetch(f.s, f.cm.factors().floats("C")), 1e-5f);

      float[] xa = fetch(f.s, f.tf.linalg.matMul(f.x, f.a));
      float[] xbc = fetch(f.s, f.tf.linalg.matMul(f.tf.linalg.matMul(f.x, f.cm.factors().floats("B")),
          f.cm.factors().floats("C")));
      float[] y = fetch(f.s, f.cm.matmul(f.tf, f.x));
      for (int i = 0; i < y.length; i++) {
        assertEquals(0.75f * xa[i] + 0.25f * xbc[i], y[i], 1e-5f);
      }
      assertArrayEquals(y, fetch(f.s, f.cm.matmul(f.tf, f.x, Phase.BLENDING)));
    }
  }

  @Test
  void alphaFollowsTheScheduleAndFactorsAreComputedOnce() {
    try (Fixture f = new Fixture()) {
      float[] alphas = new float[14];
      int factorings = 0;
      for (int step = 0; step < alphas.length; step++) {
        HostUpdate.Outcome o = f.cm.hostUpdate().runUpdateStep(f.s, step);
        factorings += o.factored() ? 1 : 0;
        alphas[step] = fetchScalar(f.s, f.cm.alphaVariable());
      }
      // updates at 4, 6, 8, 10 with decrement 0.25
      assertArrayEquals(new float[] {1, 1, 1, 1, .75f, .75f, .5f, .5f, .25f, .25f, 0, 0, 0, 0}, alphas);
      assertEquals(1, factorings);
      assertEquals(12, f.s.runner().fetch(f.cm.lastUpdateStep()).run().get(0) instanceof org.tensorflow.types.TInt64 t
          ? t.getLong() : -2);
    }
  }

  @Test
  void readsExactlyXTimesBTimesCAfterAlphaReachesZero() {
    try (Fixture f = new Fixture()) {
      for (int step = 0; step <= 10; step++) {
        f.cm.hostUpdate().runUpdateStep(f.s, step);
      }
      assertEquals(Phase.COMPRESSED, f.cm.hostUpdate().phase(f.s));
      float[] xbc = fetch(f.s, f.tf.linalg.matMul(f.tf.linalg.matMul(f.x, f.cm.factors().floats("B")),
          f.cm.factors().floats("C")));
      assertArrayEquals(xbc, fetch(f.s, f.cm.matmul(f.tf, f.x)));
      assertArrayEquals(xbc, fetch(f.s, f.cm.matmul(f.tf, f.x, Phase.COMPRESSED)));
    }
  }

  @Test
  void hostUpdateMirrorsGraphStateAfterResync() {
    try (Fixture f = new Fixture()) {
      f.cm.hostUpdate().runUpdateStep(f.s, 4);
      f.cm.hostUpdate().resync(f.s);
      assertEquals(Phase.BLENDING, f.cm.hostUpdate().phase(f.s));
      assertFalse(f.cm.hostUpdate().runUpdateStep(f.s, 5).updated());
      assertTrue(f.cm.hostUpdate().runUpdateStep(f.s, 6).updated());
    }
  }

  @Test
  void rejectsANonMatrixVariable() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> v = tf.withName("bias_vec").variable(tf.constant(new float[] {1, 2, 3}));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> MatrixCompression.apply(tf, v, SPEC));
      assertTrue(e.getMessage().contains("bias_vec"), e.getMessage());
      assertTrue(e.getMessage().contains("2-D"), e.getMessage());
    }
  }

  @Test
  void rejectsAnAbsoluteRankAboveTheSmallerDimensionNamingTheVariable() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> v = tf.withName("proj").variable(tf.zeros(tf.constant(new long[] {4, 3}), TFloat32.class));
      CompressionSpec spec = SPEC.toBuilder().absoluteRank(4).build();
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> MatrixCompression.apply(tf, v, spec));
      assertTrue(e.getMessage().contains("proj") && e.getMessage().contains("rank 4"), e.getMessage());
    }
  }

  @Test
  void nonFiniteAAtTheUpdateIsRejectedNamingTheVariable() {
    try (Fixture f = new Fixture()) {
      float[] bad = f.aValues.clone();
      bad[7] = Float.NaN;
      new GraphTestSupport.Setter(f.tf, f.a).set(f.s, bad);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> f.cm.hostUpdate().runUpdateStep(f.s, 4));
      assertTrue(e.getMessage().contains("layer_A") && e.getMessage().contains("NaN"), e.getMessage());
      assertEquals(1f, fetchScalar(f.s, f.cm.alphaVariable()), "a failed update must leave α alone");
    }
  }

  @Test
  void inGraphUpdateOptionIsRefusedWithAPointerToTheHostPath() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> v = tf.withName("w").variable(tf.zeros(tf.constant(new long[] {4, 3}), TFloat32.class));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> MatrixCompression.apply(tf, v, CompressionSpec.parse("update_option=0")));
      assertTrue(e.getMessage().contains("update_option=1"), e.getMessage());
    }
  }
}
