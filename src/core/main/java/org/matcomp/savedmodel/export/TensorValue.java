package org.matcomp.savedmodel.export;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;
import org.matcomp.compressor.HalfPrecision;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;
import org.tensorflow.types.family.TType;

/**
 * A tensor's value held in Java: dtype, shape and its raw little-endian bytes. Variables move between the loaded
 * model, the compressors and the new checkpoint in this form, whatever their dtype, without holding native memory.
 */
public record TensorValue(DataType dtype, long[] shape, byte[] bytes) {
  private static final Map<DataType, Class<? extends TType>> TYPES = Map.of(
      DataType.DT_FLOAT, TFloat32.class, DataType.DT_DOUBLE, TFloat64.class, DataType.DT_INT32, TInt32.class,
      DataType.DT_INT64, TInt64.class, DataType.DT_UINT8, TUint8.class, DataType.DT_BOOL, TBool.class,
      DataType.DT_HALF, org.tensorflow.types.TFloat16.class, DataType.DT_BFLOAT16,
      org.tensorflow.types.TBfloat16.class);

  public TensorValue {
    shape = shape.clone();
  }

  public static boolean supports(DataType t) {
    return TYPES.containsKey(t);
  }

  public static TensorValue ofFloats(long[] shape, float[] values) {
    checkArgument(values.length == elements(shape), "%s floats for shape %s", values.length, Arrays.toString(shape));
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return new TensorValue(DataType.DT_FLOAT, shape, b.array());
  }

  public static TensorValue ofInts(long[] shape, int[] values) {
    checkArgument(values.length == elements(shape), "%s ints for shape %s", values.length, Arrays.toString(shape));
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asIntBuffer().put(values);
    return new TensorValue(DataType.DT_INT32, shape, b.array());
  }

  /** uint8 entries given as ints in [0, 255]. */
  public static TensorValue ofUnsignedBytes(long[] shape, int[] values) {
    checkArgument(values.length == elements(shape), "%s bytes for shape %s", values.length, Arrays.toString(shape));
    byte[] b = new byte[values.length];
    for (int i = 0; i < b.length; i++) {
      checkArgument(values[i] >= 0 && values[i] <= 255, "uint8 entry %s is %s", i, values[i]);
      b[i] = (byte) values[i];
    }
    return new TensorValue(DataType.DT_UINT8, shape, b);
  }

  /** Copies a TensorFlow tensor out (the caller still owns and closes it). */
  public static TensorValue of(Tensor t) {
    checkArgument(supports(t.dataType()), "tensors of %s are not supported", t.dataType());
    byte[] b = new byte[Math.toIntExact(t.numBytes())];
    t.asRawTensor().data().read(b);
    return new TensorValue(t.dataType(), t.shape().asArray(), b);
  }

  /** A new TensorFlow tensor holding this value; the caller closes it. */
  public Tensor toTensor() {
    Class<? extends TType> type = TYPES.get(dtype);
    checkArgument(type != null, "tensors of %s are not supported", dtype);
    return Tensor.of(type, Shape.of(shape), DataBuffers.of(bytes, true, false));
  }

  public float[] floats() {
    checkArgument(dtype == DataType.DT_FLOAT, "tensor is %s, not float", dtype);
    float[] f = new float[bytes.length / 4];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
    return f;
  }

  /** The entries widened to double (numeric and bool dtypes), for comparing outputs. */
  public double[] asDoubles() {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int n = (int) elements();
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = switch (dtype) {
        case DT_FLOAT -> b.getFloat(4 * i);
        case DT_DOUBLE -> b.getDouble(8 * i);
        case DT_INT32 -> b.getInt(4 * i);
        case DT_INT64 -> b.getLong(8 * i);
        case DT_UINT8, DT_BOOL -> bytes[i] & 0xff;
        case DT_HALF -> HalfPrecision.fromHalfBits(b.getShort(2 * i));
        case DT_BFLOAT16 -> HalfPrecision.fromBfloat16Bits(b.getShort(2 * i));
        default -> throw new IllegalArgumentException("cannot compare tensors of " + dtype);
      };
    }
    return d;
  }

  public long elements() {
    return elements(shape);
  }

  private static long elements(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorValue h && dtype == h.dtype && Arrays.equals(shape, h.shape)
        && Arrays.equals(bytes, h.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "TensorValue[" + dtype + Arrays.toString(shape) + "]";
  }
}
