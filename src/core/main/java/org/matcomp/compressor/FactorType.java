package org.matcomp.compressor;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * How a factor's entries are stored: this decides its true size in the compression accounting, and the form every
 * writer (SavedModel exports, serving exports, {@code factor}'s files) gives them.
 *
 * <p>Types narrower than a byte are <em>packed</em>: {@code 8 / bits} entries a byte, entry {@code i} in bits
 * {@code [(i % perByte)·bits, (i % perByte + 1)·bits)} of byte {@code i / perByte} (least significant first), the
 * last byte padded with zeros. Unpacked, an entry is {@code (byte >> shift) & (2^bits − 1)}.
 */
public enum FactorType {
  FLOAT32(32),
  /**
   * IEEE half precision: floats stored in two bytes. Trains as a float32 shadow read through its rounding (a
   * straight-through estimator), so the graph computes with the values that are stored.
   */
  FLOAT16(16),
  /** bfloat16 (float32's exponent, 8 bits of mantissa): floats in two bytes; trains as {@link #FLOAT16} does. */
  BFLOAT16(16),
  /**
   * Floats stored as symmetric int8 with a float32 scale per column of the last axis ({@link Int8Quantization});
   * trains as {@link #FLOAT16} does, read through the quantisation.
   */
  INT8(8),
  /** As {@link #INT8} with one scale for the whole factor. */
  INT8_PER_TENSOR(8),
  INT32(32),
  /** Codes into a table (a codebook, a dictionary) of at most 256 entries, and int8's quantised weights. */
  UINT8(8),
  /** Codes into a table of at most 16 entries, packed two a byte. */
  UINT4(4),
  /** Codes into a table of at most 4 entries, packed four a byte. */
  UINT2(2),
  /** Codes into a table of at most 2 entries, packed eight a byte (held as uint8 while training, unlike BIT). */
  UINT1(1),
  /** Signs or masks, one bit an entry when stored (held as bool while training). */
  BIT(1);

  private final int bits;

  FactorType(int bits) {
    this.bits = bits;
  }

  public int bitsPerEntry() {
    return bits;
  }

  /** Whether entries are floats (of any width): such factors hold float values and can train. */
  public boolean isFloat() {
    return this == FLOAT32 || isNarrowFloat();
  }

  /** Whether entries are floats stored narrower than float32, and read through a rounding while training. */
  public boolean isNarrowFloat() {
    return this == FLOAT16 || this == BFLOAT16 || isInt8();
  }

  /** The two int8 float types. */
  public boolean isInt8() {
    return this == INT8 || this == INT8_PER_TENSOR;
  }

  /**
   * {@code v} as this float type stores it (float32 unchanged); the int8 types round per column, see {@link
   * #round(float[], int[])}.
   */
  public float round(float v) {
    return switch (this) {
      case FLOAT32 -> v;
      case FLOAT16 -> HalfPrecision.roundToHalf(v);
      case BFLOAT16 -> HalfPrecision.roundToBfloat16(v);
      default -> throw new IllegalArgumentException(this + " does not round entry by entry");
    };
  }

  /** The entries {@code v} of a factor of {@code shape} as this float type stores them. */
  public float[] round(float[] v, int[] shape) {
    if (isInt8()) {
      return Int8Quantization.quantize(v, this, shape);
    }
    float[] out = v.clone();
    if (this != FLOAT32) {
      for (int i = 0; i < out.length; i++) {
        out[i] = round(out[i]);
      }
    }
    return out;
  }

  /**
   * The bytes a narrow float factor of {@code shape} holding {@code values} is stored in, the one encoding every
   * writer uses: 16-bit floats as little-endian bits (rounded to nearest even), int8 as {@link Int8Quantization}
   * lays it out.
   */
  public byte[] storedBytes(float[] values, int[] shape) {
    checkArgument(isNarrowFloat(), "%s is not a narrow float type", this);
    if (isInt8()) {
      return Int8Quantization.encode(values, this, shape);
    }
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(2 * values.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.asShortBuffer().put(HalfPrecision.bits(values, this == BFLOAT16));
    return b.array();
  }

  /** Whether entries share bytes when stored (fewer than eight bits an entry). */
  public boolean packed() {
    return bits < 8;
  }

  /** The largest entry an integer type holds. */
  public long maxValue() {
    checkArgument(!isFloat(), "%s has no integer range", this);
    return this == INT32 ? Integer.MAX_VALUE : (1L << bits) - 1;
  }

  /**
   * The narrowest type that indexes a table of {@code size} entries: ⌈log2 size⌉ bits rounded up to 1, 2, 4 or 8,
   * else INT32.
   */
  public static FactorType indexFor(int size) {
    checkArgument(size >= 1, "a table of %s entries", size);
    if (size <= 2) {
      return UINT1;
    }
    if (size <= 4) {
      return UINT2;
    }
    if (size <= 16) {
      return UINT4;
    }
    return size <= 256 ? UINT8 : INT32;
  }

  /** Bytes to store {@code entries} entries, rounded up to whole bytes (the int8 types' scales not included). */
  public long bytesFor(long entries) {
    return (entries * bits + 7) / 8;
  }

  /** {@code values} (each in [0, {@link #maxValue()}]) packed as this type stores them; a packed type only. */
  public byte[] pack(int[] values) {
    checkArgument(packed(), "%s is not packed", this);
    byte[] out = new byte[Math.toIntExact(bytesFor(values.length))];
    int perByte = 8 / bits;
    int max = (1 << bits) - 1;
    for (int i = 0; i < values.length; i++) {
      // A plain test, as in Factor.ofInts: an entry past the width would spill into its neighbours' bits.
      if (values[i] < 0 || values[i] > max) {
        throw new IllegalArgumentException(String.format("%s entry %s is %s, outside [0, %s]", this, i, values[i],
            max));
      }
      out[i / perByte] |= (byte) (values[i] << (i % perByte * bits));
    }
    return out;
  }

  /** The first {@code n} entries of {@code packed}, the inverse of {@link #pack}. */
  public int[] unpack(byte[] packed, int n) {
    checkArgument(packed(), "%s is not packed", this);
    checkArgument(bytesFor(n) <= packed.length, "%s entries of %s need %s bytes, got %s", n, this, bytesFor(n),
        packed.length);
    int perByte = 8 / bits;
    int mask = (1 << bits) - 1;
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = ((packed[i / perByte] & 0xff) >>> (i % perByte * bits)) & mask;
    }
    return out;
  }

  /** The shift of each entry within its byte, in entry order: {0, bits, 2·bits, ...}; a packed type only. */
  public int[] shifts() {
    checkArgument(packed(), "%s is not packed", this);
    int[] s = new int[8 / bits];
    for (int i = 0; i < s.length; i++) {
      s[i] = i * bits;
    }
    return s;
  }
}
