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

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.matcomp.compressor.CompressedSize;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.Factorization;
import org.matcomp.compressor.StructuredCompressor;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.spec.UpdateOption;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.matcomp.compressor.blockdiagonal.BlockDiagonalCompressor;
import org.matcomp.compressor.inputoutput.InputOutputCompressor;
import org.matcomp.compressor.mixedblock.MixedBlockCompressor;
import org.matcomp.compressor.mixedblock.MixedBlockMethod;
import org.matcomp.compressor.inputoutput.InputOutputMethod;

/**
 * The structured methods (options 9, 10, 12) in a graph: the TF product rules against the Java factorizations on the
 * same factors, gradients against finite differences, and the from-scratch lifecycle (α = 0, no updates, only the
 * factors train).
 */
class StructuredMatrixTest {
  private static final int BATCH = 3;
  private static final float EPS = 1e-2f;

  /** Method, compressor and matrix shape; shapes where every block size divides. */
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("io-both", InputOutputCompressor.both(4, 2, 4, 2), 12, 8),
        Arguments.of("io-input", InputOutputCompressor.input(4, 2), 16, 6),
        Arguments.of("io-output", InputOutputCompressor.output(4, 2), 6, 12),
        Arguments.of("io-3x", InputOutputCompressor.both(6, 3, 2, 2), 18, 10),
        Arguments.of("block-2", BlockDiagonalCompressor.withBlocks(2), 12, 8),
        Arguments.of("block-4", BlockDiagonalCompressor.withBlocks(4), 24, 16),
        Arguments.of("mixed-2", MixedBlockCompressor.withBlocks(2, 1), 12, 8),
        Arguments.of("mixed-3x2", MixedBlockCompressor.withBlocks(3, 2), 18, 12));
  }

  static CompressionSpec specFor(StructuredCompressor c) {
    return CompressionSpec.builder().name("structured").method(c.method()).build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void graphRuleReproducesTheJavaFactorizationExactly(String label, StructuredCompressor c, int m, int n) {
    Random rnd = new Random(label.hashCode());
    Factorization f = c.initialFactors("A", m, n, 17);
    float[] xv = gaussian(rnd, BATCH * m);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> a = tf.withName("A").variable(constant(tf, m, n, gaussian(rnd, m * n)));
      CompressedMatrix cm = MatrixCompression.applyStructured(tf, a, specFor(c), c, f);
      Operand<TFloat32> x = constant(tf, BATCH, m, xv);
      try (Session s = new Session(g)) {
        FloatMatrix expected = f.applyTo(FloatMatrix.of(BATCH, m, xv));
        FloatMatrix applied = FloatMatrix.of(BATCH, n, fetch(s, cm.matmul(tf, x, Phase.COMPRESSED)));
        assertTrue(applied.maxAbsDifference(expected) < 1e-5, label + " applyTo differs by "
            + applied.maxAbsDifference(expected));
        FloatMatrix product = FloatMatrix.of(m, n, fetch(s, cm.weight(tf, Phase.COMPRESSED)));
        assertTrue(product.maxAbsDifference(f.product()) < 1e-6, label + " product differs");
        // The factor variables hold exactly the initial values.
        for (Factor factor : f.factors()) {
          assertArrayEquals(factor.floats(), fetch(s, cm.factors().floats(factor.name())), label + " " + factor);
        }
        // Embedding-style lookup of rows 2 and 0 is those rows of the product.
        float[] rows = fetch(s, cm.lookup(tf, tf.constant(new int[] {2, 0}), Phase.COMPRESSED));
        float[] w = f.product().copyData();
        for (int j = 0; j < n; j++) {
          assertEquals(w[2 * n + j], rows[j], 1e-6f);
          assertEquals(w[j], rows[n + j], 1e-6f);
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void factorGradientsMatchCentralFiniteDifferencesOnBothReadPaths(String label, StructuredCompressor c, int m,
      int n) {
    Random rnd = new Random(label.hashCode() + 1);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> a = tf.withName("A").variable(constant(tf, m, n, gaussian(rnd, m * n)));
      CompressedMatrix cm = MatrixCompression.applyStructured(tf, a, specFor(c), c);
      Operand<TFloat32> x = constant(tf, BATCH, m, gaussian(rnd, BATCH * m));
      Operand<TFloat32> target = constant(tf, BATCH, n, gaussian(rnd, BATCH * n));
      Operand<TFloat32> loss = GraphTestSupport.halfSquaredError(tf, cm.matmul(tf, x, Phase.COMPRESSED), target);
      Operand<TFloat32> denseLoss = GraphTestSupport.halfSquaredError(tf, tf.linalg.matMul(x, cm.weight(tf, Phase.COMPRESSED)),
          target);
      List<Variable<TFloat32>> vars = cm.trainableVariables(Phase.COMPRESSED);
      assertEquals(cm.factors().trainable(), vars, "only the factors train");
      Output<?>[] xs = vars.stream().map(Variable::asOutput).toArray(Output[]::new);
      Output<?>[] grads = g.addGradients(loss.asOutput(), xs);
      Output<?>[] denseGrads = g.addGradients(denseLoss.asOutput(), xs);
      try (Session s = new Session(g)) {
        for (int v = 0; v < vars.size(); v++) {
          @SuppressWarnings("unchecked")
          float[] analytic = fetch(s, (Output<TFloat32>) grads[v]);
          @SuppressWarnings("unchecked")
          float[] viaProduct = fetch(s, (Output<TFloat32>) denseGrads[v]);
          float[] numeric = GraphTestSupport.finiteDifference(tf, s, vars.get(v), loss, EPS);
          for (int i = 0; i < numeric.length; i++) {
            String where = label + " d/d" + vars.get(v).op().name() + "[" + i + "]";
            assertEquals(numeric[i], analytic[i], 2e-3f * Math.max(1f, Math.abs(numeric[i])), where);
            assertEquals(analytic[i], viaProduct[i], 1e-4f * Math.max(1f, Math.abs(analytic[i])), where);
          }
        }
      }
    }
  }

  @Test
  void structuredMatrixIsCompressedFromTheStartAndNeverUpdates() {
    // The spec asks for in-graph updates (update_option 0) and an early schedule: both are ignored.
    CompressionSpec spec = CompressionSpec.parse("name=io,compression_option=9,update_option=0,"
        + "begin_compression_step=0,compression_frequency=1,compress_input=True,input_block_size=4,"
        + "input_compression_factor=2");
    InputOutputCompressor c = InputOutputCompressor.of((spec).parametersFor(InputOutputMethod.INSTANCE));
    Random rnd = new Random(2);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> a = tf.withName("dense1_kernel").variable(constant(tf, 8, 4, gaussian(rnd, 32)));
      CompressedMatrix cm = MatrixCompression.applyStructured(tf, a, spec, c);
      assertTrue(cm.isStructured());
      assertEquals(UpdateOption.NONE, cm.spec().updateOption());
      assertEquals(Long.MAX_VALUE, cm.firstUpdateStep());
      assertTrue(cm.graphUpdate().isEmpty());
      assertEquals(List.of("dense1_kernel_B", "dense1_kernel_C"),
          cm.factors().all().stream().map(v -> v.op().name()).toList());
      try (Session s = new Session(g)) {
        float[] before = fetch(s, cm.factors().floats("C"));
        for (long step = 0; step < 50; step++) {
          CompressedWeight.UpdateOutcome o = cm.runUpdateStep(s, step);
          assertFalse(o.updated());
          assertEquals(Phase.COMPRESSED, o.phase());
        }
        assertEquals(0f, fetchScalar(s, cm.alphaVariable()));
        assertEquals(Phase.COMPRESSED, cm.phase(s));
        assertArrayEquals(before, fetch(s, cm.factors().floats("C")));
      }
    }
  }

  @Test
  void equalShapedLayersStartFromDifferentDrawsThatRepeatAcrossGraphs() {
    BlockDiagonalCompressor c = BlockDiagonalCompressor.withBlocks(2);
    float[][] first = initialBlocks(c);
    float[][] again = initialBlocks(c);
    assertArrayEquals(first[0], again[0]);
    assertArrayEquals(first[1], again[1]);
    assertFalse(java.util.Arrays.equals(first[0], first[1]));
  }

  private static float[][] initialBlocks(BlockDiagonalCompressor c) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      CompressedMatrix l1 = MatrixCompression.applyStructured(tf,
          tf.withName("l1").variable(tf.zeros(tf.constant(new long[] {4, 4}), TFloat32.class)), specFor(c), c);
      CompressedMatrix l2 = MatrixCompression.applyStructured(tf,
          tf.withName("l2").variable(tf.zeros(tf.constant(new long[] {4, 4}), TFloat32.class)), specFor(c), c);
      try (Session s = new Session(g)) {
        return new float[][] {fetch(s, l1.factors().floats("C")), fetch(s, l2.factors().floats("C"))};
      }
    }
  }

  @Test
  void fitFactorsToDenseWarmStartsFromTheSessionValueOfA() {
    BlockDiagonalCompressor c = BlockDiagonalCompressor.withBlocks(2);
    Random rnd = new Random(4);
    float[] av = gaussian(rnd, 6 * 4);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> a = tf.withName("A").variable(constant(tf, 6, 4, av));
      CompressedMatrix cm = MatrixCompression.applyStructured(tf, a, specFor(c), c);
      try (Session s = new Session(g)) {
        Factorization fit = cm.hostUpdate().fitFactorsToDense(s);
        float[] w = fetch(s, cm.weight(tf, Phase.COMPRESSED));
        for (int i = 0; i < 6; i++) {
          for (int j = 0; j < 4; j++) {
            assertEquals(j / 2 == i / 3 ? av[i * 4 + j] : 0f, w[i * 4 + j], 0f, "[" + i + ", " + j + "]");
          }
        }
        assertArrayEquals(fit.product().copyData(), w, 0f); // delta 0: the graph's off-block zeros may be −0
        assertEquals(0f, fetchScalar(s, cm.alphaVariable()), "a warm start does not touch α");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void servingExportHoldsOnlyTheFactorsAndComputesTheSameProduct(String label, StructuredCompressor c, int m,
      int n) {
    Random rnd = new Random(label.hashCode() + 2);
    float[] xv = gaussian(rnd, BATCH * m);
    Factorization f = c.initialFactors("A", m, n, 23);
    try (Graph g = new Graph(); Graph serving = new Graph()) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> a = tf.withName("A").variable(constant(tf, m, n, gaussian(rnd, m * n)));
      CompressedMatrix cm = MatrixCompression.applyStructured(tf, a, specFor(c), c, f);
      try (Session s = new Session(g)) {
        s.initialize();
        Ops target = Ops.create(serving);
        Operand<TFloat32> y = cm.exportMatmul(target, s, constant(target, BATCH, m, xv));
        List<String> variables = new java.util.ArrayList<>();
        serving.operations().forEachRemaining(op -> {
          if (op.type().equals("VariableV2")) {
            variables.add(op.name());
          }
        });
        assertEquals(f.factors().stream().map(x -> "A_" + x.name()).sorted().toList(),
            variables.stream().sorted().toList(), label + ": the export keeps the factors and never A");
        try (Session served = new Session(serving)) {
          FloatMatrix got = FloatMatrix.of(BATCH, n, fetch(served, y));
          assertTrue(got.maxAbsDifference(f.applyTo(FloatMatrix.of(BATCH, m, xv))) < 1e-5, label);
        }
      }
    }
  }

  @Test
  void sizeIsTheFactorsTrueSize() {
    InputOutputCompressor c = InputOutputCompressor.both(4, 2, 4, 2);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      CompressedMatrix cm = MatrixCompression.applyStructured(tf,
          tf.withName("a_matrix").variable(tf.zeros(tf.constant(new long[] {12, 8}), TFloat32.class)),
          specFor(c), c);
      // B 4×2 + C 6×4 + D 2×4 = 40 floats for A's 96.
      assertEquals(new CompressedSize(96, 384, 40, 160), cm.size());
      CompressionReport.Entry e = CompressionReport.of(cm);
      assertEquals("input-output", e.method());
      assertEquals(2.4, e.size().ratio(), 1e-12);
    }
  }

  @Test
  void badInputsAreRejectedNamingTheVariable() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> a = tf.withName("dense2_kernel").variable(tf.zeros(tf.constant(new long[] {12, 8}),
          TFloat32.class));
      BlockDiagonalCompressor three = BlockDiagonalCompressor.withBlocks(3);
      IllegalArgumentException notDividing = assertThrows(IllegalArgumentException.class,
          () -> MatrixCompression.applyStructured(tf, a, specFor(three), three));
      assertEquals("dense2_kernel (12x8): block_compression_factor=3 must divide both dimensions",
          notDividing.getMessage());
      BlockDiagonalCompressor two = BlockDiagonalCompressor.withBlocks(2);
      IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
          () -> MatrixCompression.applyStructured(tf, a, specFor(two), two, two.initialFactors("x", 8, 8, 1)));
      assertEquals("variable dense2_kernel is 12x8 but its initial factors are for 8x8", shape.getMessage());
      IllegalArgumentException method = assertThrows(IllegalArgumentException.class,
          () -> MatrixCompression.applyStructured(tf, a,
              CompressionSpec.builder().method(MixedBlockMethod.INSTANCE).build(), two));
      assertEquals("variable dense2_kernel: spec says mixed-block but the compressor is block", method.getMessage());
    }
  }

  @Test
  void compressTakesTheStructuredPathForOptions9To12() {
    for (String hparams : new String[] {"compression_option=10,block_compression_factor=2",
        "compression_option=12,compression_factor=2", "compression_option=9,input_block_size=4,"
            + "input_compression_factor=2"}) {
      try (Graph g = new Graph()) {
        Ops tf = Ops.create(g);
        Variable<TFloat32> a = tf.withName("w").variable(tf.zeros(tf.constant(new long[] {12, 8}), TFloat32.class));
        CompressedWeight w = MatrixCompression.compress(tf, a, CompressionSpec.parse(hparams));
        assertTrue(((CompressedMatrix) w).isStructured(), hparams);
        assertEquals(Long.MAX_VALUE, w.firstUpdateStep(), hparams);
      }
    }
  }
}
