package org.matcomp.compressor;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Symmetric 8-bit quantisation of a float factor, the storage of {@link FactorType#INT8} (a scale per column of the
 * last axis) and {@link FactorType#INT8_PER_TENSOR} (one scale): s = max|w| / 127 over the column (1 when it is all
 * zero), q = clamp(rint(w / s), −127, 127), w ≈ q·s. Rounding is to nearest even, as TF's {@code Round}, so the
 * training graph's straight-through read and the stored codes agree entry for entry.
 *
 * <p>Stored form, one uint8 vector: the n codes q + 128, then the k scales as little-endian float32 bytes — read back
 * with Slice, Cast and Bitcast, so a factor stays one tensor.
 */
public final class Int8Quantization {
  /** q + ZERO_POINT is stored, so that −127..127 fits an unsigned byte. */
  public static final int ZERO_POINT = 128;

  private Int8Quantization() {}

  /** How many scales a factor of {@code shape} stored as {@code type} has. */
  public static int scales(FactorType type, int[] shape) {
    checkArgument(type == FactorType.INT8 || type == FactorType.INT8_PER_TENSOR, "%s is not an int8 type", type);
    if (type == FactorType.INT8_PER_TENSOR) {
      return 1;
    }
    checkArgument(shape.length >= 2, "int8 with a scale per column needs a factor of rank 2 or more, not %s",
        java.util.Arrays.toString(shape));
    return shape[shape.length - 1];
  }

  /** The scales of {@code v} (row-major, {@code shape}). */
  static float[] scalesOf(float[] v, FactorType type, int[] shape) {
    int k = scales(type, shape);
    float[] s = new float[k];
    for (int i = 0; i < v.length; i++) {
      s[i % k] = Math.max(s[i % k], Math.abs(v[i]));
    }
    for (int j = 0; j < k; j++) {
      s[j] = s[j] == 0 ? 1f : s[j] / 127f;
    }
    return s;
  }

  private static int code(float w, float s) {
    return (int) Math.max(-127, Math.min(127, Math.rint(w / s)));
  }

  /** {@code v} as stored and read back: each entry q·s. */
  public static float[] quantize(float[] v, FactorType type, int[] shape) {
    float[] s = scalesOf(v, type, shape);
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      float scale = s[i % s.length];
      out[i] = code(v[i], scale) * scale;
    }
    return out;
  }

  /** The stored bytes of {@code v}: codes, then scales. */
  public static byte[] encode(float[] v, FactorType type, int[] shape) {
    float[] s = scalesOf(v, type, shape);
    ByteBuffer b = ByteBuffer.allocate(v.length + 4 * s.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < v.length; i++) {
      b.put((byte) (code(v[i], s[i % s.length]) + ZERO_POINT));
    }
    for (float x : s) {
      b.putFloat(x);
    }
    return b.array();
  }

  /** The floats {@code bytes} (from {@link #encode}) hold for {@code n} entries. */
  public static float[] decode(byte[] bytes, int n, FactorType type, int[] shape) {
    int k = scales(type, shape);
    checkArgument(bytes.length == n + 4 * k, "%s bytes for %s codes and %s scales", bytes.length, n, k);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = ((bytes[i] & 0xff) - ZERO_POINT) * b.getFloat(n + 4 * (i % k));
    }
    return out;
  }
}
