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

  /**
   * Runs {@code script} with {@code args} and parses what it prints as one JSON object (the reference's timings and
   * errors); its standard error is kept for the failure message.
   */
  static com.google.gson.JsonObject runForJson(Path script, long timeoutSeconds, String... args)
      throws IOException, InterruptedException {
    if (!Files.isRegularFile(script)) {
      throw new IOException("reference script " + script.toAbsolutePath()
          + " not found; run from the project root or pass its path");
    }
    List<String> cmd = new ArrayList<>(List.of(PYTHON, script.toString()));
    cmd.addAll(List.of(args));
    Path err = Files.createTempFile("matcomp-reference", ".stderr");
    try {
      Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(script + " did not finish within " + timeoutSeconds + " s");
      }
      if (p.exitValue() != 0) {
        throw new IOException(script + " failed (exit " + p.exitValue() + "); needs python3-numpy/sklearn:\n"
            + Files.readString(err, StandardCharsets.UTF_8).strip());
      }
      return com.google.gson.JsonParser.parseString(new String(out, StandardCharsets.UTF_8).strip())
          .getAsJsonObject();
    } finally {
      Files.deleteIfExists(err);
    }
  }

  /** A row-major matrix of scale·N(0, 1) entries from {@code seed}: the generated inputs both sides read. */
  static float[] gaussian(int n, long seed, double scale) {
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
    float[] w = new float[n];
    for (int i = 0; i < n; i++) {
      w[i] = (float) (scale * rnd.nextGaussian());
    }
    return w;
  }

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
