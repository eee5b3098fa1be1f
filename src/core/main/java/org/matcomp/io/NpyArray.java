package org.matcomp.io;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import org.matcomp.linalg.FloatMatrix;

/**
 * An immutable n-dimensional array as a .npy file holds it: a shape, a {@link NpyDtype} and the entries in C
 * (row-major) order. Fortran-ordered files are reordered on read, so callers never see the file's layout.
 *
 * <p>Entries live in the primitive array matching the dtype (float[] for FLOAT32, byte[] for UINT8 and BOOL, ...).
 * Accessors return copies and allow only exact widening, so an int64 array is never silently read as floats.
 */
public final class NpyArray {
  private final long[] shape;
  private final NpyDtype dtype;
  /** float[], double[], short[], int[], long[] or byte[] according to dtype; never handed out. */
  private final Object data;

  private NpyArray(long[] shape, NpyDtype dtype, Object data) {
    this.shape = shape;
    this.dtype = dtype;
    this.data = data;
  }

  public static NpyArray ofFloats(long[] shape, float[] data) {
    return new NpyArray(checkedShape(shape, data.length), NpyDtype.FLOAT32, data.clone());
  }

  public static NpyArray ofDoubles(long[] shape, double[] data) {
    return new NpyArray(checkedShape(shape, data.length), NpyDtype.FLOAT64, data.clone());
  }

  public static NpyArray ofShorts(long[] shape, short[] data) {
    return new NpyArray(checkedShape(shape, data.length), NpyDtype.INT16, data.clone());
  }

  /** Half-precision floats given as their binary16 bits. */
  public static NpyArray ofHalfBits(long[] shape, short[] bits) {
    return new NpyArray(checkedShape(shape, bits.length), NpyDtype.FLOAT16, bits.clone());
  }

  /** Unsigned 16-bit entries (e.g. bfloat16 bits): entry i is {@code data[i] & 0xFFFF}. */
  public static NpyArray ofUnsignedShorts(long[] shape, short[] data) {
    return new NpyArray(checkedShape(shape, data.length), NpyDtype.UINT16, data.clone());
  }

  public static NpyArray ofInts(long[] shape, int[] data) {
    return new NpyArray(checkedShape(shape, data.length), NpyDtype.INT32, data.clone());
  }

  public static NpyArray ofLongs(long[] shape, long[] data) {
    return new NpyArray(checkedShape(shape, data.length), NpyDtype.INT64, data.clone());
  }

  /** Unsigned bytes: entry i is {@code data[i] & 0xFF}. */
  public static NpyArray ofUnsignedBytes(long[] shape, byte[] data) {
    return new NpyArray(checkedShape(shape, data.length), NpyDtype.UINT8, data.clone());
  }

  public static NpyArray ofBooleans(long[] shape, boolean[] data) {
    byte[] b = new byte[data.length];
    for (int i = 0; i < data.length; i++) {
      b[i] = (byte) (data[i] ? 1 : 0);
    }
    return new NpyArray(checkedShape(shape, data.length), NpyDtype.BOOL, b);
  }

  /** A matrix as a 2-D float32 array, the form weights are exchanged with Python in. */
  public static NpyArray of(FloatMatrix m) {
    return new NpyArray(new long[] {m.rows(), m.cols()}, NpyDtype.FLOAT32, m.copyData());
  }

  /** For {@link Npy}'s reader, which allocated {@code data} itself and checked it against {@code shape}. */
  static NpyArray adopt(long[] shape, NpyDtype dtype, Object data) {
    return new NpyArray(shape, dtype, data);
  }

  private static long[] checkedShape(long[] shape, int length) {
    long n = 1;
    for (long d : shape) {
      checkArgument(d >= 0, "shape %s has a negative dimension %s", Arrays.toString(shape), d);
      n = Math.multiplyExact(n, d);
    }
    checkArgument(n == length, "shape %s needs %s entries, got %s", Arrays.toString(shape), n, length);
    return shape.clone();
  }

  public NpyDtype dtype() {
    return dtype;
  }

  public long[] shape() {
    return shape.clone();
  }

  /** The shape as ints; every dimension fits, since all entries fit one Java array. */
  public int[] intShape() {
    int[] s = new int[shape.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = (int) shape[i];
    }
    return s;
  }

  public int rank() {
    return shape.length;
  }

  /** Number of entries. */
  public int size() {
    return java.lang.reflect.Array.getLength(data);
  }

  /** FLOAT32 entries. */
  public float[] floatData() {
    requireDtype("floatData", NpyDtype.FLOAT32);
    return ((float[]) data).clone();
  }

  /** FLOAT64 entries, or FLOAT32 / INT16 / INT32 / UINT8 / BOOL ones widened exactly. */
  public double[] doubleData() {
    if (dtype == NpyDtype.FLOAT64) {
      return ((double[]) data).clone();
    }
    requireDtype("doubleData", NpyDtype.FLOAT32, NpyDtype.INT16, NpyDtype.INT32, NpyDtype.UINT8, NpyDtype.BOOL);
    double[] out = new double[size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = dtype == NpyDtype.FLOAT32 ? ((float[]) data)[i] : integerAt(i);
    }
    return out;
  }

  /** INT32 entries, or INT16 / UINT8 (0..255) / BOOL (0/1) ones widened. */
  public int[] intData() {
    if (dtype == NpyDtype.INT32) {
      return ((int[]) data).clone();
    }
    requireDtype("intData", NpyDtype.INT16, NpyDtype.UINT8, NpyDtype.BOOL);
    int[] out = new int[size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (int) integerAt(i);
    }
    return out;
  }

  /** INT64 entries, or any other integer / BOOL ones widened. */
  public long[] longData() {
    if (dtype == NpyDtype.INT64) {
      return ((long[]) data).clone();
    }
    requireDtype("longData", NpyDtype.INT16, NpyDtype.INT32, NpyDtype.UINT8, NpyDtype.BOOL);
    long[] out = new long[size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = integerAt(i);
    }
    return out;
  }

  /** The raw bytes of a UINT8 or BOOL array (read UINT8 entries with {@code & 0xFF}). */
  public byte[] byteData() {
    requireDtype("byteData", NpyDtype.UINT8, NpyDtype.BOOL);
    return ((byte[]) data).clone();
  }

  /** BOOL entries. */
  public boolean[] booleanData() {
    requireDtype("booleanData", NpyDtype.BOOL);
    byte[] b = (byte[]) data;
    boolean[] out = new boolean[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = b[i] != 0;
    }
    return out;
  }

  /**
   * This 2-D FLOAT32 or FLOAT64 array as a matrix (float64 rounded to nearest float). {@code what} names the source
   * (a file, a variable) in the IllegalArgumentException thrown for any other rank or dtype.
   */
  public FloatMatrix toFloatMatrix(String what) {
    checkArgument(shape.length == 2, "%s: expected a 2-D float array, got shape %s (%s)", what,
        Arrays.toString(shape), dtype);
    checkArgument(dtype == NpyDtype.FLOAT32 || dtype == NpyDtype.FLOAT64,
        "%s: expected float32 or float64 entries, got %s (shape %s)", what, dtype, Arrays.toString(shape));
    int rows = (int) shape[0];
    int cols = (int) shape[1];
    if (dtype == NpyDtype.FLOAT32) {
      return FloatMatrix.of(rows, cols, (float[]) data);
    }
    double[] d = (double[]) data;
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
      // Said here, while the float64 value is known: later checks would only see an infinity.
      checkArgument(!Float.isInfinite(f[i]) || !Double.isFinite(d[i]),
          "%s: entry %s at [%s, %s] overflows float32 (largest %s)", what, d[i], i / cols, i % cols, Float.MAX_VALUE);
    }
    return FloatMatrix.adopt(rows, cols, f);
  }

  /** The backing array, for {@link Npy}'s writer, which only reads it. */
  Object rawData() {
    return data;
  }

  private long integerAt(int i) {
    switch (dtype) {
      case INT16:
        return ((short[]) data)[i];
      case UINT16:
        return ((short[]) data)[i] & 0xFFFF;
      case INT32:
        return ((int[]) data)[i];
      case INT64:
        return ((long[]) data)[i];
      case UINT8:
        return ((byte[]) data)[i] & 0xFF;
      case BOOL:
        return ((byte[]) data)[i] != 0 ? 1 : 0;
      default:
        throw new IllegalStateException(dtype + " is not an integer dtype");
    }
  }

  private void requireDtype(String accessor, NpyDtype... allowed) {
    for (NpyDtype d : allowed) {
      if (d == dtype) {
        return;
      }
    }
    throw new IllegalStateException(String.format("%s: a %s array of shape %s is not one of %s", accessor, dtype,
        Arrays.toString(shape), Arrays.toString(allowed)));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NpyArray a && dtype == a.dtype && Arrays.equals(shape, a.shape)
        && Arrays.deepEquals(new Object[] {data}, new Object[] {a.data});
  }

  @Override
  public int hashCode() {
    return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + Arrays.deepHashCode(new Object[] {data});
  }

  @Override
  public String toString() {
    return "NpyArray[" + dtype + " " + Arrays.toString(shape) + "]";
  }
}
