package org.matcomp.hostcallback;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One invocation of a {@link HostCallback}: the node's inputs and the means to set its outputs. Outputs live in memory
 * TF allocates, so a callback that writes into {@link #allocateOutput} buffers costs no more than filling an array.
 *
 * <p>A HostCall is valid only during the callback it was passed to; afterwards every method that touches TF throws
 * {@link IllegalStateException}. It is meant for the callback's own thread.
 */
public final class HostCall {
  private final String callbackName;
  private final HostTensor[] inputs;
  /** Shared by all calls of one kernel: read, never written. */
  private final int[] outDtypes;
  private volatile long handle;

  HostCall(String callbackName, long handle, HostTensor[] inputs, int[] outDtypes) {
    this.callbackName = callbackName;
    this.handle = handle;
    this.inputs = inputs;
    this.outDtypes = outDtypes;
  }

  /** The name the callback was registered under (the node's {@code callback} attribute). */
  public String callbackName() {
    return callbackName;
  }

  public int numInputs() {
    return inputs.length;
  }

  /** A zero-copy, read-only view of input {@code index}; valid until the callback returns. */
  public HostTensor input(int index) {
    checkIndex("input", index, inputs.length);
    return inputs[index];
  }

  public int numOutputs() {
    return outDtypes.length;
  }

  /** The declared type of output {@code index} (the node's {@code Tout[index]}). */
  public HostDType outputType(int index) {
    checkIndex("output", index, outDtypes.length);
    return HostDType.fromTfCode(outDtypes[index]);
  }

  /**
   * Allocates output {@code index} with the given shape (empty for a scalar) and its declared type, and returns a
   * writable buffer over TF's memory, in native byte order, sized exactly {@code product(shape) * byteSize}. The
   * contents are uninitialized: write every element. Each output may be set once.
   */
  public ByteBuffer allocateOutput(int index, long... shape) {
    long h = liveHandle();
    checkIndex("output", index, outDtypes.length);
    ByteBuffer buffer = NativeBridge.nAllocateOutput(h, index, shape.clone());
    return buffer.order(ByteOrder.nativeOrder());
  }

  /**
   * Makes output {@code output} the very tensor of input {@code input} (zero copy; TF shares the buffer, as its own
   * Identity op does). The types must agree.
   */
  public void forwardInput(int input, int output) {
    long h = liveHandle();
    checkIndex("input", input, inputs.length);
    checkIndex("output", output, outDtypes.length);
    NativeBridge.nForwardInput(h, input, output);
  }

  /** Sets a float output to a copy of {@code values}, laid out row-major in {@code shape}. */
  public void setOutput(int index, float[] values, long... shape) {
    prepare(index, HostDType.FLOAT, values.length, shape).asFloatBuffer().put(values);
  }

  public void setOutput(int index, double[] values, long... shape) {
    prepare(index, HostDType.DOUBLE, values.length, shape).asDoubleBuffer().put(values);
  }

  public void setOutput(int index, int[] values, long... shape) {
    prepare(index, HostDType.INT32, values.length, shape).asIntBuffer().put(values);
  }

  public void setOutput(int index, long[] values, long... shape) {
    prepare(index, HostDType.INT64, values.length, shape).asLongBuffer().put(values);
  }

  /** Sets a uint8 output; each byte is read as unsigned (e.g. {@code (byte) 255}). */
  public void setOutput(int index, byte[] values, long... shape) {
    prepare(index, HostDType.UINT8, values.length, shape).put(values);
  }

  public void setOutput(int index, boolean[] values, long... shape) {
    ByteBuffer out = prepare(index, HostDType.BOOL, values.length, shape);
    for (boolean v : values) {
      out.put((byte) (v ? 1 : 0));
    }
  }

  /** Sets output {@code index} to a copy of {@code tensor} (for example an input), which must have its type. */
  public void setOutput(int index, HostTensor tensor) {
    prepare(index, tensor.dtype(), tensor.size(), tensor.shape()).put(tensor.data());
  }

  private ByteBuffer prepare(int index, HostDType type, int length, long[] shape) {
    HostDType declared = outputType(index);
    if (declared != type) {
      throw new IllegalArgumentException("output " + index + " of host callback '" + callbackName + "' is declared "
          + declared + " (Tout) but a " + type + " value was given");
    }
    long elements = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("output " + index + " of host callback '" + callbackName + "': shape "
            + Arrays.toString(shape) + " has a negative dimension");
      }
      elements = d != 0 && elements > Long.MAX_VALUE / d ? Long.MAX_VALUE : elements * d;
    }
    if (elements != length) {
      throw new IllegalArgumentException("output " + index + " of host callback '" + callbackName + "': shape "
          + Arrays.toString(shape) + " needs " + elements + " elements but " + length + " were given");
    }
    return allocateOutput(index, shape);
  }

  private long liveHandle() {
    long h = handle;
    if (h == 0) {
      throw new IllegalStateException("HostCall of callback '" + callbackName + "' used after the callback returned");
    }
    return h;
  }

  private void checkIndex(String what, int index, int size) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException(what + " index " + index + " out of range [0," + size + ") of host callback '"
          + callbackName + "'");
    }
  }

  /** Ends the call: from now on the handle would point at a dead stack frame. */
  void close() {
    handle = 0;
  }

  @Override
  public String toString() {
    return "HostCall[" + callbackName + ", inputs=" + Arrays.toString(inputs) + "]";
  }
}
