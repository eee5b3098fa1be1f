package org.matcomp.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.matcomp.operator.GraphTestSupport.constant;
import static org.matcomp.operator.GraphTestSupport.fetch;
import static org.matcomp.operator.GraphTestSupport.gaussian;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.matcomp.spec.CompressionSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Einsum reads of a compressed weight (attention q/k/v and output kernels, EinsumDense) against the closed form
 * the equation stands for — x flattened to [n, contracted] times W, shaped back — in every phase and for a factored
 * method (low-rank: two einsums through the rank), a codebook (the dense product) and pruning; gradients against
 * finite differences; the served form against the training graph.
 */
class CompressedEinsumTest {
  private static final String SCHEDULE = "begin_compression_step=0,compression_frequency=1,"
      + "alpha_decrement_value=0.4,update_option=1,";
  private static final String LOW_RANK = SCHEDULE + "compression_option=1,absolute_rank=3";
  private static final String KMEANS = SCHEDULE + "compression_option=4,num_clusters=5";
  private static final String SIMHASH = SCHEDULE + "compression_option=2,absolute_rank=5";

  /**
   * An equation, its x shape, the weight's shape in the equation's order, and how the closed form reads it: x
   * flattened to [n, rows] (after moving x's contracted axes last), times the matrix, shaped to the output.
   */
  private record Case(String equation, long[] xShape, long[] weightShape, int[] xPermutation, long[] outShape,
      int[] outPermutation) {}

  private static final Case QKV = new Case("abc,cde->abde", new long[] {2, 3, 4}, new long[] {4, 2, 3},
      new int[] {0, 1, 2}, new long[] {2, 3, 2, 3}, null);
  private static final Case OUTPUT_PROJECTION = new Case("abcd,cde->abe", new long[] {2, 3, 2, 2},
      new long[] {2, 2, 5}, new int[] {0, 1, 2, 3}, new long[] {2, 3, 5}, null);
  // The weight's kept axis first, contracted last (a [out, in] kernel), x's contracted axis in the middle, and the
  // output axes reordered: both permutations must come out right.
  private static final Case TRANSPOSED = new Case("bci,oc->obi", new long[] {3, 4, 2}, new long[] {5, 4},
      new int[] {0, 2, 1}, new long[] {3, 2, 5}, new int[] {2, 0, 1});

  static Stream<Arguments> cases() {
    return Stream.of(LOW_RANK, KMEANS, "prune").flatMap(spec -> Stream.of(QKV, OUTPUT_PROJECTION, TRANSPOSED)
        .flatMap(c -> phasesOf(spec).map(p -> Arguments.of(spec, c.equation, p))));
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("cases")
  void einsumIsTheMatrixProductTheEquationStandsFor(String method, String equation, Phase phase) {
    Case c = Stream.of(QKV, OUTPUT_PROJECTION, TRANSPOSED).filter(k -> k.equation.equals(equation)).findFirst()
        .orElseThrow();
    EinsumRead read = EinsumRead.of(c.equation, c.weightShape);
    Random rnd = new Random(5);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> a = tf.withName("A").variable(constant(tf, read.rows(), read.cols(),
          gaussian(rnd, read.rows() * read.cols())));
      Operand<TFloat32> x = tensor(tf, c.xShape, gaussian(rnd, (int) count(c.xShape)));
      CompressedWeight w = MatrixCompression.compress(tf, a, spec(method));
      Operand<TFloat32> y = w.einsum(tf, x, read, phase);
      // Closed form: x's contracted axes last, flattened to [n, rows], times W as the phase reads it.
      Operand<TFloat32> flatX = tf.reshape(tf.linalg.transpose(x, tf.constant(c.xPermutation)),
          tf.constant(new long[] {-1, read.rows()}));
      Operand<TFloat32> expected = tf.reshape(w.matmul(tf, flatX, phase), tf.constant(c.outShape));
      if (c.outPermutation != null) {
        expected = tf.linalg.transpose(expected, tf.constant(c.outPermutation));
      }
      // Low-rank reads its factors through the rank (two einsums), never building W; the others read one W.
      long einsums = java.util.stream.StreamSupport.stream(
          java.util.Spliterators.spliteratorUnknownSize(g.operations(), 0), false)
          .filter(op -> op.type().equals("Einsum")).count();
      int compressedSide = method.equals(LOW_RANK) ? 2 : 1;
      assertEquals(switch (phase) {
        case DENSE -> 1;
        case BLENDING -> 1 + compressedSide;
        case COMPRESSED -> compressedSide;
      }, einsums, "Einsum ops in the graph");
      try (Session s = new Session(g)) {
        s.initialize();
        reachPhase(w, s, phase);
        float[] got = fetch(s, y);
        float[] want = fetch(s, expected);
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
          assertEquals(want[i], got[i], 1e-5f * Math.max(1f, Math.abs(want[i])), phase + " [" + i + "]");
        }
      }
    }
  }

  /** 0.5·‖einsum(x, W) − T‖²: quadratic in each variable, so central differences are exact up to rounding. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("phases")
  void gradientsMatchFiniteDifferences(Phase phase) {
    EinsumRead read = EinsumRead.of(QKV.equation, QKV.weightShape);
    Random rnd = new Random(17);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> a = tf.withName("A").variable(constant(tf, read.rows(), read.cols(),
          gaussian(rnd, read.rows() * read.cols())));
      Operand<TFloat32> x = tensor(tf, QKV.xShape, gaussian(rnd, (int) count(QKV.xShape)));
      Operand<TFloat32> target = tensor(tf, QKV.outShape, gaussian(rnd, (int) count(QKV.outShape)));
      CompressedMatrix cm = MatrixCompression.apply(tf, a, CompressionSpec.parse(LOW_RANK));
      Operand<TFloat32> blended = loss(tf, cm.einsum(tf, x, read, Phase.BLENDING), target);
      Operand<TFloat32> specialised = loss(tf, cm.einsum(tf, x, read, phase), target);
      List<Variable<TFloat32>> vars = cm.trainableVariables(phase);
      Output<?>[] xs = vars.stream().map(Variable::asOutput).toArray(Output[]::new);
      Output<?>[] blendedGrads = g.addGradients(blended.asOutput(), xs);
      Output<?>[] specialisedGrads = g.addGradients(specialised.asOutput(), xs);
      try (Session s = new Session(g)) {
        s.initialize();
        reachPhase(cm, s, phase);
        for (int v = 0; v < vars.size(); v++) {
          @SuppressWarnings("unchecked")
          float[] analytic = fetch(s, (Output<TFloat32>) blendedGrads[v]);
          @SuppressWarnings("unchecked")
          float[] analyticPhase = fetch(s, (Output<TFloat32>) specialisedGrads[v]);
          float[] numeric = GraphTestSupport.finiteDifference(tf, s, vars.get(v), blended, 1e-2f);
          for (int i = 0; i < numeric.length; i++) {
            String where = phase + " d/d" + vars.get(v).op().name() + "[" + i + "]";
            assertEquals(numeric[i], analytic[i], 2e-3f * Math.max(1f, Math.abs(numeric[i])), where);
            assertEquals(analytic[i], analyticPhase[i], 1e-4f * Math.max(1f, Math.abs(analytic[i])), where);
          }
        }
      }
    }
  }

  /** ½‖y − target‖² over every axis. */
  private static Operand<TFloat32> loss(Ops tf, Operand<TFloat32> y, Operand<TFloat32> target) {
    Operand<org.tensorflow.types.TInt64> flat = tf.constant(new long[] {1, -1});
    return GraphTestSupport.halfSquaredError(tf, tf.reshape(y, flat), tf.reshape(target, flat));
  }

  static Stream<Phase> phases() {
    return Stream.of(Phase.values());
  }

  /** exportEinsum in a fresh graph computes what the training graph's read computes, bit factors packed or not. */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("exports")
  void servedEinsumMatchesTheTrainingGraph(String method, Phase phase) {
    EinsumRead read = EinsumRead.of(OUTPUT_PROJECTION.equation, OUTPUT_PROJECTION.weightShape);
    Random rnd = new Random(23);
    float[] xv = gaussian(rnd, (int) count(OUTPUT_PROJECTION.xShape));
    try (Graph g = new Graph(); Graph served = new Graph()) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> a = tf.withName("A").variable(constant(tf, read.rows(), read.cols(),
          gaussian(rnd, read.rows() * read.cols())));
      CompressedWeight w = MatrixCompression.compress(tf, a, spec(method));
      Operand<TFloat32> y = w.einsum(tf, tensor(tf, OUTPUT_PROJECTION.xShape, xv), read, phase);
      try (Session s = new Session(g)) {
        s.initialize();
        reachPhase(w, s, phase);
        float[] trained = fetch(s, y);
        Ops target = Ops.create(served);
        Operand<TFloat32> ys = w.exportEinsum(target, s, tensor(target, OUTPUT_PROJECTION.xShape, xv), read);
        try (Session ss = new Session(served)) {
          ss.initialize();
          float[] got = fetch(ss, ys);
          for (int i = 0; i < trained.length; i++) {
            assertEquals(trained[i], got[i], 1e-5f * Math.max(1f, Math.abs(trained[i])), phase + " [" + i + "]");
          }
        }
      }
    }
  }

  static Stream<Arguments> exports() {
    return Stream.of(LOW_RANK, SIMHASH, KMEANS, "prune")
        .flatMap(m -> phasesOf(m).map(p -> Arguments.of(m, p)));
  }

  @Test
  void aWeightOfTheWrongShapeIsRefusedNamingBoth() {
    EinsumRead read = EinsumRead.of(QKV.equation, QKV.weightShape);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> a = tf.withName("wq").variable(constant(tf, 6, 4, new float[24]));
      CompressedWeight w = MatrixCompression.compress(tf, a, CompressionSpec.parse(LOW_RANK));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> w.einsum(tf, tensor(tf, QKV.xShape, new float[24]), read, Phase.DENSE));
      assertEquals("'wq' is 6x4, the einsum 'abc,cde->abde' reads a 4x6 matrix (contracted x kept)", e.getMessage());
    }
  }

  @Test
  void equationsThatAreNotMatrixProductsAreRefusedWithTheReason() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> EinsumRead.of("abc,cde->abde", 4, 6))
        .getMessage().contains("gives the weight 3 axes, the shape [4, 6] has 2"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> EinsumRead.of("abc,cdb->abd", 4, 5, 3))
        .getMessage().contains("neither contracted nor kept"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> EinsumRead.of("ab,bc", 4, 5))
        .getMessage().contains("no explicit output"));
    assertEquals(15, EinsumRead.of("abc,cde->abde", 4, 5, 3).cols());
    assertEquals(6, EinsumRead.of("abcd,cde->abe", 2, 3, 7).rows());
  }

  /** Pruning has no blend: a mask replaces A at once. */
  private static Stream<Phase> phasesOf(String method) {
    return Stream.of(Phase.values()).filter(p -> !(method.equals("prune") && p == Phase.BLENDING));
  }

  private static CompressionSpec spec(String method) {
    if (method.equals("prune")) {
      return CompressionSpec.parse("compression_option=1").toBuilder()
          .method(org.matcomp.compressor.prune.PruneMethod.INSTANCE).methodParameter("begin_pruning_step", "0")
          .methodParameter("sparsity_function_begin_step", "0").methodParameter("sparsity_function_end_step", "2")
          .methodParameter("pruning_frequency", "1").methodParameter("target_sparsity", "0.5").build();
    }
    return CompressionSpec.parse(method);
  }

  /** Runs host updates until {@code w} is in {@code phase} (α 1 → 0.6 → 0.2 → 0 for the factor methods). */
  private static void reachPhase(CompressedWeight w, Session s, Phase phase) {
    for (long step = 0; w.phase(s) != phase; step++) {
      assertTrue(step < 10, "never reached " + phase + ", at " + w.phase(s));
      w.runUpdateStep(s, step);
    }
  }

  private static Operand<TFloat32> tensor(Ops tf, long[] shape, float[] values) {
    return tf.constant(Shape.of(shape), DataBuffers.of(values, true, false));
  }

  private static long count(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }
}
