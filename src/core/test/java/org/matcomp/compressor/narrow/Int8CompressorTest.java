package org.matcomp.compressor.narrow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.matcomp.compressor.FactorType;
import org.matcomp.compressor.Factorization;
import org.matcomp.compressor.Int8Quantization;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.spec.CompressionSpec;

class Int8CompressorTest {
  private static Factorization compress(String hparams, FloatMatrix a) {
    return CompressionSpec.builder().method(NarrowMethod.INT8).build().withHparams(hparams).compressor()
        .compress("w", a);
  }

  @Test
  void eachColumnIsScaledByItsLargestMagnitudeOver127() {
    // column 0: max |.| = 2.54 → scale 0.02; column 1: max 127 → scale 1; column 2: all zero → scale 1
    FloatMatrix a = FloatMatrix.of(2, 3, new float[] {2.54f, -127f, 0f, -1.27f, 63.4f, 0f});
    Factorization f = compress("name=t", a);
    assertEquals(FactorType.INT8, f.factor("weights").spec().type());
    // -1.27 / 0.02 = -63.5 rounds to even, -64, as TF's Round does: -1.28; 63.4 → 63
    assertArrayEquals(new float[] {2.54f, -127f, 0f, -1.28f, 63f, 0f}, f.product().copyData(), 1e-6f);
    // stored: codes + 128, then the three scales' bytes
    byte[] stored = Int8Quantization.encode(f.factor("weights").floats(), FactorType.INT8, new int[] {2, 3});
    assertEquals(6 + 12, stored.length);
    assertArrayEquals(new int[] {255, 1, 128, 64, 191, 128}, java.util.stream.IntStream.range(0, 6)
        .map(i -> stored[i] & 0xff).toArray());
    assertArrayEquals(f.product().copyData(), Int8Quantization.decode(stored, 6, FactorType.INT8,
        new int[] {2, 3}), 1e-6f);
    assertEquals(6 + 12, f.size().compressedBytes());
  }

  @Test
  void perTensorUsesOneScaleAndStoresAQuarterOfTheBytes() {
    Random rnd = new Random(3);
    float[] v = new float[64 * 32];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    FloatMatrix a = FloatMatrix.of(64, 32, v);
    Factorization f = compress("int8_per_tensor=True", a);
    assertEquals(FactorType.INT8_PER_TENSOR, f.factor("weights").spec().type());
    float max = 0;
    for (float x : v) {
      max = Math.max(max, Math.abs(x));
    }
    float scale = max / 127f;
    // every entry within half a step of A
    FloatMatrix w = f.product();
    for (int i = 0; i < 64; i++) {
      for (int j = 0; j < 32; j++) {
        assertTrue(Math.abs(w.get(i, j) - a.get(i, j)) <= scale / 2 + 1e-6f);
      }
    }
    assertEquals(64 * 32 + 4, f.size().compressedBytes());
  }

  @Test
  void quantisingTwiceChangesNothing() {
    Random rnd = new Random(4);
    float[] v = new float[40 * 12];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    float[] once = Int8Quantization.quantize(v, FactorType.INT8, new int[] {40, 12});
    assertArrayEquals(once, Int8Quantization.quantize(once, FactorType.INT8, new int[] {40, 12}));
  }
}
