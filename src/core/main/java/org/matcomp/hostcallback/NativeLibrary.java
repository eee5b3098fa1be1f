package org.matcomp.hostcallback;

import java.nio.file.Path;
import org.matcomp.nativelib.NativeLoader;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.OpDef;
import org.tensorflow.proto.OpList;

/**
 * Makes the {@code MatcompHostCallback} op and its CPU kernel available to graphs and SavedModels in this process,
 * once: call {@link #load()} before loading a SavedModel that contains the op ({@link HostCallbacks#register} and
 * {@link HostCallbackOp#create} call it for you).
 *
 * <p>The order is fixed: TensorFlow first ({@code TensorFlow.version()} makes TF Java load it), then matcomp's
 * library ({@link NativeLoader}, which does not need TensorFlow), then {@code nInit} (the JNI bridge captures what
 * TF's threads will need), then {@code nRegisterOp}: the library looks up the TF C API functions it uses in the
 * TensorFlow copy TF Java loaded and registers op and kernel through them. The library is never handed to
 * {@code TensorFlow.loadLibrary}: it has no TensorFlow dependency to satisfy, and loading it for the dictionary
 * kernels must not start TensorFlow.
 *
 * <p>One class loader per process can own the op: TensorFlow cannot register it twice, and the JVM binds the library
 * file to the first class loader that loads it. A second class loader is refused with a message saying so.
 *
 * <p>Only linux-x86_64 is built. Elsewhere {@link #load()} throws {@link UnsupportedOperationException}; everything
 * that does not run Java inside the graph (update_option 1, the host path) works without this library.
 */
public final class NativeLibrary {
  /** The platform matcomp ships a native library for (see {@link NativeLoader#PLATFORM}). */
  public static final String PLATFORM = NativeLoader.PLATFORM;

  private static boolean registered;
  private static RuntimeException failure;

  private NativeLibrary() {}

  /**
   * Registers the {@code MatcompHostCallback} op with this process's TensorFlow (loading TensorFlow and matcomp's
   * library first if needed). Idempotent and thread-safe; a failure is remembered and rethrown on later calls, since
   * a half-done registration cannot be retried.
   *
   * @throws UnsupportedOperationException on a platform other than linux-x86_64, or if the library is missing from
   *     the classpath
   * @throws IllegalStateException if loading or registering fails
   */
  public static synchronized void load() {
    if (registered) {
      return;
    }
    if (failure != null) {
      throw failure;
    }
    try {
      register();
      registered = true;
    } catch (RuntimeException e) {
      failure = e;
      throw e;
    }
  }

  /** Whether {@link #load()} has succeeded in this class loader. */
  public static synchronized boolean isLoaded() {
    return registered;
  }

  /** The file the library was loaded from; for diagnostics. */
  public static synchronized Path loadedFrom() {
    if (!registered) {
      throw new IllegalStateException("the " + HostCallbackOp.OP_NAME + " op is not registered");
    }
    return NativeLoader.loadedFrom();
  }

  /** {@code os-arch} of this JVM in matcomp's naming, e.g. linux-x86_64 (see {@link NativeLoader#currentPlatform}). */
  public static String currentPlatform() {
    return NativeLoader.currentPlatform();
  }

  private static void register() {
    requireSupported(currentPlatform());
    TensorFlow.version(); // makes TF Java load TensorFlow, whose C API the op is registered through
    if (hasOp(TensorFlow.registeredOpList())) {
      throw new IllegalStateException(HostCallbackOp.OP_NAME + " is already registered in this process by another"
          + " copy of matcomp (another class loader?). The native library can serve one class loader only: put"
          + " matcomp on a class loader shared by all its users.");
    }
    try {
      NativeLoader.load();
    } catch (UnsupportedOperationException e) {
      throw unavailable(e.getMessage());
    }
    NativeBridge.nInit();
    String error = NativeBridge.nRegisterOp();
    if (error != null) {
      throw new IllegalStateException("cannot register the " + HostCallbackOp.OP_NAME + " op from "
          + NativeLoader.loadedFrom() + ": " + error);
    }
    if (!hasOp(TensorFlow.registeredOpList())) {
      throw new IllegalStateException("TensorFlow accepted the " + HostCallbackOp.OP_NAME + " op from "
          + NativeLoader.loadedFrom() + " but does not list it");
    }
  }

  static void requireSupported(String platform) {
    try {
      NativeLoader.requireSupported(platform);
    } catch (UnsupportedOperationException e) {
      throw unavailable(e.getMessage());
    }
  }

  private static boolean hasOp(OpList ops) {
    for (OpDef op : ops.getOpList()) {
      if (op.getName().equals(HostCallbackOp.OP_NAME)) {
        return true;
      }
    }
    return false;
  }

  private static UnsupportedOperationException unavailable(String why) {
    return new UnsupportedOperationException(why + ". In-graph host callbacks (" + HostCallbackOp.OP_NAME
        + ", used by update_option 0 and 2) are therefore unavailable; update_option 1, the host path that"
        + " factorises between Session.run calls, works on every platform.");
  }
}
