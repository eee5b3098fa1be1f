package org.matcomp.hostcallback;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import org.tensorflow.ndarray.Shape;

/**
 * A read-only view of one input tensor of a host callback: its type, shape and data, in place in TensorFlow's
 * memory (no copy). Valid only while the callback runs: TF may free or reuse the memory as soon as the callback
 * returns, so a buffer kept longer reads garbage or crashes the JVM. Copy what you keep ({@link #toFloatArray()} and
 * friends copy).
 */
public final class HostTensor {
  private final HostDType dtype;
  private final long[] shape;
  private final ByteBuffer data;

  HostTensor(HostDType dtype, long[] shape, ByteBuffer data) {
    this.dtype = dtype;
    this.shape = shape;
    this.data = data;
  }

  public HostDType dtype() {
    return dtype;
  }

  /** The dimensions; an empty array for a scalar. */
  public long[] shape() {
    return shape.clone();
  }

  public Shape tfShape() {
    return Shape.of(shape);
  }

  public int rank() {
    return shape.length;
  }

  public long dim(int axis) {
    return shape[axis];
  }

  /** The number of elements (1 for a scalar, 0 for an empty tensor). */
  public int size() {
    return data.capacity() / dtype.byteSize();
  }

  /** The raw bytes, read-only, in native byte order, positioned at 0; each call returns an independent view. */
  public ByteBuffer data() {
    // duplicate() resets the byte order to big-endian, so set it again.
    return data.duplicate().order(ByteOrder.nativeOrder());
  }

  public FloatBuffer asFloatBuffer() {
    require(HostDType.FLOAT);
    return data().asFloatBuffer();
  }

  public DoubleBuffer asDoubleBuffer() {
    require(HostDType.DOUBLE);
    return data().asDoubleBuffer();
  }

  public IntBuffer asIntBuffer() {
    require(HostDType.INT32);
    return data().asIntBuffer();
  }

  public LongBuffer asLongBuffer() {
    require(HostDType.INT64);
    return data().asLongBuffer();
  }

  public float[] toFloatArray() {
    float[] out = new float[size()];
    asFloatBuffer().get(out);
    return out;
  }

  public double[] toDoubleArray() {
    double[] out = new double[size()];
    asDoubleBuffer().get(out);
    return out;
  }

  public int[] toIntArray() {
    int[] out = new int[size()];
    asIntBuffer().get(out);
    return out;
  }

  public long[] toLongArray() {
    long[] out = new long[size()];
    asLongBuffer().get(out);
    return out;
  }

  /** The elements of a uint8 tensor, as unsigned values 0..255 stored in bytes (use {@code b & 0xff}). */
  public byte[] toUint8Array() {
    require(HostDType.UINT8);
    byte[] out = new byte[size()];
    data().get(out);
    return out;
  }

  public boolean[] toBooleanArray() {
    require(HostDType.BOOL);
    ByteBuffer bytes = data();
    boolean[] out = new boolean[size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = bytes.get(i) != 0;
    }
    return out;
  }

  private void require(HostDType wanted) {
    if (dtype != wanted) {
      throw new IllegalArgumentException("tensor " + this + " is " + dtype + ", not " + wanted);
    }
  }

  @Override
  public String toString() {
    return dtype + Arrays.toString(shape);
  }
}
