package org.matcomp.nativelib;

/**
 * Drops absl's log lines below a level from this process's stderr, at file descriptor 2, so that they are gone
 * whoever writes them: TensorFlow's C++ code, not only Java.
 *
 * <p>Why at the descriptor: TensorFlow 2.18 logs through two libraries. Its own logger honours
 * {@code TF_CPP_MIN_LOG_LEVEL}; absl's reads no environment variable, and {@code libtensorflow_cc.so.2} links a
 * private, hidden copy of absl. {@code libtensorflow_framework.so.2} does export {@code absl::SetMinLogLevel} and
 * {@code absl::log_internal::SetInitialized}, but they set the framework's copy: calling them (from C, through
 * {@code dlsym}) leaves "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR"
 * and "I0000 00:00:1796534536.459505 8407 mlir_graph_optimization_pass.cc:401] MLIR V1 optimization pass is not
 * enabled" on stderr, as does {@code TF_CPP_MIN_LOG_LEVEL=3}. Only their output is within reach.
 *
 * <p>{@link #install} points fd 2 at a pipe and starts a native thread that copies it to the real stderr, dropping
 * absl lines ({@code [IWEF]mmdd hh:mm:ss.micros thread file:line] ...}) whose severity is below the level, as
 * {@code TF_CPP_MIN_LOG_LEVEL} means it (1 drops INFO, 2 also WARNING, 3 also ERROR; FATAL is always kept), and the
 * "WARNING: All log messages before ..." line. Everything else passes through byte for byte and in order, at once: a
 * line is held back only while it can still turn out to be a dropped one, so progress bars that redraw with
 * {@code \r} and never end a line still show. {@code native/stderr_filter.c} has the details.
 *
 * <p>Output must not get lost in the pipe when the process ends: {@link #install} registers a shutdown hook that
 * {@link #uninstall}s, which puts the real stderr back and waits until the thread has copied everything (on
 * {@code System.exit} and on the signals the JVM turns into an exit); the native side does the same on
 * {@code abort()}, which TensorFlow's fatal errors end in. Only {@code Runtime.halt} or SIGKILL can lose the last
 * bytes.
 */
public final class StderrFilter {
  /** How long {@link #uninstall} waits for the copying thread to write what it has read, in milliseconds. */
  static final int DRAIN_TIMEOUT_MILLIS = 5000;

  private static volatile boolean installed;
  private static boolean hookRegistered;

  private StderrFilter() {}

  /**
   * Installs the filter for the rest of the process, dropping absl lines below {@code level} (as
   * {@code TF_CPP_MIN_LOG_LEVEL} means it; above 3 is 3). Returns whether it is installed: idempotent, once per
   * process (after {@link #uninstall} it stays off, false), and false with fd 2 untouched if a step fails.
   *
   * @throws IllegalArgumentException if {@code level < 1}, which drops nothing
   * @throws UnsupportedOperationException where matcomp's native library is not available
   * @throws IllegalStateException if the library cannot be loaded
   */
  public static synchronized boolean install(int level) {
    if (level < 1) {
      throw new IllegalArgumentException("a stderr filter at level " + level + " would drop nothing; install it at 1"
          + " (INFO) to 3 (INFO, WARNING and ERROR)");
    }
    NativeLoader.load();
    if (!nInstall(level)) {
      return false;
    }
    installed = true;
    if (!hookRegistered) {
      Runtime.getRuntime().addShutdownHook(new Thread(StderrFilter::uninstall, "matcomp-stderr-filter"));
      hookRegistered = true;
    }
    return true;
  }

  /**
   * Puts the real stderr back on fd 2 and waits (at most {@value #DRAIN_TIMEOUT_MILLIS} ms) until everything written
   * through the filter is out. Returns whether it is; true if the filter was never installed. Idempotent.
   */
  public static boolean uninstall() {
    if (!installed) {
      return true;
    }
    System.err.flush();
    return nUninstall(DRAIN_TIMEOUT_MILLIS);
  }

  /** Whether {@link #install} has succeeded in this process. */
  public static boolean isInstalled() {
    return installed;
  }

  /**
   * The native filter run over {@code chunks} as if each were one read from the pipe, without touching fd 2; for
   * tests. Element {@code i} of the result is what it passed on right after chunk {@code i}, the last element what it
   * passed on at the end of the stream.
   */
  static byte[][] filter(byte[][] chunks, int level) {
    NativeLoader.load();
    return nFilter(chunks, level);
  }

  private static native boolean nInstall(int level);

  private static native boolean nUninstall(int timeoutMillis);

  private static native byte[][] nFilter(byte[][] chunks, int level);
}
