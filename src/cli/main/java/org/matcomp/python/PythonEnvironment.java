package org.matcomp.python;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The one Python interpreter matcomp runs: {@code python-interop/.venv/bin/python}, made by
 * {@code python-interop/setup-venv.sh} (Python TensorFlow at TF Java's runtime version, tf-keras, tfmot, numpy,
 * scikit-learn). Benchmarks, reference scripts and tests all find it here, so a missing environment is reported
 * once, the same way, naming the command that makes it.
 *
 * <p>{@code -Dmatcomp.python=/path/to/python} or {@code MATCOMP_PYTHON} points at another interpreter (which must have
 * the same packages); {@code -Dmatcomp.project.dir} at the checkout when the JVM does not start in its root.
 */
public final class PythonEnvironment {
  /** The command that creates the environment, as the README gives it. */
  public static final String SETUP_COMMAND = "python-interop/setup-venv.sh";

  private final Path interpreter;
  private final Path interopDir;

  private PythonEnvironment(Path interpreter, Path interopDir) {
    this.interpreter = interpreter;
    this.interopDir = interopDir;
  }

  /** Thrown when there is no usable interpreter; its message is the one line a user needs. */
  public static final class Missing extends IllegalStateException {
    Missing(String message) {
      super(message);
    }
  }

  /** The project's environment, or {@link Missing} naming the setup command. */
  public static PythonEnvironment locate() {
    Path project = Path.of(System.getProperty("matcomp.project.dir", "")).toAbsolutePath();
    Path interop = project.resolve("python-interop");
    String override = System.getProperty("matcomp.python", System.getenv("MATCOMP_PYTHON"));
    if (!Files.isDirectory(interop)) {
      throw new Missing("no python-interop/ under " + project + ": run from the matcomp checkout (or set"
          + " -Dmatcomp.project.dir)");
    }
    Path python = override != null && !override.isBlank() ? Path.of(override)
        : interop.resolve(".venv").resolve("bin").resolve("python");
    if (!Files.isExecutable(python)) {
      throw new Missing("no Python environment at " + project.relativize(python.toAbsolutePath())
          + ": run " + SETUP_COMMAND + " (Python TensorFlow 2.18, scikit-learn, tfmot in a venv, about 1 minute)");
    }
    return new PythonEnvironment(python, interop);
  }

  /** True if {@link #locate()} would succeed. */
  public static boolean available() {
    try {
      locate();
      return true;
    } catch (Missing e) {
      return false;
    }
  }

  public Path interpreter() {
    return interpreter;
  }

  /** {@code python-interop/}: the scripts, the {@code matcomp_interop} package and the zoo. */
  public Path interopDir() {
    return interopDir;
  }

  /** What a finished process printed. */
  public record Result(int exitCode, String stdout, String stderr) {
    /** The last non-blank line of standard error, for one-line failure messages. */
    public String lastErrorLine() {
      String[] lines = stderr.strip().split("\n");
      return lines.length == 0 ? "" : lines[lines.length - 1].strip();
    }
  }

  /**
   * Runs the interpreter with {@code args} (a script path or {@code -m module} first), TensorFlow's C++ logging
   * turned down, and waits at most {@code timeout}; a process that outlives it is killed and reported.
   */
  public Result run(Duration timeout, List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(interpreter.toString());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> env = pb.environment();
    env.putIfAbsent("TF_CPP_MIN_LOG_LEVEL", "2");
    env.put("PYTHONPATH", interopDir.toString());
    // both streams go to files: no pipe can fill and stall the process, and the timeout holds whatever it prints
    Path out = Files.createTempFile("matcomp-python", ".stdout");
    Path err = Files.createTempFile("matcomp-python", ".stderr");
    try {
      Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new IOException(String.join(" ", args) + " did not finish within " + timeout.toSeconds() + " s");
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** {@link #run}, requiring exit 0; a failure's message carries the command and the end of its standard error. */
  public String runChecked(Duration timeout, List<String> args) throws IOException, InterruptedException {
    Result r = run(timeout, args);
    if (r.exitCode() != 0) {
      String tail = r.stderr().strip();
      tail = tail.length() > 2000 ? "..." + tail.substring(tail.length() - 2000) : tail;
      throw new IOException("python " + String.join(" ", args) + " failed (exit " + r.exitCode() + "):\n" + tail);
    }
    return r.stdout();
  }
}
