package org.matcomp.compressor;

/**
 * IEEE half precision (binary16) and bfloat16 from and to float32, rounding to the nearest value and to even on
 * ties — what TensorFlow's {@code Cast} does (its {@code Truncate} attribute off) — so that a factor rounded here
 * holds exactly what a graph that casts it holds. Java 17 has no {@code Float.floatToFloat16}.
 */
public final class HalfPrecision {
  private HalfPrecision() {}

  /** The binary16 bits nearest {@code f}: overflow goes to ±infinity, NaN stays NaN, tiny values go subnormal. */
  public static short toHalfBits(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = (bits >>> 23) & 0xff;
    int mant = bits & 0x7fffff;
    if (exp == 0xff) {
      return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
    }
    int e = exp - 127 + 15;
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (e <= 0) {
      // Subnormal in half precision: the value is m·2^-24 with m = mant·2^(e-14), the implicit bit included.
      int shift = 14 - e;
      if (shift > 24) {
        return (short) sign;
      }
      mant |= 0x800000;
      return (short) (sign | roundShift(mant, shift));
    }
    // A carry out of the mantissa moves into the exponent, which is the right result (up to infinity).
    return (short) (sign | roundShift((e << 23) | mant, 13));
  }

  /** The float32 a binary16 value is exactly. */
  public static float fromHalfBits(short h) {
    int sign = (h & 0x8000) << 16;
    int e = (h >>> 10) & 0x1f;
    int m = h & 0x3ff;
    if (e == 0) {
      float v = m * 0x1p-24f;
      return sign != 0 ? -v : v;
    }
    if (e == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (m << 13));
    }
    return Float.intBitsToFloat(sign | ((e - 15 + 127) << 23) | (m << 13));
  }

  /** The bfloat16 bits nearest {@code f} (the upper half of its float32 bits, rounded); NaN stays NaN. */
  public static short toBfloat16Bits(float f) {
    int bits = Float.floatToRawIntBits(f);
    if ((bits & 0x7f800000) == 0x7f800000 && (bits & 0x7fffff) != 0) {
      return (short) ((bits >>> 16) | 0x40);
    }
    return (short) roundShift(bits, 16);
  }

  /** The float32 a bfloat16 value is exactly. */
  public static float fromBfloat16Bits(short b) {
    return Float.intBitsToFloat((b & 0xffff) << 16);
  }

  /** The binary16 (or, with {@code bfloat16}, bfloat16) bits of every entry of {@code v}. */
  public static short[] bits(float[] v, boolean bfloat16) {
    short[] out = new short[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = bfloat16 ? toBfloat16Bits(v[i]) : toHalfBits(v[i]);
    }
    return out;
  }

  /** {@code f} rounded to binary16 and back. */
  public static float roundToHalf(float f) {
    return fromHalfBits(toHalfBits(f));
  }

  /** {@code f} rounded to bfloat16 and back. */
  public static float roundToBfloat16(float f) {
    return fromBfloat16Bits(toBfloat16Bits(f));
  }

  /** {@code v >>> shift} rounded to nearest, ties to even (v non-negative as an unsigned 32-bit value). */
  private static int roundShift(int v, int shift) {
    long u = v & 0xffffffffL;
    long kept = u >>> shift;
    long rest = u & ((1L << shift) - 1);
    long half = 1L << (shift - 1);
    if (rest > half || (rest == half && (kept & 1) != 0)) {
      kept++;
    }
    return (int) kept;
  }
}
