package org.matcomp.nativelib;

/**
 * The process environment, which a JVM can read ({@code System.getenv}, a copy taken at start-up) but not change.
 * Native libraries loaded later read the real one: the CLI uses this to set {@code TF_CPP_MIN_LOG_LEVEL} before
 * TensorFlow loads. Loading matcomp's library for this does not load TensorFlow.
 */
public final class ProcessEnvironment {
  private ProcessEnvironment() {}

  /**
   * Sets {@code name} to {@code value} in the process environment unless it already has a value there. Returns
   * whether it set it. {@code System.getenv} does not see the change.
   *
   * @throws UnsupportedOperationException where matcomp's native library is not available
   * @throws IllegalStateException if {@code setenv} failed
   */
  public static boolean setIfAbsent(String name, String value) {
    NativeLoader.load();
    int result = nSetenvIfAbsent(name, value);
    if (result < 0) {
      throw new IllegalStateException("setenv(" + name + ", " + value + ") failed");
    }
    return result == 1;
  }

  private static native int nSetenvIfAbsent(String name, String value);
}
