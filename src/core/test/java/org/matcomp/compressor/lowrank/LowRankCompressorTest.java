package org.matcomp.compressor.lowrank;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.spec.CompressionSpec;

class LowRankCompressorTest {
  private static FloatMatrix gaussian(int m, int n, long seed) {
    Random rnd = new Random(seed);
    float[] v = new float[m * n];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    return FloatMatrix.of(m, n, v);
  }

  /** Eckart–Young: the best rank-r error is sqrt(Σ_{i>r} σ_i² / Σ σ_i²), from singular values alone. */
  private static double optimalError(FloatMatrix a, int r) {
    DMatrixRMaj d = new DMatrixRMaj(a.rows(), a.cols());
    float[] v = a.copyData();
    for (int i = 0; i < v.length; i++) {
      d.data[i] = v[i];
    }
    SingularValueDecomposition_F64<DMatrixRMaj> svd =
        DecompositionFactory_DDRM.svd(a.rows(), a.cols(), false, false, true);
    svd.decompose(d);
    double[] s = svd.getSingularValues().clone();
    java.util.Arrays.sort(s);
    double tail = 0;
    double all = 0;
    for (int i = 0; i < s.length; i++) {
      all += s[i] * s[i];
      if (i < s.length - r) {
        tail += s[i] * s[i];
      }
    }
    return Math.sqrt(tail / all);
  }

  @ParameterizedTest
  @CsvSource({"40, 30, 1", "40, 30, 10", "30, 50, 29", "64, 64, 64", "300, 200, 20"})
  void reconstructionErrorIsTheEckartYoungOptimum(int m, int n, int r) {
    FloatMatrix a = gaussian(m, n, m * 1000L + n);
    LowRankFactorization f = LowRankCompressor.withRank(r).compress("A", a);
    assertEquals(optimalError(a, r), a.relativeErrorTo(f.product()), 2e-5);
  }

  @Test
  void randomizedPathOnALargeMatrixReachesTheOptimumOfALowRankPlusNoiseMatrix() {
    // 2000×1500 = 3M entries and r = 16 ≪ 1500 take the randomized path.
    int m = 2000;
    int n = 1500;
    int k = 16;
    FloatMatrix left = gaussian(m, k, 1);
    FloatMatrix right = gaussian(k, n, 2);
    float[] noisy = left.times(right).copyData();
    Random rnd = new Random(3);
    for (int i = 0; i < noisy.length; i++) {
      noisy[i] += 0.1f * (float) rnd.nextGaussian();
    }
    FloatMatrix a = FloatMatrix.of(m, n, noisy);
    LowRankFactorization f = LowRankCompressor.withRank(k).compress("big", a);
    // The best rank-16 approximation leaves (about) only the noise: ‖noise‖ / ‖A‖.
    double noiseOnly = 0.1 * Math.sqrt((double) m * n) / a.frobeniusNorm();
    assertEquals(noiseOnly, a.relativeErrorTo(f.product()), 0.02 * noiseOnly);
  }

  @Test
  void factorsSplitTheSingularValuesEvenly() {
    FloatMatrix a = gaussian(8, 6, 5);
    LowRankFactorization f = LowRankCompressor.withRank(3).compress("A", a);
    // ‖B[:,j]‖ = ‖C[j,:]‖ = sqrt(σ_j) because U and V have unit columns.
    FloatMatrix b = f.b();
    FloatMatrix c = f.c();
    for (int j = 0; j < 3; j++) {
      double nb = 0;
      double nc = 0;
      for (int i = 0; i < 8; i++) {
        nb += b.get(i, j) * b.get(i, j);
      }
      for (int i = 0; i < 6; i++) {
        nc += c.get(j, i) * c.get(j, i);
      }
      assertEquals(nb, nc, 1e-4 * nb);
    }
  }

  @Test
  void applyToEqualsInputTimesProduct() {
    FloatMatrix a = gaussian(12, 9, 8);
    FloatMatrix x = gaussian(4, 12, 9);
    LowRankFactorization f = LowRankCompressor.withRank(4).compress("A", a);
    assertTrue(x.times(f.product()).maxAbsDifference(f.applyTo(x)) < 1e-4);
  }

  @ParameterizedTest
  @CsvSource({"200, 784, 512, 256", "100, 784, 512, 512", "7, 784, 512, 512", "300, 10, 3, 1", "1000, 100, 100, 10"})
  void referenceRankMeansACompressionPercentage(int rank, int m, int n, int kept) {
    LowRankCompressor c = LowRankCompressor.of((CompressionSpec.builder().rank(rank).build()).parametersFor(LowRankMethod.INSTANCE));
    assertEquals(kept, c.keptRank("w", m, n));
  }

  @Test
  void absoluteRankInTheSpecWins() {
    LowRankCompressor c = LowRankCompressor.of((CompressionSpec.builder().rank(200).absoluteRank(48).build()).parametersFor(LowRankMethod.INSTANCE));
    assertEquals(48, c.keptRank("w", 784, 512));
    assertArrayEquals(new int[] {784, 48}, c.layout("w", 784, 512).get(0).shape());
  }

  @Test
  void rankAboveTheSmallerDimensionIsRejectedNamingTheMatrix() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LowRankCompressor.withRank(11).compress("dense2_kernel", gaussian(20, 10, 1)));
    assertTrue(e.getMessage().contains("dense2_kernel") && e.getMessage().contains("rank 11"), e.getMessage());
  }

  @Test
  void nonFiniteEntriesAreRejectedNamingTheMatrixAndPosition() {
    float[] v = gaussian(4, 4, 1).copyData();
    v[6] = Float.POSITIVE_INFINITY;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LowRankCompressor.withRank(2).compress("emb", FloatMatrix.of(4, 4, v)));
    assertTrue(e.getMessage().contains("emb") && e.getMessage().contains("[1, 2]"), e.getMessage());
  }
}
