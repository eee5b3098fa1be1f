package org.matcomp.cli;

import org.matcomp.nativelib.ProcessEnvironment;

/**
 * Keeps TensorFlow's C++ INFO lines ("oneDNN custom operations are on", "Reading SavedModel from", ...) off the
 * CLI's stderr, unless the user asked for them.
 *
 * <p>TensorFlow reads {@code TF_CPP_MIN_LOG_LEVEL} from the process environment once, as its library loads, and
 * neither TF Java nor its C API can change the threshold later. A JVM cannot change its own environment either
 * ({@code System.getenv} is a copy), so {@link #quietUnlessSet} calls {@code setenv} through matcomp's native library
 * ({@link ProcessEnvironment}; the library does not load TensorFlow) before anything loads TensorFlow:
 * {@code Main.main} calls it first. Level 1 drops INFO and keeps warnings and errors. A value the user set (e.g. 0 to
 * see everything) is left alone. Two lines come from a second logging library (absl) inside TensorFlow, which reads
 * no environment variable and whose symbols TF does not export, so they stay: "WARNING: All log messages before
 * absl::InitializeLog() ..." and one "MLIR V1 optimization pass is not enabled", printed once per process by
 * commands that run a graph.
 */
final class TensorFlowLogLevel {
  static final String VARIABLE = "TF_CPP_MIN_LOG_LEVEL";
  /** INFO off, WARNING and ERROR kept. */
  static final String QUIET = "1";

  private TensorFlowLogLevel() {}

  /**
   * Sets {@value #VARIABLE} to {@value #QUIET} if the user has not set it; returns whether it did. Does nothing
   * (false) where the native library is not built (other platforms, {@code -Dmatcomp.native.skip}): the lines are
   * noise, not a failure.
   */
  static boolean quietUnlessSet() {
    if (System.getenv(VARIABLE) != null) {
      return false;
    }
    try {
      return ProcessEnvironment.setIfAbsent(VARIABLE, QUIET);
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }
}
