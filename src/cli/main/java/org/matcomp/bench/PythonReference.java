package org.matcomp.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.matcomp.python.PythonEnvironment;

/**
 * Runs a committed reference script from python-interop/ (scikit-learn, NumPy, tfmot) with the project's Python
 * environment on files a benchmark wrote, so both sides read identical inputs. Fails loudly (with the script's
 * output) rather than report a comparison that did not happen.
 */
final class PythonReference {
  private PythonReference() {}

  /**
   * Runs python-interop/{@code script} with {@code args} and parses what it prints as one JSON object (the
   * reference's timings and errors).
   */
  static JsonObject runForJson(String script, long timeoutSeconds, String... args)
      throws IOException, InterruptedException {
    String out = PythonEnvironment.locate().runChecked(Duration.ofSeconds(timeoutSeconds), command(script, args));
    return JsonParser.parseString(out.strip()).getAsJsonObject();
  }

  /** Runs python-interop/{@code script} with {@code args} within {@code timeoutSeconds}; its output is dropped. */
  static void run(String script, long timeoutSeconds, String... args) throws IOException, InterruptedException {
    PythonEnvironment.locate().runChecked(Duration.ofSeconds(timeoutSeconds), command(script, args));
  }

  private static List<String> command(String script, String... args) throws IOException {
    Path path = PythonEnvironment.locate().interopDir().resolve(script);
    if (!Files.isRegularFile(path)) {
      throw new IOException("reference script " + path + " not found");
    }
    List<String> cmd = new ArrayList<>(List.of(path.toString()));
    cmd.addAll(List.of(args));
    return cmd;
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
}
