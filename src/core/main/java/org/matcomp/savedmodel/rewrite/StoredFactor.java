package org.matcomp.savedmodel.rewrite;

import org.matcomp.compressor.FactorSpec;
import org.matcomp.savedmodel.export.TensorValue;

/**
 * One factor of a compressed matrix as exported: its role ({@code B}, {@code codes}, {@code mask}, ...), which also
 * names its variable, the logical spec it is read back as, and its value in the dtype it is stored in (uint8 codes
 * stay one byte each, a bit mask is packed eight entries a byte).
 */
public record StoredFactor(String role, TensorValue value, FactorSpec spec) {
  public long bytes() {
    return value.bytes().length;
  }

  /** The stored value of factor {@code spec} holding {@code values} (floats or integer entries). */
  static StoredFactor encode(FactorSpec spec, float[] floats, int[] ints) {
    long[] shape = java.util.Arrays.stream(spec.shape()).asLongStream().toArray();
    TensorValue value = switch (spec.type()) {
      case FLOAT32 -> TensorValue.ofFloats(shape, floats);
      case INT32 -> TensorValue.ofInts(shape, ints);
      case UINT8 -> TensorValue.ofUnsignedBytes(shape, ints);
      case BIT -> {
        int[] packed = new int[(ints.length + 7) / 8];
        for (int i = 0; i < ints.length; i++) {
          if (ints[i] != 0) {
            packed[i >>> 3] |= 1 << (i & 7);
          }
        }
        yield TensorValue.ofUnsignedBytes(new long[] {packed.length}, packed);
      }
    };
    return new StoredFactor(spec.name(), value, spec);
  }
}
