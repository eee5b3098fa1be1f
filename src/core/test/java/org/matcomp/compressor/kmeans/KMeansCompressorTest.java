package org.matcomp.compressor.kmeans;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.matcomp.compressor.kmeans.CentroidInit;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.compressor.CompressedSize;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.FactorType;

public class KMeansCompressorTest {
  public static FloatMatrix gaussian(int rows, int cols, long seed) {
    Random r = new Random(seed);
    float[] v = new float[rows * cols];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (0.05 * r.nextGaussian());
    }
    return FloatMatrix.of(rows, cols, v);
  }

  @Test
  void productIsTheGatherOfTheCodebookByTheCodes() {
    FloatMatrix a = gaussian(24, 16, 1);
    KMeansFactorization f = KMeansCompressor.builder().clusters(10).blockSize(4).build().compress("W", a);
    float[] book = f.factor("codebook").floats();
    int[] codes = f.factor("codes").ints();
    FloatMatrix w = f.product();
    for (int i = 0; i < 24; i++) {
      for (int j = 0; j < 16; j++) {
        assertEquals(book[codes[i * 4 + j / 4] * 4 + j % 4], w.get(i, j), 0f, "entry " + i + "," + j);
      }
    }
    double sse = Math.pow(a.relativeErrorTo(w) * a.frobeniusNorm(), 2);
    assertEquals(sse, f.inertia(), sse * 1e-6);
  }

  @Test
  void applyToEqualsTheInputTimesTheProduct() {
    FloatMatrix a = gaussian(20, 12, 2);
    KMeansFactorization f = KMeansCompressor.builder().clusters(6).build().compress("W", a);
    FloatMatrix x = gaussian(3, 20, 3);
    assertEquals(0.0, x.times(f.product()).maxAbsDifference(f.applyTo(x)), 0.0);
  }

  @Test
  void errorFallsAsClustersGrow() {
    FloatMatrix a = gaussian(64, 64, 4);
    for (int block : new int[] {1, 4}) {
      double previous = Double.POSITIVE_INFINITY;
      for (int k : new int[] {2, 4, 8, 16, 32, 64}) {
        double e = KMeansCompressor.builder().clusters(k).blockSize(block).build().compress("W", a).inertia();
        assertTrue(e < previous, "block " + block + ", k=" + k + ": " + e + " !< " + previous);
        previous = e;
      }
    }
  }

  @Test
  void codesAreBytesUpTo256ClustersAndIntsBeyond() {
    assertEquals(List.of(FactorSpec.trainableFloat("codebook", 256, 2),
            new FactorSpec("codes", FactorType.UINT8, new int[] {30, 20}, false)),
        KMeansCompressor.builder().clusters(256).blockSize(2).build().layout("W", 30, 40));
    List<FactorSpec> big = KMeansCompressor.builder().clusters(257).build().layout("W", 30, 40);
    assertEquals(FactorType.INT32, big.get(1).type());
    // 256×2 floats + 600 one-byte codes, against 1200 floats.
    KMeansFactorization f = KMeansCompressor.builder().clusters(256).blockSize(2).build()
        .compress("W", gaussian(30, 40, 5));
    assertEquals(new CompressedSize(1200, 4800, 256 * 2 + 600, 256 * 2 * 4 + 600), f.size());
  }

  /** Issue 16's acceptance: codes take ⌈log2 K⌉ bits, so 16 clusters store at ≥ 7.5×, 4 clusters at ≥ 14×. */
  @Test
  void codesArePackedToTheBitsTheClustersNeed() {
    FloatMatrix a = gaussian(256, 256, 7);
    // 65 536 four-bit codes (32 768 bytes) + 16 floats, against 262 144 bytes dense: 7.98×.
    CompressedSize k16 = KMeansCompressor.builder().clusters(16).build().compress("W", a).size();
    assertEquals(new CompressedSize(65536, 262144, 16 + 65536, 64 + 32768), k16);
    assertTrue(k16.ratio() >= 7.5, "k=16: " + k16.ratio());
    // two-bit codes: 16 384 bytes + 4 floats, 15.98×.
    CompressedSize k4 = KMeansCompressor.builder().clusters(4).build().compress("W", a).size();
    assertEquals(new CompressedSize(65536, 262144, 4 + 65536, 16 + 16384), k4);
    assertTrue(k4.ratio() >= 14, "k=4: " + k4.ratio());
    // 17 clusters need the fifth bit, so a byte a code: 3.99×.
    assertEquals(FactorType.UINT8, KMeansCompressor.builder().clusters(17).build().layout("W", 256, 256).get(1).type());
    assertEquals(FactorType.UINT1, KMeansCompressor.builder().clusters(2).build().layout("W", 256, 256).get(1).type());
  }

  @Test
  void zeroPinningGivesAnExactZeroCodeword() {
    FloatMatrix a = gaussian(32, 32, 6);
    KMeansFactorization f = KMeansCompressor.builder().clusters(9).blockSize(2).pinZero(true).build()
        .compress("W", a);
    float[] book = f.factor("codebook").floats();
    boolean found = false;
    for (int j = 0; j < 9; j++) {
      found |= book[2 * j] == 0f && book[2 * j + 1] == 0f;
    }
    assertTrue(found, "no zero codeword in " + java.util.Arrays.toString(book));
  }

  @Test
  void specSetsClustersBlockInitAndPinning() {
    CompressionSpec spec = CompressionSpec.parse("compression_option=4,rank=12,block_size=4,kmeans_init=linear")
        .toBuilder().methodParameter("kmeans_zero_pin", "true").seed(9).build();
    KMeansCompressor c = KMeansCompressor.of((spec).parametersFor(KMeansMethod.INSTANCE));
    assertEquals(KMeansMethod.INSTANCE, c.method());
    assertEquals(12, c.clusters());
    assertEquals(4, c.blockSize());
    assertEquals("KMeansCompressor[k=12, block=4, init=linear, pinZero=true, seed=9]", c.toString());
    assertEquals(30, KMeansCompressor.of((spec.toBuilder().absoluteRank(30).build()).parametersFor(KMeansMethod.INSTANCE)).clusters());
    assertEquals(CentroidInit.DENSITY_BASED, CentroidInit.parse("DENSITY_BASED"));
  }

  @Test
  void sameSeedSameResult() {
    FloatMatrix a = gaussian(64, 64, 7);
    KMeansCompressor c = KMeansCompressor.builder().clusters(32).blockSize(4).seed(5).build();
    assertArrayEquals(c.compress("W", a).codes(), c.compress("W", a).codes());
  }

  @Test
  void badInputsNameTheMatrix() {
    FloatMatrix a = gaussian(4, 6, 8);
    assertMessage("layer1/kernel (4x6): block_size=4 does not divide its 6 columns",
        () -> KMeansCompressor.builder().clusters(2).blockSize(4).build().compress("layer1/kernel", a));
    assertMessage("layer1/kernel (4x6): clusters=13 exceeds the 12 blocks of 1x2",
        () -> KMeansCompressor.builder().clusters(13).blockSize(2).build().compress("layer1/kernel", a));
    float[] v = a.copyData();
    v[7] = Float.NaN;
    assertMessage("layer1/kernel (4x6) has a non-finite entry NaN at [1, 1]",
        () -> KMeansCompressor.builder().clusters(2).build().compress("layer1/kernel", FloatMatrix.of(4, 6, v)));
    assertMessage("clusters=0 must be positive", () -> KMeansCompressor.builder().clusters(0).build());
    CompressionSpec nearest = CompressionSpec.builder().methodParameter("kmeans_init", "nearest").build();
    assertMessage("spec 'model_compression' (method kmeans): kmeans_init='nearest': centroid init 'nearest' is not"
        + " one of", () -> nearest.parametersFor(KMeansMethod.INSTANCE));
  }

  public static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' lacks '" + expected + "'");
  }
}
