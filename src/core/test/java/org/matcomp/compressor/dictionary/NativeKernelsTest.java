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
  void codingDoesNotDependOnTheThreadCount() {
    // The rows stream through a few slots per thread, coded by whichever thread is free: any number of threads, more
    // than the machine has or than there are blocks, gives the same code.
    Random random = new Random(12);
    int n = 3001;
    int atoms = 48;
    int dim = 10;
    int k = 4;
    float[] d = unitRows(random, atoms, dim);
    float[] x = mixtures(random, d, n, atoms, dim, 3, 0.02);
    int[] firstIndices = null;
    float[] firstValues = null;
    double[] firstResiduals = null;
    for (int threads : new int[] {1, 2, 3, 8, 64}) {
      int[] indices = new int[n * k];
      float[] values = new float[n * k];
      int[] counts = new int[n];
      double[] residuals = new double[n];
      NativeKernels.encode(d, atoms, dim, x, n, k, -1, threads, indices, values, counts, residuals, new double[n]);
      if (firstIndices == null) {
        firstIndices = indices;
        firstValues = values;
        firstResiduals = residuals;
      }
      assertArrayEquals(firstIndices, indices, threads + " threads");
      assertArrayEquals(firstValues, values, threads + " threads");
      assertArrayEquals(firstResiduals, residuals, threads + " threads");
    }
    SparseCode viaJava = BatchOmp.withNonzeros(k).encodeValidated(GramDictionary.of(d, atoms, dim), x, n,
        new double[n]);
    assertArrayEquals(viaJava.indices(), firstIndices);
    assertArrayEquals(viaJava.values(), firstValues);
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

  @Test
  void theNativeLearnerChecksItsOwnPreconditions() {
    // Called below the Java checks: with zero iterations the learner would write history[-1], and k > atoms would
    // overrun its work arrays. It must refuse both itself.
    Random random = new Random(3);
    int n = 50;
    int dim = 4;
    int atoms = 8;
    float[] x = mixtures(random, unitRows(random, atoms, dim), n, atoms, dim, 2, 0.1);
    float[] seeds = unitRows(random, atoms, dim);
    for (int[] bad : new int[][] {{2, 0}, {9, 3}, {0, 3}}) {
      int k = bad[0];
      int iterations = bad[1];
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> NativeKernels.learn(x, n, dim, atoms, k, iterations, 2, seeds.clone(), new int[n * k],
              new float[n * k], new int[n], new double[n]));
      assertTrue(e.getMessage().contains("refused its sizes"), e.getMessage());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NativeKernels.encode(seeds, atoms, dim, x, n, atoms + 1, -1, new int[n * (atoms + 1)],
            new float[n * (atoms + 1)], new int[n], new double[n], new double[n]));
    assertTrue(e.getMessage().contains("refused its sizes"), e.getMessage());
  }

  @Test
  void arraysShorterThanTheirSizesAreNamedNotOverrun() {
    Random random = new Random(4);
    int n = 30;
    int dim = 5;
    int atoms = 6;
    int k = 2;
    float[] d = unitRows(random, atoms, dim);
    float[] x = mixtures(random, d, n, atoms, dim, 2, 0.1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NativeKernels.encode(d, atoms, dim, x, n, k, -1, new int[n * k - 1], new float[n * k], new int[n],
            new double[n], new double[n]));
    assertTrue(e.getMessage().contains("nEncode: indices holds 59 elements, and the sizes passed with it need 60"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> NativeKernels.learn(x, n + 1, dim, atoms, k, 2, 2, d.clone(), new int[n * k], new float[n * k],
            new int[n], new double[n]));
    assertTrue(e.getMessage().contains("nLearn: signals holds 150 elements"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> NativeKernels.seed(x, n, dim, atoms, new long[1], new float[atoms * dim - 1]));
    assertTrue(e.getMessage().contains("nSeed: chosen holds 29 elements"), e.getMessage());
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
