package org.matcomp.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a committed scikit-learn script from python-interop/ with Debian's /usr/bin/python3 on files a benchmark
 * wrote, so both sides read identical inputs. Fails loudly (with the script's output) rather than report a
 * comparison that did not happen.
 */
final class PythonReference {
  private static final String PYTHON = "/usr/bin/python3";

  private PythonReference() {}

  /** Runs python-interop/{script} with {@code args}, from the project root, within {@code timeoutSeconds}. */
  static void run(String script, long timeoutSeconds, String... args) throws IOException, InterruptedException {
    Path path = Path.of("python-interop", script);
    if (!Files.isRegularFile(path)) {
      throw new IOException(path.toAbsolutePath() + " not found: run the benchmark from the project root");
    }
    List<String> cmd = new ArrayList<>(List.of(PYTHON, path.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(script + " did not finish within " + timeoutSeconds + " s");
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IOException(script + " failed (exit " + p.exitValue() + "); needs python3-sklearn:\n" + output);
    }
  }
}
