package org.matcomp.savedmodel.rewrite;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.FactorType;
import org.matcomp.compressor.Int8Quantization;
import org.tensorflow.proto.DataType;
import org.matcomp.savedmodel.export.TensorValue;

/**
 * One factor of a compressed matrix as exported: its role ({@code B}, {@code codes}, {@code mask}, ...), which also
 * names its variable, the logical spec it is read back as, and its value in the dtype it is stored in (8-bit codes
 * stay one byte each; half-precision floats two bytes each; int8 floats a byte each followed by their scales;
 * narrower codes and bit masks are packed into a 1-D uint8 vector as {@link
 * org.matcomp.compressor.FactorType} lays them out).
 */
public record StoredFactor(String role, TensorValue value, FactorSpec spec) {
  public long bytes() {
    return value.bytes().length;
  }

  /** The factor this stored value holds, decoded on the host (the inverse of {@link #encode}). */
  public Factor decoded() {
    int n = Math.toIntExact(spec.entries());
    byte[] b = value.bytes();
    FactorType t = spec.type();
    return switch (t) {
      case FLOAT32 -> Factor.ofFloats(spec, value.floats());
      case FLOAT16, BFLOAT16 -> {
        double[] d = value.asDoubles(); // the half bits, widened as TensorValue reads them everywhere
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
          f[i] = (float) d[i];
        }
        yield Factor.ofFloats(spec, f);
      }
      case INT8, INT8_PER_TENSOR -> Factor.ofFloats(spec, Int8Quantization.decode(b, n, t, spec.shape()));
      case INT32 -> {
        int[] v = new int[n];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(v);
        yield Factor.ofInts(spec, v);
      }
      case UINT8 -> {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
          v[i] = b[i] & 0xff;
        }
        yield Factor.ofInts(spec, v);
      }
      case UINT4, UINT2, UINT1, BIT -> Factor.ofInts(spec, t.unpack(b, n));
    };
  }

  /** The stored value of factor {@code spec} holding {@code values} (floats or integer entries). */
  static StoredFactor encode(FactorSpec spec, float[] floats, int[] ints) {
    long[] shape = java.util.Arrays.stream(spec.shape()).asLongStream().toArray();
    TensorValue value = switch (spec.type()) {
      case FLOAT32 -> TensorValue.ofFloats(shape, floats);
      case FLOAT16 -> new TensorValue(DataType.DT_HALF, shape, spec.type().storedBytes(floats, spec.shape()));
      case BFLOAT16 -> new TensorValue(DataType.DT_BFLOAT16, shape, spec.type().storedBytes(floats, spec.shape()));
      case INT8, INT8_PER_TENSOR -> {
        byte[] bytes = spec.type().storedBytes(floats, spec.shape());
        yield new TensorValue(DataType.DT_UINT8, new long[] {bytes.length}, bytes);
      }
      case INT32 -> TensorValue.ofInts(shape, ints);
      case UINT8 -> TensorValue.ofUnsignedBytes(shape, ints);
      case UINT4, UINT2, UINT1, BIT -> {
        byte[] packed = spec.type().pack(ints);
        int[] bytes = new int[packed.length];
        for (int i = 0; i < packed.length; i++) {
          bytes[i] = packed[i] & 0xff;
        }
        yield TensorValue.ofUnsignedBytes(new long[] {bytes.length}, bytes);
      }
    };
    return new StoredFactor(spec.name(), value, spec);
  }
}
