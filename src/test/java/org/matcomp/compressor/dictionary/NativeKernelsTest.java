package org.matcomp.compressor.dictionary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.matcomp.Requirements;

/**
 * The native kernels are a transcription of the Java ones: coding, seeding and learning must agree bit for bit.
 */
class NativeKernelsTest {
  @BeforeAll
  static void nativeKernelsAreBuilt() {
    Requirements.require(NativeKernels.load(), NativeKernels.status());
  }

  /** Planted k-sparse mixtures plus noise, dimensions chosen to hit every remainder of the vector loops. */
  @ParameterizedTest(name = "n={0} K={1} d={2} k={3} tol={4}")
  @CsvSource({
      "1000, 256, 64, 8, -1",
      "777, 100, 37, 5, -1",
      "300, 17, 3, 2, -1",
      "500, 33, 15, 33, -1",
      "400, 64, 18, 1, -1",
      "600, 90, 20, 90, 0.05",
  })
  void codingEqualsTheJavaCoderBitForBit(int n, int atoms, int dim, int k, double tol) {
    Random random = new Random(n * 31L + atoms);
    float[] d = unitRows(random, atoms, dim);
    float[] x = mixtures(random, d, n, atoms, dim, Math.min(k, 4), 0.01);
    BatchOmp omp = BatchOmp.withNonzeros(k);
    if (tol >= 0) {
      omp = omp.withSquaredResidualTolerance(tol);
    }
    double[] nativeNorms = new double[n];
    SparseCode viaNative = omp.encode("D", d, atoms, "X", x, n, dim, nativeNorms);
    double[] javaNorms = new double[n];
    SparseCode viaJava = omp.encodeValidated(GramDictionary.of(d, atoms, dim), x, n, javaNorms);
    assertArrayEquals(viaJava.counts(), viaNative.counts());
    assertArrayEquals(viaJava.indices(), viaNative.indices());
    assertArrayEquals(viaJava.values(), viaNative.values());
    assertArrayEquals(viaJava.squaredResiduals(), viaNative.squaredResiduals());
    assertArrayEquals(javaNorms, nativeNorms);
  }

  @Test
  void exactTiesAreBrokenLikeTheJavaCoder() {
    // Duplicated atoms tie exactly in every correlation: the working-order rule decides, on both sides alike.
    Random random = new Random(7);
    int atoms = 40;
    int dim = 12;
    float[] half = unitRows(random, atoms / 2, dim);
    float[] d = new float[atoms * dim];
    System.arraycopy(half, 0, d, 0, half.length);
    System.arraycopy(half, 0, d, half.length, half.length);
    float[] x = mixtures(random, d, 200, atoms, dim, 3, 0);
    BatchOmp omp = BatchOmp.withNonzeros(6);
    SparseCode viaNative = omp.encode("D", d, atoms, "X", x, 200, dim, new double[200]);
    SparseCode viaJava = omp.encodeValidated(GramDictionary.of(d, atoms, dim), x, 200, new double[200]);
    assertArrayEquals(viaJava.indices(), viaNative.indices());
    assertArrayEquals(viaJava.values(), viaNative.values());
  }

  @ParameterizedTest(name = "n={0} K={1} d={2} k={3} iterations={4}")
  @CsvSource({
      "2000, 64, 16, 4, 6",
      "1500, 48, 10, 3, 5",
      "300, 300, 8, 2, 3",
  })
  void learningMatchesTheJavaLearner(int n, int atoms, int dim, int k, int iterations) {
    Random random = new Random(n + atoms);
    float[] hidden = unitRows(random, atoms / 2 + 1, dim);
    float[] x = mixtures(random, hidden, n, atoms / 2 + 1, dim, Math.min(k, 3), 0.05);
    DictionaryLearner learner = DictionaryLearner.builder().atoms(atoms).nonzeros(k).iterations(iterations).seed(3)
        .build();
    DictionaryLearningResult viaNative = learner.learn("X", x.clone(), n, dim, true);
    DictionaryLearningResult viaJava = learner.learn("X", x.clone(), n, dim, false);
    assertEquals(viaJava.initialObjective(), viaNative.initialObjective(), 0.0);
    assertArrayEquals(viaJava.objectives(), viaNative.objectives());
    assertArrayEquals(viaJava.dictionary(), viaNative.dictionary());
    assertArrayEquals(viaJava.code().indices(), viaNative.code().indices());
    assertArrayEquals(viaJava.code().values(), viaNative.code().values());
    assertEquals(viaJava.relativeError(), viaNative.relativeError(), 0.0);
    double[] b = viaNative.objectives();
    // The native code's residuals are exact for its stored code.
    double exact = viaNative.code().relativeError(x, viaNative.dictionary(), dim);
    assertEquals(exact, viaNative.relativeError(), 1e-5);
    for (int t = 1; t < b.length; t++) {
      assertTrue(b[t] <= b[t - 1], "objective rose at iteration " + t);
    }
  }

  @ParameterizedTest(name = "n={0} K={1} d={2}")
  @CsvSource({"5000, 256, 64", "300, 200, 7", "40, 30, 5", "10, 40, 3"})
  void seedingEqualsTheJavaSeeding(int n, int atoms, int dim) {
    // The last case has fewer sample rows than atoms: the picks stop early and random atoms fill the rest.
    Random random = new Random(n);
    float[] x = mixtures(random, unitRows(random, 12, dim), n, 12, dim, 2, 0.01);
    float[][] viaNative = AtomSeeding.seed(x, n, dim, atoms, 9, true);
    float[][] viaJava = AtomSeeding.seed(x, n, dim, atoms, 9, false);
    for (int a = 0; a < atoms; a++) {
      assertArrayEquals(viaJava[a], viaNative[a], "atom " + a);
    }
  }

  @Test
  void unusedAtomsAreReplacedNatively() {
    // 40 atoms for rows spanning only 3 directions: most atoms go unused after the first update and are refilled.
    Random random = new Random(11);
    float[] hidden = unitRows(random, 3, 6);
    float[] x = mixtures(random, hidden, 400, 3, 6, 1, 0.001);
    DictionaryLearner learner = DictionaryLearner.builder().atoms(40).nonzeros(2).iterations(4).build();
    DictionaryLearningResult viaNative = learner.learn("X", x.clone(), 400, 6, true);
    DictionaryLearningResult viaJava = learner.learn("X", x.clone(), 400, 6, false);
    assertNotEquals(0, viaNative.replacedAtoms());
    assertEquals(viaJava.replacedAtoms(), viaNative.replacedAtoms());
    assertArrayEquals(viaJava.dictionary(), viaNative.dictionary());
    assertEquals(viaJava.relativeError(), viaNative.relativeError(), 0.0);
  }

  @Test
  void aNonFiniteRowIsNamedOnTheNativePath() {
    Random random = new Random(5);
    float[] x = mixtures(random, unitRows(random, 8, 4), 50, 8, 4, 2, 0.1);
    x[17 * 4 + 2] = Float.NaN;
    DictionaryLearner learner = DictionaryLearner.builder().atoms(8).nonzeros(2).iterations(2).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> learner.learn("table.npy", x, 50, 4, true));
    assertTrue(e.getMessage().contains("table.npy"), e.getMessage());
    assertTrue(e.getMessage().contains("17"), e.getMessage());
  }

  private static float[] unitRows(Random random, int rows, int dim) {
    float[] d = new float[rows * dim];
    for (int a = 0; a < rows; a++) {
      double norm = 0;
      for (int p = 0; p < dim; p++) {
        float v = (float) random.nextGaussian();
        d[a * dim + p] = v;
        norm += (double) v * v;
      }
      for (int p = 0; p < dim; p++) {
        d[a * dim + p] = (float) (d[a * dim + p] / Math.sqrt(norm));
      }
    }
    return d;
  }

  private static float[] mixtures(Random random, float[] d, int n, int atoms, int dim, int k, double noise) {
    float[] x = new float[n * dim];
    for (int r = 0; r < n; r++) {
      for (int s = 0; s < k; s++) {
        int a = random.nextInt(atoms);
        double c = random.nextGaussian();
        for (int p = 0; p < dim; p++) {
          x[r * dim + p] += (float) (c * d[a * dim + p]);
        }
      }
      for (int p = 0; p < dim; p++) {
        x[r * dim + p] += (float) (noise * random.nextGaussian());
      }
    }
    return x;
  }
}
