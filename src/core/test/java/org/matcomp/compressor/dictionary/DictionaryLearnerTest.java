package org.matcomp.compressor.dictionary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.matcomp.linalg.FloatMatrix;

class DictionaryLearnerTest {
  /** n rows, each a mix of {@code active} of {@code hidden} random unit atoms plus Gaussian noise. */
  static float[] sparseMix(int n, int dim, int hidden, int active, double noise, long seed) {
    Random rnd = new Random(seed);
    float[][] atoms = new float[hidden][dim];
    for (float[] a : atoms) {
      double norm = 0;
      for (int p = 0; p < dim; p++) {
        a[p] = (float) rnd.nextGaussian();
        norm += a[p] * a[p];
      }
      for (int p = 0; p < dim; p++) {
        a[p] /= (float) Math.sqrt(norm);
      }
    }
    float[] x = new float[n * dim];
    for (int r = 0; r < n; r++) {
      for (int j : rnd.ints(0, hidden).distinct().limit(active).toArray()) {
        double w = rnd.nextGaussian();
        for (int p = 0; p < dim; p++) {
          x[r * dim + p] += (float) (w * atoms[j][p]);
        }
      }
      for (int p = 0; p < dim; p++) {
        x[r * dim + p] += (float) (noise * rnd.nextGaussian());
      }
    }
    return x;
  }

  @Test
  void objectiveDecreasesMonotonically() {
    float[] x = sparseMix(3000, 24, 48, 3, 0.05, 1);
    DictionaryLearningResult r = DictionaryLearner.builder().atoms(64).nonzeros(4).iterations(12).seed(5).build()
        .learn("mix", x, 3000, 24);
    double[] obj = r.objectives();
    assertEquals(12, obj.length);
    assertTrue(obj[0] < r.initialObjective());
    for (int t = 1; t < obj.length; t++) {
      assertTrue(obj[t] <= obj[t - 1], "objective rose at iteration " + t + ": " + obj[t - 1] + " -> " + obj[t]);
    }
    assertTrue(obj[obj.length - 1] < 0.5 * obj[0], "learning should at least halve the first objective");
  }

  /**
   * Noise-free 3-sparse mixes of 32 hidden atoms in 16 dimensions: 40 iterations take the error of the seeded
   * dictionary's first coding down more than five-fold (MOD, like K-SVD, can stall in a local minimum short of
   * exact recovery, so exact recovery is not asserted).
   */
  @Test
  void learningImprovesFarOnTheSeededDictionary() {
    float[] x = sparseMix(4000, 16, 32, 3, 0, 2);
    DictionaryLearningResult r = DictionaryLearner.builder().atoms(32).nonzeros(3).iterations(40).seed(1).build()
        .learn("clean", x, 4000, 16);
    double[] obj = r.objectives();
    assertTrue(obj[obj.length - 1] < obj[0] / 5, "objective " + obj[0] + " -> " + obj[obj.length - 1]);
    assertTrue(r.relativeError() < 0.2, "relative error " + r.relativeError());
  }

  @Test
  void reportedObjectiveAndErrorMatchADirectResidual() {
    float[] x = sparseMix(1500, 20, 30, 3, 0.1, 3);
    DictionaryLearningResult r = DictionaryLearner.builder().atoms(40).nonzeros(4).iterations(5).seed(2).build()
        .learn("mix", x, 1500, 20);
    float[] d = r.dictionary();
    SparseCode code = r.code();
    double err = 0;
    double norm = 0;
    for (int row = 0; row < 1500; row++) {
      err += BatchOmpTest.exactSquaredResidual(code, row, x, d, 20);
      for (int p = 0; p < 20; p++) {
        norm += (double) x[row * 20 + p] * x[row * 20 + p];
      }
    }
    assertEquals(Math.sqrt(err / norm), r.relativeError(), 1e-9);
    double[] obj = r.objectives();
    assertEquals(err, obj[obj.length - 1], 1e-4 * err);
    assertEquals(norm, r.initialObjective(), 1e-6 * norm);
  }

  @Test
  void atomsHaveUnitNormAndCodesUseAtMostKAtoms() {
    float[] x = sparseMix(1000, 12, 20, 2, 0.05, 4);
    DictionaryLearningResult r = DictionaryLearner.builder().atoms(30).nonzeros(3).iterations(4).seed(3).build()
        .learn("mix", x, 1000, 12);
    float[] d = r.dictionary();
    for (int a = 0; a < 30; a++) {
      assertEquals(1.0, Math.sqrt(Kernels.squaredNorm(d, a * 12, 12)), 1e-5, "atom " + a);
    }
    for (int row = 0; row < 1000; row++) {
      assertTrue(r.code().count(row) <= 3);
    }
  }

  @Test
  void sameSeedSameResult() {
    float[] x = sparseMix(800, 10, 16, 2, 0.05, 6);
    DictionaryLearner l = DictionaryLearner.builder().atoms(16).nonzeros(2).iterations(3).seed(9).build();
    DictionaryLearningResult a = l.learn("mix", x, 800, 10);
    DictionaryLearningResult b = l.learn("mix", x, 800, 10);
    assertArrayEquals(a.dictionary(), b.dictionary());
    assertArrayEquals(a.code().indices(), b.code().indices());
    assertArrayEquals(a.code().values(), b.code().values());
  }

  @Test
  void rejectsMoreAtomsThanRows() {
    float[] x = sparseMix(10, 4, 4, 1, 0, 7);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DictionaryLearner.builder().atoms(11).nonzeros(2).build().learn("table", x, 10, 4));
    assertTrue(e.getMessage().contains("table (10x4): 11 atoms exceed its 10 rows"), e.getMessage());
  }

  @Test
  void rejectsMoreNonzerosThanAtoms() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DictionaryLearner.builder().atoms(4).nonzeros(5).build());
    assertTrue(e.getMessage().contains("nonzeros k=5 exceeds atoms=4"), e.getMessage());
  }

  @Test
  void rejectsNaN() {
    float[] x = sparseMix(20, 4, 4, 1, 0, 8);
    x[13] = Float.NaN;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DictionaryLearner.builder().atoms(4).nonzeros(2).build().learn(FloatMatrix.of(20, 4, x)));
    assertTrue(e.getMessage().contains("signals (20x4) has a non-finite entry NaN at [3, 1]"), e.getMessage());
  }

  @Test
  void zeroRowsGetEmptyCodes() {
    float[] x = sparseMix(200, 6, 8, 2, 0, 9);
    java.util.Arrays.fill(x, 0, 12, 0f);
    DictionaryLearningResult r = DictionaryLearner.builder().atoms(8).nonzeros(2).iterations(3).seed(1).build()
        .learn("mix", x, 200, 6);
    assertEquals(0, r.code().count(0));
    assertEquals(0, r.code().count(1));
    assertEquals(0f, r.code().value(0, 0));
  }
}
