package org.matcomp.compressor.simhash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.matcomp.compressor.kmeans.KMeansCompressorTest.assertMessage;
import static org.matcomp.compressor.kmeans.KMeansCompressorTest.gaussian;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.compressor.CompressedSize;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.FactorType;
import org.matcomp.compressor.SeededGaussian;

class SimhashCompressorTest {
  @Test
  void projectionsFollowTheReferenceRuleCappedAtTheSmallerSide() {
    SimhashCompressor c = SimhashCompressor.of((CompressionSpec.parse("compression_option=2,rank=200")).parametersFor(SimhashMethod.INSTANCE));
    assertEquals(33, c.projections("W", 64, 80)); // 64·100 // 200 + 1
    assertEquals(51, SimhashCompressor.of((CompressionSpec.parse("compression_option=2,rank=128")).parametersFor(SimhashMethod.INSTANCE))
        .projections("W", 64, 80)); // exact division still adds one
    SimhashCompressor byDefault = SimhashCompressor.of((CompressionSpec.parse("compression_option=2,rank=7"))
        .parametersFor(SimhashMethod.INSTANCE));
    assertEquals(64, byDefault.projections("W", 64, 80)); // the reference's 915, capped at min(m, n)
    // the default stores a matrix of 5 rows or more at least 4x smaller
    for (int[] shape : new int[][] {{64, 80}, {784, 512}, {5, 1000}, {1000, 5}}) {
      double ratio = CompressedSize.of(shape[0], shape[1], byDefault.layout("W", shape[0], shape[1])).ratio();
      assertTrue(ratio >= 4, java.util.Arrays.toString(shape) + ": " + ratio);
    }
    assertEquals(12, SimhashCompressor.of((CompressionSpec.builder().absoluteRank(12).build()).parametersFor(SimhashMethod.INSTANCE))
        .projections("W", 64, 80));
    assertEquals(915, SimhashCompressor.withProjections(915, 1).projections("W", 64, 80)); // an absolute k as given
  }

  @Test
  void layoutStoresRAsItsSeedSignsAsBitsAndTrainsOnlyD() {
    List<FactorSpec> l = SimhashCompressor.withProjections(8, 0).layout("W", 64, 32);
    assertEquals(List.of(new FactorSpec("seed", FactorType.INT32, new int[] {2}, false),
        new FactorSpec("S", FactorType.BIT, new int[] {8, 32}, false), FactorSpec.trainableFloat("D", 32)), l);
    // R: its seed, two ints; S: 256 bits = 32 bytes (8 words as parameters); D: 32 floats.
    assertEquals(new CompressedSize(2048, 8192, 2 + 8 + 32, 8 + 32 + 128), CompressedSize.of(64, 32, l));
  }

  @Test
  void rIsTensorFlowsStatelessNormalOfTheStoredSeed() {
    SimhashFactorization f = SimhashCompressor.withProjections(16, 0x1234_5678_9abcL).compress("W", gaussian(40, 30,
        1));
    int[] seed = f.factor("seed").ints();
    assertArrayEquals(new int[] {0x5678_9abc, 0x1234}, seed);
    float[] r = f.r().copyData();
    assertArrayEquals(SeededGaussian.draw(seed, new int[] {40, 16}), r);
    // standard normal: mean near 0, variance near 1 over 640 draws
    double mean = 0;
    double squares = 0;
    for (float v : r) {
      mean += v / (double) r.length;
      squares += v * (double) v / r.length;
    }
    assertEquals(0, mean, 0.15);
    assertEquals(1, squares - mean * mean, 0.2);
  }

  @Test
  void productIsRTimesSignsScaledAndColumnNormsMatchA() {
    FloatMatrix a = gaussian(40, 30, 1);
    SimhashFactorization f = SimhashCompressor.withProjections(16, 3).compress("W", a);
    float[] r = f.r().copyData();
    int[] s = f.factor("S").ints();
    float[] d = f.factor("D").floats();
    FloatMatrix w = f.product();
    for (int i = 0; i < 40; i++) {
      for (int j = 0; j < 30; j++) {
        double v = 0;
        for (int p = 0; p < 16; p++) {
          v += r[i * 16 + p] * (s[p * 30 + j] == 1 ? 1 : -1);
        }
        assertEquals(v * d[j], w.get(i, j), 1e-5 * Math.abs(v * d[j]) + 1e-7);
      }
    }
    for (int j = 0; j < 30; j++) {
      double na = 0;
      double nw = 0;
      for (int i = 0; i < 40; i++) {
        na += a.get(i, j) * a.get(i, j);
        nw += w.get(i, j) * w.get(i, j);
      }
      assertEquals(Math.sqrt(na), Math.sqrt(nw), 1e-5 * Math.sqrt(na), "column " + j);
    }
    // The signs are those of Rᵀ·A.
    FloatMatrix proj = f.r().transpose().times(a);
    for (int p = 0; p < 16; p++) {
      for (int j = 0; j < 30; j++) {
        assertEquals(proj.get(p, j) >= 0 ? 1 : 0, s[p * 30 + j]);
      }
    }
  }

  @Test
  void applyToAgreesWithTheDenseProduct() {
    FloatMatrix a = gaussian(40, 30, 2);
    SimhashFactorization f = SimhashCompressor.withProjections(12, 3).compress("W", a);
    FloatMatrix x = gaussian(5, 40, 3);
    assertTrue(x.times(f.product()).maxAbsDifference(f.applyTo(x)) < 1e-5);
  }

  @Test
  void zeroColumnsGetPlusSignsAndZeroScale() {
    SimhashFactorization f = SimhashCompressor.withProjections(4, 1).compress("W", FloatMatrix.zeros(6, 3));
    for (int bit : f.factor("S").ints()) {
      assertEquals(1, bit);
    }
    assertEquals(0.0, f.product().frobeniusNorm());
  }

  @Test
  void errorFallsAsProjectionsGrow() {
    // A low-rank A, whose column directions the sign sketch recovers better with more projections.
    FloatMatrix a = gaussian(64, 4, 5).times(gaussian(4, 64, 6));
    double previous = Double.POSITIVE_INFINITY;
    for (int k : new int[] {4, 32, 256, 2048}) {
      double e = a.relativeErrorTo(SimhashCompressor.withProjections(k, 7).compress("W", a).product());
      assertTrue(e < previous, "k=" + k + ": " + e + " !< " + previous);
      previous = e;
    }
  }

  @Test
  void badInputsNameTheMatrix() {
    assertMessage("simhash projections k=0 must be positive", () -> SimhashCompressor.withProjections(0, 1));
    float[] v = new float[6];
    v[2] = Float.POSITIVE_INFINITY;
    assertMessage("emb/table (2x3) has a non-finite entry Infinity",
        () -> SimhashCompressor.withProjections(2, 1).compress("emb/table", FloatMatrix.of(2, 3, v)));
  }
}
