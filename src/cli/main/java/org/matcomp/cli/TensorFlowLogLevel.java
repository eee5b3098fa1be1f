package org.matcomp.cli;

import org.matcomp.nativelib.ProcessEnvironment;
import org.matcomp.nativelib.StderrFilter;

/**
 * Keeps TensorFlow's C++ log lines below WARNING ("oneDNN custom operations are on", "Reading SavedModel from", "MLIR
 * V1 optimization pass is not enabled", ...) off the CLI's stderr, unless the user asked for them.
 *
 * <p>TensorFlow reads {@code TF_CPP_MIN_LOG_LEVEL} from the process environment once, as its library loads, and
 * neither TF Java nor its C API can change the threshold later. A JVM cannot change its own environment either
 * ({@code System.getenv} is a copy), so {@link #quietUnlessSet} calls {@code setenv} through matcomp's native library
 * ({@link ProcessEnvironment}; the library does not load TensorFlow) before anything loads TensorFlow:
 * {@code Main.main} calls it first. Level 1 drops INFO and keeps warnings and errors. A value the user set (e.g. 0 to
 * see everything, or the 2 that the {@code bin/matcomp} launcher exports) is left alone.
 *
 * <p>That silences TensorFlow's own logger only. TensorFlow also logs through absl, which reads no environment
 * variable: "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR" and "I0000 ...
 * mlir_graph_optimization_pass.cc:401] MLIR V1 optimization pass is not enabled" on every command that runs a graph.
 * {@code libtensorflow_framework.so.2} exports absl's {@code SetMinLogLevel}, but for its own copy of absl; the copy
 * that prints those lines is a hidden one inside {@code libtensorflow_cc.so.2}, out of reach. So, whenever the
 * effective level (the user's, the launcher's or ours) is at least 1, {@link StderrFilter} drops absl's lines below it
 * from file descriptor 2, until the JVM exits.
 */
final class TensorFlowLogLevel {
  static final String VARIABLE = "TF_CPP_MIN_LOG_LEVEL";
  /** INFO off, WARNING and ERROR kept. */
  static final String QUIET = "1";

  private TensorFlowLogLevel() {}

  /**
   * Sets {@value #VARIABLE} to {@value #QUIET} if the user has not set it, then installs the stderr filter at the
   * level in effect if that is at least 1; returns whether it set the variable. Does neither where the native library
   * is not built (other platforms, {@code -Dmatcomp.native.skip}): the lines are noise, not a failure.
   */
  static boolean quietUnlessSet() {
    String value = System.getenv(VARIABLE);
    boolean set = false;
    if (value == null) {
      try {
        set = ProcessEnvironment.setIfAbsent(VARIABLE, QUIET);
      } catch (RuntimeException | LinkageError e) {
        return false;
      }
      if (!set) {
        return false; // set behind the JVM's back, to a value we cannot read
      }
      value = QUIET;
    }
    long level = level(value);
    if (level >= 1) {
      try {
        StderrFilter.install((int) Math.min(level, 3)); // 3 already drops all but FATAL, which is never dropped
      } catch (RuntimeException | LinkageError e) {
        // no filter: the absl lines stay, as without the library
      }
    }
    return set;
  }

  /**
   * The level {@code value} means to TensorFlow, which reads it as C++'s {@code istringstream >> int64_t} does: leading
   * white space skipped, an optionally signed integer, anything after it ignored ("2abc" is 2), and 0 when there is no
   * integer or it overflows. Null (unset) is 0.
   */
  static long level(String value) {
    if (value == null) {
      return 0;
    }
    int i = 0;
    while (i < value.length() && " \t\n\u000b\f\r".indexOf(value.charAt(i)) >= 0) {
      i++;
    }
    int start = i;
    if (i < value.length() && (value.charAt(i) == '+' || value.charAt(i) == '-')) {
      i++;
    }
    int digits = i;
    while (i < value.length() && value.charAt(i) >= '0' && value.charAt(i) <= '9') {
      i++;
    }
    if (i == digits) {
      return 0;
    }
    try {
      return Long.parseLong(value.substring(start, i));
    } catch (NumberFormatException overflow) {
      return 0;
    }
  }
}
