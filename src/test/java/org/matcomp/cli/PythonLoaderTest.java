package org.matcomp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.matcomp.io.Npy;
import org.matcomp.linalg.FloatMatrix;

/**
 * The Python side of the factor files: python-interop/load_factors.py rebuilds every method's matrix with NumPy
 * alone, and its error equals the one matcomp reported — so the .npy layout is what the README says it is.
 */
class PythonLoaderTest {
  private static final String PYTHON = "/usr/bin/python3";

  @TempDir
  Path dir;

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "lowrank|--rank 3",
      "simhash|--rank 24",
      "kmeans|--clusters 8 --block-size 1",
      "kmeans|--clusters 8 --block-size 2",
      "kmeans-prune|--clusters 8 --spec pruning_fraction=0.5",
      "prune|--sparsity 0.5",
      "prune|--sparsity 0.99",
      "dictionary|--atoms 12 --nonzeros 3 --iterations 4"})
  void numpyRebuildsWhatMatcompFactored(String method, String flags) throws Exception {
    assumeTrue(numpyAvailable(), "needs /usr/bin/python3 with numpy (apt-get install python3-numpy)");
    Random rnd = new Random(4);
    float[] v = new float[40 * 24];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    Path a = dir.resolve("A.npy");
    Npy.write(a, FloatMatrix.of(40, 24, v));
    Path out = dir.resolve("f");
    Path json = dir.resolve("r.json");
    List<String> args = new ArrayList<>(List.of("factor", "--method", method, "--input", a.toString(), "--output",
        out.toString(), "--json", json.toString()));
    args.addAll(List.of(flags.split(" ")));
    assertEquals(0, Main.commandLine().execute(args.toArray(String[]::new)));
    double reported = JsonParser.parseString(Files.readString(json)).getAsJsonObject().get("rel_error").getAsDouble();

    Process p = new ProcessBuilder(PYTHON, "python-interop/load_factors.py", out.toString(), method, "--shape", "40",
        "24", "--original", a.toString()).redirectErrorStream(true).start();
    String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    p.waitFor(60, TimeUnit.SECONDS);
    assertEquals(0, p.exitValue(), printed);
    JsonObject o = JsonParser.parseString(printed).getAsJsonObject();
    assertEquals(40, o.get("rows").getAsInt());
    assertEquals(24, o.get("cols").getAsInt());
    assertEquals(reported, o.get("rel_error").getAsDouble(), 1e-5 * Math.max(1, reported));
  }

  private static boolean numpyAvailable() {
    try {
      Process p = new ProcessBuilder(PYTHON, "-c", "import numpy").start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (Exception e) {
      return false;
    }
  }
}
