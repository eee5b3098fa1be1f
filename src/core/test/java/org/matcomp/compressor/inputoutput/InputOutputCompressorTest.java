package org.matcomp.compressor.inputoutput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.matcomp.compressor.StructuredTestSupport.gaussian;
import static org.matcomp.compressor.StructuredTestSupport.referenceMatrix;
import static org.matcomp.compressor.StructuredTestSupport.squaredDistance;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.matcomp.compressor.StructuredTestSupport;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.compressor.CompressedSize;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorSpec;

class InputOutputCompressorTest {
  /** The reference unit test's hparams (compression_op_test.py, InputOutputCompressionOpTest). */
  private static final String REFERENCE_HPARAMS = "name=input_output_compression,compression_option=9,"
      + "begin_compression_step=1000,end_compression_step=120000,compression_frequency=100,compress_input=True,"
      + "compress_output=True,input_compression_factor=2,input_block_size=4,output_compression_factor=2,"
      + "output_block_size=4,";

  @Test
  void referenceTestShapesAreB4x2C6x4D2x4() {
    InputOutputCompressor c = InputOutputCompressor.of((CompressionSpec.parse(REFERENCE_HPARAMS)).parametersFor(InputOutputMethod.INSTANCE));
    assertEquals(List.of(FactorSpec.trainableFloat("B", 4, 2), FactorSpec.trainableFloat("C", 6, 4),
        FactorSpec.trainableFloat("D", 2, 4)), c.layout("a_matrix", 12, 8));
    InputOutputFactorization f = c.initialFactors("a_matrix", 12, 8, 1);
    assertEquals(8, f.applyTo(FloatMatrix.of(1, 12, new float[] {1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4})).cols());
    // 8 + 24 + 8 = 40 parameters for A's 96.
    assertEquals(new CompressedSize(96, 384, 40, 160), f.size());
  }

  @Test
  void defaultsAreTheReferences() {
    InputOutputCompressor c = InputOutputCompressor.of((CompressionSpec.parse("compression_option=9")).parametersFor(InputOutputMethod.INSTANCE));
    assertEquals(List.of(FactorSpec.trainableFloat("B", 32, 32), FactorSpec.trainableFloat("C", 64, 10)),
        c.layout("w", 64, 10));
  }

  @Test
  void productIsTheKroneckerFormAndApplyToAgreesWithIt() {
    InputOutputFactorization f = InputOutputCompressor.both(4, 2, 4, 2).initialFactors("w", 12, 8, 3);
    float[] b = f.factor("B").floats();
    float[] d = f.factor("D").floats();
    // P = I₃ ⊗ B (12×6), Q = I₂ ⊗ D (4×8), built entry by entry.
    float[] p = new float[12 * 6];
    for (int k = 0; k < 3; k++) {
      for (int a = 0; a < 4; a++) {
        for (int q = 0; q < 2; q++) {
          p[(k * 4 + a) * 6 + k * 2 + q] = b[a * 2 + q];
        }
      }
    }
    float[] qm = new float[4 * 8];
    for (int k = 0; k < 2; k++) {
      for (int q = 0; q < 2; q++) {
        for (int c = 0; c < 4; c++) {
          qm[(k * 2 + q) * 8 + k * 4 + c] = d[q * 4 + c];
        }
      }
    }
    FloatMatrix w = FloatMatrix.of(12, 6, p).times(FloatMatrix.of(6, 4, f.factor("C").floats()))
        .times(FloatMatrix.of(4, 8, qm));
    assertTrue(w.maxAbsDifference(f.product()) < 1e-6);
    FloatMatrix x = gaussian(5, 12, 4);
    assertTrue(f.applyTo(x).maxAbsDifference(x.times(w)) < 1e-5);
  }

  @ParameterizedTest
  @CsvSource({"4, 2", "4, 4", "8, 2", "6, 3"})
  void inputOnlyFitIsTheSharedPcaOptimum(int blockSize, int factor) {
    int m = 24;
    int n = 10;
    FloatMatrix a = gaussian(m, n, blockSize * 10L + factor);
    InputOutputFactorization f = InputOutputCompressor.input(blockSize, factor).compress("a", a);
    // S = [A₀ A₁ …] (block size × (m/b)·n): the best shared B keeps S's leading b/f singular directions.
    float[] av = a.copyData();
    int blocks = m / blockSize;
    double[] s = new double[blockSize * blocks * n];
    for (int k = 0; k < blocks; k++) {
      for (int p = 0; p < blockSize; p++) {
        for (int j = 0; j < n; j++) {
          s[p * blocks * n + k * n + j] = av[(k * blockSize + p) * n + j];
        }
      }
    }
    double optimum = tail(StructuredTestSupport.singularValues(s, blockSize, blocks * n), blockSize / factor);
    assertEquals(optimum, squaredDistance(a, f.product()), 1e-5 * Math.max(optimum, 1));
  }

  @ParameterizedTest
  @CsvSource({"4, 2", "2, 2", "6, 2"})
  void outputOnlyFitIsTheSharedPcaOptimum(int blockSize, int factor) {
    int m = 9;
    int n = 12;
    FloatMatrix a = gaussian(m, n, blockSize * 7L + factor);
    InputOutputFactorization f = InputOutputCompressor.output(blockSize, factor).compress("a", a);
    double optimum = tail(StructuredTestSupport.singularValues(columnBlocksStacked(a, blockSize),
        m * n / blockSize, blockSize), blockSize / factor);
    assertEquals(optimum, squaredDistance(a, f.product()), 1e-5 * Math.max(optimum, 1));
    assertEquals(List.of(FactorSpec.trainableFloat("C", 9, 12 / factor),
        FactorSpec.trainableFloat("D", blockSize / factor, blockSize)),
        f.factors().stream().map(Factor::spec).toList());
  }

  @Test
  void twoSidedFitOfTheReferenceMatrixHasTheClosedFormError() {
    // A = u·vᵀ: both v blocks fit D exactly, so only the input side loses: rel error = σ₃(U)/‖U‖ for U the 4×3
    // matrix whose columns are u's three blocks.
    double[] u = new double[12];
    for (int i = 0; i < 3; i++) {
      for (int a = 0; a < 4; a++) {
        u[a * 3 + i] = StructuredTestSupport.U_REF[i * 4 + a];
      }
    }
    double[] s = StructuredTestSupport.singularValues(u, 4, 3);
    double expected = s[2] / Math.sqrt(s[0] * s[0] + s[1] * s[1] + s[2] * s[2]);
    FloatMatrix a = referenceMatrix();
    InputOutputFactorization f = InputOutputCompressor.of((CompressionSpec.parse(REFERENCE_HPARAMS)).parametersFor(InputOutputMethod.INSTANCE))
        .compress("a", a);
    assertEquals(expected, a.relativeErrorTo(f.product()), 1e-6);
  }

  @Test
  void twoSidedFitBeatsTheHosvdBoundAndIsLocallyOptimal() {
    int m = 24;
    int n = 16;
    FloatMatrix a = gaussian(m, n, 77);
    InputOutputFactorization f = InputOutputCompressor.both(4, 2, 4, 2).compress("a", a);
    double err = squaredDistance(a, f.product());
    double inputOnly = squaredDistance(a, InputOutputCompressor.input(4, 2).compress("a", a).product());
    double outputOnly = squaredDistance(a, InputOutputCompressor.output(4, 2).compress("a", a).product());
    // Tucker truncation by the one-sided bases errs by at most the sum of the one-sided errors; HOOI only improves.
    assertTrue(err <= inputOnly + outputOnly, err + " > " + inputOnly + " + " + outputOnly);
    assertTrue(err >= Math.max(inputOnly, outputOnly) - 1e-6, "cannot beat either one-sided optimum");
    assertTrue(f.diagnostics().get("fit_iterations") >= 1);
    Random rnd = new Random(5);
    for (int trial = 0; trial < 20; trial++) {
      InputOutputFactorization moved = perturbed(f, rnd, 1e-3f);
      assertTrue(squaredDistance(a, moved.product()) >= err * (1 - 1e-6), "trial " + trial + " improved the fit");
    }
  }

  @Test
  void aMatrixWithTheStructureIsRecoveredExactly() {
    InputOutputCompressor c = InputOutputCompressor.both(6, 3, 4, 2);
    FloatMatrix a = c.initialFactors("t", 36, 20, 12).product();
    assertTrue(a.relativeErrorTo(c.compress("a", a).product()) < 1e-5);
  }

  @Test
  void initialFactorsUseTheReferenceLimits() {
    InputOutputFactorization f = InputOutputCompressor.both(4, 2, 4, 2).initialFactors("w", 12, 8, 9);
    assertWithin(f.factor("B").floats(), 1.0); // sqrt(3 / ((4+2)/2))
    assertWithin(f.factor("C").floats(), Math.sqrt(3 / 2.5)); // 2022: (6+4)/(2·2)
    assertWithin(f.factor("D").floats(), 1.0);
  }

  @Test
  void badInputsNameTheCulprit() {
    assertMessage("dense1_kernel (12x8): input_block_size=5 must divide its 12 rows",
        () -> InputOutputCompressor.input(5, 1).layout("dense1_kernel", 12, 8));
    assertMessage("logits (12x8): output_block_size=3 must divide its 8 columns",
        () -> InputOutputCompressor.output(3, 1).layout("logits", 12, 8));
    assertMessage("spec 's' (method input-output): input_compression_factor=3 must divide input_block_size=4",
        () -> spec("input_block_size=4,input_compression_factor=3"));
    assertMessage("spec 's' (method input-output): input_compression_factor=2 needs compress_input=True (the input side is off, so nothing "
        + "would shrink it)", () -> spec("compress_input=False,compress_output=True,output_block_size=2,"
            + "input_compression_factor=2"));
    assertMessage("spec 's' (method input-output): output_compression_factor=2 needs compress_output=True (the output side is off, so "
        + "nothing would shrink it)", () -> spec("output_compression_factor=2"));
    assertMessage("spec 's' (method input-output): input_block_size=0 must be positive", () -> spec("input_block_size=0"));
    assertMessage("spec 's' (method input-output): output_compression_factor=-2 must be positive",
        () -> spec("compress_output=True,output_compression_factor=-2"));
    assertMessage("spec 's' (method input-output): compress_input='maybe' is not a boolean (True or False)",
        () -> spec("compress_input=maybe"));
  }

  private static InputOutputCompressor spec(String extra) {
    return InputOutputCompressor.of((CompressionSpec.parse("name=s,compression_option=9," + extra)).parametersFor(InputOutputMethod.INSTANCE));
  }

  private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable e) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, e).getMessage());
  }

  private static void assertWithin(float[] v, double limit) {
    for (float x : v) {
      assertTrue(Math.abs(x) <= limit, x + " beyond " + limit);
    }
  }

  private static double tail(double[] s, int keep) {
    double t = 0;
    for (int i = keep; i < s.length; i++) {
      t += s[i] * s[i];
    }
    return t;
  }

  /** A's column blocks (m × b each) stacked vertically: (m·n/b) × b. */
  private static double[] columnBlocksStacked(FloatMatrix a, int b) {
    int m = a.rows();
    int n = a.cols();
    float[] av = a.copyData();
    double[] t = new double[m * n];
    for (int j = 0; j < n / b; j++) {
      for (int r = 0; r < m; r++) {
        for (int c = 0; c < b; c++) {
          t[(j * m + r) * b + c] = av[r * n + j * b + c];
        }
      }
    }
    return t;
  }

  private static InputOutputFactorization perturbed(InputOutputFactorization f, Random rnd, float scale) {
    Factor[] fs = new Factor[3];
    for (int i = 0; i < 3; i++) {
      Factor x = f.factors().get(i);
      float[] v = x.floats();
      for (int j = 0; j < v.length; j++) {
        v[j] += scale * (float) rnd.nextGaussian();
      }
      fs[i] = Factor.ofFloats(x.spec(), v);
    }
    return new InputOutputFactorization(fs[0], fs[1], fs[2], f.rows(), f.cols(), java.util.Map.of());
  }
}
