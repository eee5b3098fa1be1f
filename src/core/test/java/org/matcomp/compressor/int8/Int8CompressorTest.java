package org.matcomp.compressor.int8;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.matcomp.compressor.Factorization;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.spec.CompressionSpec;

class Int8CompressorTest {
  private static Factorization compress(String hparams, FloatMatrix a) {
    return CompressionSpec.builder().method(Int8Method.INSTANCE).build().withHparams(hparams).compressor()
        .compress("w", a);
  }

  @Test
  void eachColumnIsScaledByItsLargestMagnitudeOver127() {
    // column 0: max |.| = 2.54 → scale 0.02; column 1: max 127 → scale 1; column 2: all zero → scale 1
    FloatMatrix a = FloatMatrix.of(2, 3, new float[] {2.54f, -127f, 0f, -1.27f, 63.4f, 0f});
    Factorization f = compress("name=t", a);
    assertArrayEquals(new float[] {0.02f, 1f, 1f}, f.factor("scales").floats(), 1e-7f);
    // q = round(a / scale) + 128: 127+128, -127+128, 0+128; -63.5 rounds to -63 → 65; 63.4 → 63 → 191
    assertArrayEquals(new int[] {255, 1, 128, 65, 191, 128}, f.factor("codes").ints());
    assertEquals(-1.26f, f.product().get(1, 0), 1e-6f);
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
    assertEquals(1, f.factor("scales").floats().length);
    float scale = f.factor("scales").floats()[0];
    // every entry within half a step of A
    FloatMatrix w = f.product();
    for (int i = 0; i < 64; i++) {
      for (int j = 0; j < 32; j++) {
        assertTrue(Math.abs(w.get(i, j) - a.get(i, j)) <= scale / 2 + 1e-6f);
      }
    }
    assertEquals(64 * 32 + 4, f.size().compressedBytes());
  }
}
