package org.matcomp.savedmodel.rewrite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.FactorType;

/** Decoding a stored factor on the host gives back what was stored, for every storage type. */
class StoredFactorTest {
  @ParameterizedTest
  @EnumSource(FactorType.class)
  void decodedIsTheInverseOfEncode(FactorType type) {
    int[] shape = {7, 5};
    FactorSpec spec = new FactorSpec("f", type, shape, false);
    Random r = new Random(type.ordinal());
    if (type.isFloat()) {
      float[] v = new float[35];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) r.nextGaussian() * 3;
      }
      Factor back = StoredFactor.encode(spec, v, null).decoded();
      float[] expected = type == FactorType.FLOAT32 ? v : type.round(v, shape);
      assertArrayEquals(expected, back.floats(), 1e-6f, type.name());
    } else {
      int[] v = new int[35];
      long max = Math.min(type.maxValue(), 100_000);
      for (int i = 0; i < v.length; i++) {
        v[i] = (int) (r.nextDouble() * (max + 1));
      }
      assertArrayEquals(v, StoredFactor.encode(spec, null, v).decoded().ints(), type.name());
    }
  }
}
