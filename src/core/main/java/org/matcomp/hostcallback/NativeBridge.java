package org.matcomp.hostcallback;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.matcomp.nativelib.NativeAbi;

/**
 * The Java half of the JNI bridge in {@code native/host_callback_jni.c}. The kernel calls {@link #dispatch} on a TF
 * thread; the natives let the callback produce outputs in TF memory. {@link NativeLibrary} calls {@link #nInit},
 * which hands this class to native code, so TF threads never need {@code FindClass} (it fails on them when matcomp
 * sits in a child class loader), then {@link #nRegisterOp}.
 */
final class NativeBridge {
  /** The TF status codes {@link #nFail} accepts (native/matcomp_native.h). */
  static final int INVALID_ARGUMENT = NativeAbi.FAIL_INVALID_ARGUMENT;
  static final int INTERNAL = NativeAbi.FAIL_INTERNAL;

  /** Bounds the error text: TF prints it in every exception and log line. */
  private static final int STACK_FRAMES = 5;

  private NativeBridge() {}

  /**
   * Captures the JavaVM, this class and {@link #dispatch} for TF's threads; idempotent.
   *
   * @throws IllegalStateException (or the JVM's own error) if something it needs is missing
   */
  static native void nInit();

  /**
   * Registers the op and its CPU kernel with the TensorFlow TF Java has loaded, once per process; later calls return
   * at once. Returns null on success, else why it failed.
   */
  static native String nRegisterOp();

  static native ByteBuffer nAllocateOutput(long handle, int index, long[] shape);

  static native void nForwardInput(long handle, int input, int output);

  static native void nFail(long handle, int code, String message);

  /**
   * Runs the callback registered as {@code name} for one kernel invocation. Called from native code only. Input
   * shapes arrive flattened ({@code dims} holds {@code ranks[0]} dimensions of input 0, then input 1's, ...) to keep
   * the upcall to a handful of JNI allocations. Nothing may escape: failures go to TF through {@link #nFail}.
   */
  @SuppressWarnings("unused")
  private static void dispatch(String name, long handle, ByteBuffer[] buffers, int[] dtypes, int[] ranks, long[] dims,
      int[] outDtypes) {
    HostCall call = null;
    try {
      HostCallback callback = HostCallbacks.lookup(name);
      if (callback == null) {
        nFail(handle, INVALID_ARGUMENT, HostCallbackOp.OP_NAME + ": no Java callback is registered under the name '"
            + name + "' in this JVM; register it with HostCallbacks.register(\"" + name + "\", fn) before running"
            + " the graph");
        return;
      }
      HostTensor[] inputs = new HostTensor[buffers.length];
      for (int i = 0, d = 0; i < inputs.length; i++) {
        long[] shape = new long[ranks[i]];
        System.arraycopy(dims, d, shape, 0, shape.length);
        d += shape.length;
        ByteBuffer readOnly = buffers[i].asReadOnlyBuffer().order(ByteOrder.nativeOrder());
        inputs[i] = new HostTensor(HostDType.fromTfCode(dtypes[i]), shape, readOnly);
      }
      call = new HostCall(name, handle, inputs, outDtypes);
      callback.call(call);
    } catch (Throwable t) {
      nFail(handle, codeFor(t), describe(name, t));
    } finally {
      if (call != null) {
        call.close();
      }
    }
  }

  private static int codeFor(Throwable t) {
    return t instanceof IllegalArgumentException || t instanceof IndexOutOfBoundsException
        ? INVALID_ARGUMENT
        : INTERNAL;
  }

  /** The exception, its first frames and its root cause: enough to find the failing line from a TF error. */
  static String describe(String name, Throwable t) {
    StringBuilder text = new StringBuilder(HostCallbackOp.OP_NAME).append(" '").append(name).append("' failed: ");
    appendHead(text, t);
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != t) {
      text.append("\nCaused by: ");
      appendHead(text, root);
    }
    return text.toString();
  }

  /** The exception and its frames down to the callback's entry (our dispatcher's frames say nothing). */
  private static void appendHead(StringBuilder text, Throwable t) {
    text.append(t);
    StackTraceElement[] frames = t.getStackTrace();
    int shown = 0;
    while (shown < Math.min(STACK_FRAMES, frames.length) && !isDispatch(frames[shown])) {
      text.append("\n\tat ").append(frames[shown++]);
    }
    if (shown == STACK_FRAMES && shown < frames.length && !isDispatch(frames[shown])) {
      text.append("\n\t...");
    }
  }

  private static boolean isDispatch(StackTraceElement frame) {
    return frame.getClassName().equals(NativeBridge.class.getName()) && frame.getMethodName().equals("dispatch");
  }
}
