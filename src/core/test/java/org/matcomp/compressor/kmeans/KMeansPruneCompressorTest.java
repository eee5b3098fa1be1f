package org.matcomp.compressor.kmeans;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.matcomp.compressor.kmeans.KMeansCompressorTest.assertMessage;
import static org.matcomp.compressor.kmeans.KMeansCompressorTest.gaussian;

import org.junit.jupiter.api.Test;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.spec.CompressionSpec;

class KMeansPruneCompressorTest {
  @Test
  void prunedEntriesAreExactlyZeroAndExactlyTheFraction() {
    FloatMatrix a = gaussian(50, 40, 1);
    KMeansFactorization f = KMeansPruneCompressor.builder().clusters(16).pruningFraction(0.4).build()
        .compress("W", a);
    assertEquals(KMeansPruneMethod.INSTANCE, f.method());
    FloatMatrix w = f.product();
    float[] sortedMagnitudes = new float[2000];
    for (int i = 0; i < 2000; i++) {
      sortedMagnitudes[i] = Math.abs(a.get(i / 40, i % 40));
    }
    java.util.Arrays.sort(sortedMagnitudes);
    float threshold = sortedMagnitudes[799]; // ceil(2000·0.4) = 800 pruned
    int zeros = 0;
    for (int i = 0; i < 50; i++) {
      for (int j = 0; j < 40; j++) {
        boolean pruned = Math.abs(a.get(i, j)) <= threshold;
        assertEquals(pruned, w.get(i, j) == 0f, "entry " + i + "," + j);
        zeros += w.get(i, j) == 0f ? 1 : 0;
      }
    }
    assertEquals(800, zeros);
    assertEquals(0f, f.factor("codebook").floats()[0]);
    assertEquals(0, f.zeroCode());
  }

  @Test
  void blocksKeepZerosThroughTheMask() {
    FloatMatrix a = gaussian(32, 32, 2);
    KMeansFactorization f = KMeansPruneCompressor.builder().clusters(32).blockSize(4).pruningFraction(0.5).build()
        .compress("W", a);
    assertTrue(f.mask().isPresent());
    int[] mask = f.mask().get().ints();
    FloatMatrix w = f.product();
    int kept = 0;
    for (int i = 0; i < 1024; i++) {
      kept += mask[i];
      if (mask[i] == 0) {
        assertEquals(0f, w.get(i / 32, i % 32));
      }
    }
    assertEquals(512, kept);
    double sse = Math.pow(a.relativeErrorTo(w) * a.frobeniusNorm(), 2);
    assertEquals(sse, f.inertia(), sse * 1e-6);
  }

  @Test
  void errorFallsAsClustersGrowAndStaysAbovePruningAlone() {
    FloatMatrix a = gaussian(64, 64, 3);
    float[] v = a.copyData();
    org.matcomp.compressor.kmeans.MagnitudePruning.pruneInPlace(v, 0.4);
    double pruningAlone = Math.pow(a.relativeErrorTo(FloatMatrix.of(64, 64, v)) * a.frobeniusNorm(), 2);
    double previous = Double.POSITIVE_INFINITY;
    for (int k : new int[] {2, 4, 8, 16, 64}) {
      double e = KMeansPruneCompressor.builder().clusters(k).build().compress("W", a).inertia();
      assertTrue(e < previous && e > pruningAlone, "k=" + k + ": " + e);
      previous = e;
    }
  }

  @Test
  void specReadsThePruningFractionWithTheReferenceDefault() {
    assertEquals(0.4, KMeansPruneCompressor.of((CompressionSpec.parse("compression_option=8,rank=16")).parametersFor(KMeansPruneMethod.INSTANCE))
        .pruningFraction());
    assertEquals(0.75, KMeansPruneCompressor.of((
        CompressionSpec.parse("compression_option=8,rank=16,pruning_fraction=0.75")).parametersFor(KMeansPruneMethod.INSTANCE)).pruningFraction());
  }

  @Test
  void badInputsNameTheMatrix() {
    assertMessage("pruning_fraction=1.0 must be in [0, 1)",
        () -> KMeansPruneCompressor.builder().clusters(4).pruningFraction(1.0).build());
    assertMessage("clusters=1 must be at least 2", () -> KMeansPruneCompressor.builder().clusters(1).build());
    assertMessage("fc/w (4x4): clusters=8 exceeds the 6 blocks left non-zero after pruning 0.6",
        () -> KMeansPruneCompressor.builder().clusters(9).pruningFraction(0.6).build()
            .compress("fc/w", gaussian(4, 4, 4)));
  }
}
