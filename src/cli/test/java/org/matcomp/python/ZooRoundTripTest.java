package org.matcomp.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.matcomp.cli.Main;
import picocli.CommandLine;
import org.matcomp.CliRequirements;

/**
 * The round trip on every zoo model (Python-trained: tf-keras, Keras 3 export, tf.Module, TF1 graph) and every shared
 * Python-trained model, for every method with a SavedModel form: {@code matcomp compress} from the JVM; the output
 * loaded in a fresh TF Java process, run on fixed inputs, its outputs written as .npy; then Python TensorFlow loads
 * the same output, runs the same inputs and must agree (≤ 1e-4 of the output scale), {@code saved_model_cli show
 * --all} must read it, and the held-out metric and {@code variables/} bytes are measured before and after.
 *
 * <p>All pairs are compressed first and checked by one Python process (TensorFlow imports once); each pair is then
 * its own test. The results go to {@code target/zoo-roundtrip/results.json}, which
 * {@code python-interop/zoo/readme_tables.py} turns into the README's coverage table.
 */
class ZooRoundTripTest {
  static final Path WORK = Path.of("target", "zoo-roundtrip");
  static final Path SHARED = Path.of("..", "shared", "testdata", "savedmodels");
  static final List<String> SHARED_MODELS = List.of("keras_mnist_mlp_tf2.11", "tf1_mnist_cnn_tf1.9",
      "keras_taxifare_embedding_tf2.12");

  /** Every method with a SavedModel form, at the settings the README's tables use. */
  static final List<List<String>> METHODS = List.of(
      List.of("lowrank", "--rank", "16"),
      List.of("kmeans", "--clusters", "256"),
      List.of("prune", "--sparsity", "0.5"),
      List.of("dictionary", "--atoms", "64", "--nonzeros", "4"),
      List.of("int8"),
      List.of("fp16"),
      List.of("bf16"),
      List.of("prune+kmeans", "--sparsity", "0.9", "--clusters", "16", "--sparse-execution", "always"),
      List.of("lowrank+int8", "--rank", "16"),
      List.of("simhash")); // its defaults: R regenerated from the stored seed by TF's stateless random op

  /** One original × method: what compress reported, and where TF Java's inputs and outputs are. */
  record Pair(String model, String method, Path original, Path compressed, Path inputs, Path javaOutputs,
      JsonObject report, Zoo.Model zoo) {
    String label() {
      return model + " / " + method;
    }
  }

  @TestFactory
  Stream<DynamicTest> everyModelRoundTripsThroughPython() throws Exception {
    PythonEnvironment python = CliRequirements.python();
    deleteRecursively(WORK);
    Files.createDirectories(WORK);
    List<Pair> pairs = new ArrayList<>();
    for (Zoo.Model z : Zoo.models()) {
      for (List<String> method : METHODS) {
        pairs.add(compress(z.name(), z.dir(), method, z.sample(), z));
      }
    }
    for (String name : SHARED_MODELS) {
      Path inputs = WORK.resolve(name + ".inputs");
      TfJavaRun.writeRandomInputs(SHARED.resolve(name), 16, 7, inputs);
      for (List<String> method : METHODS) {
        pairs.add(compress(name, SHARED.resolve(name), method, inputs, null));
      }
    }

    List<String> triples = new ArrayList<>();
    for (Pair p : pairs) {
      triples.addAll(List.of(p.compressed().toString(), p.inputs().toString(), p.javaOutputs().toString()));
    }
    TfJavaRun.runInFreshProcess(triples);

    JsonArray jobs = new JsonArray();
    for (Pair p : pairs) {
      JsonObject j = new JsonObject();
      j.addProperty("original", p.original().toAbsolutePath().toString());
      j.addProperty("compressed", p.compressed().toAbsolutePath().toString());
      j.addProperty("inputs", p.inputs().toAbsolutePath().toString());
      j.addProperty("java_outputs", p.javaOutputs().toAbsolutePath().toString());
      if (p.zoo() != null) {
        j.addProperty("eval", p.zoo().eval().toAbsolutePath().toString());
        j.addProperty("metric", p.zoo().metric());
        j.addProperty("output", p.zoo().output());
        j.addProperty("output_kind", p.zoo().outputKind());
      }
      jobs.add(j);
    }
    Path jobsFile = WORK.resolve("jobs.json");
    Files.writeString(jobsFile, jobs.toString());
    PythonEnvironment.Result r = python.run(Duration.ofMinutes(30),
        List.of("-m", "matcomp_interop", "roundtrip", "--jobs", jobsFile.toAbsolutePath().toString()));
    assertTrue(r.stdout().strip().startsWith("["), "roundtrip printed no report: " + r.stderr());
    JsonArray checks = JsonParser.parseString(r.stdout()).getAsJsonArray();
    assertEquals(pairs.size(), checks.size());

    JsonArray results = new JsonArray();
    List<DynamicTest> tests = new ArrayList<>();
    for (int i = 0; i < pairs.size(); i++) {
      Pair p = pairs.get(i);
      JsonObject check = checks.get(i).getAsJsonObject();
      JsonObject row = new JsonObject();
      row.addProperty("model", p.model());
      row.addProperty("method", p.method());
      row.addProperty("zoo", p.zoo() != null);
      if (p.zoo() != null) {
        row.add("zoo_meta", p.zoo().meta());
      }
      row.add("compress", p.report());
      row.add("roundtrip", check);
      results.add(row);
      tests.add(DynamicTest.dynamicTest(p.label(), () -> assertRoundTrip(p, check)));
    }
    Files.writeString(WORK.resolve("results.json"), new GsonBuilder().setPrettyPrinting()
        .serializeSpecialFloatingPointValues().create().toJson(results));
    return tests.stream();
  }

  private static Pair compress(String name, Path model, List<String> method, Path inputs, Zoo.Model zoo)
      throws Exception {
    String label = method.get(0);
    Path out = WORK.resolve(name + "." + label);
    Path json = WORK.resolve(name + "." + label + ".json");
    List<String> args = new ArrayList<>(List.of("compress", model.toString(), out.toString(), "--method"));
    args.addAll(method);
    args.addAll(List.of("--inputs", inputs.toString(), "--json", json.toString()));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandLine cl = Main.commandLine();
    cl.setErr(new java.io.PrintWriter(new PrintStream(err, true, StandardCharsets.UTF_8), true));
    int exit = cl.execute(args.toArray(String[]::new));
    assertEquals(0, exit, name + " " + String.join(" ", method) + ": " + err.toString(StandardCharsets.UTF_8));
    Path javaOut = WORK.resolve(name + "." + label + ".java-outputs");
    return new Pair(name, label, model, out, inputs, javaOut, Zoo.read(json), zoo);
  }

  private static void assertRoundTrip(Pair p, JsonObject check) {
    assertFalse(check.has("error"), () -> p.label() + ": " + check.get("error"));
    JsonObject pj = check.getAsJsonObject("python_vs_java");
    assertTrue(pj.get("ok").getAsBoolean(), () -> p.label() + ": Python and TF Java differ by "
        + pj.get("max_abs_diff") + " (tolerance " + pj.get("tolerance") + ")");
    assertTrue(check.getAsJsonObject("saved_model_cli").get("ok").getAsBoolean(),
        () -> p.label() + ": saved_model_cli show --all failed: " + check.getAsJsonObject("saved_model_cli"));
    // Both sides measure the same files: compress's report and Python's count of variables/ agree to the byte.
    long after = check.getAsJsonObject("variables_bytes").get("after").getAsLong();
    assertEquals(p.report().get("variables_disk_bytes_after").getAsLong(), after, p.label());
    long before = check.getAsJsonObject("variables_bytes").get("before").getAsLong();
    assertEquals(p.report().get("variables_disk_bytes_before").getAsLong(), before, p.label());
    if (p.report().get("matrices_compressed").getAsLong() > 0) {
      assertTrue(after < before, p.label() + ": compressed matrices but variables/ did not shrink");
    }
    if (p.zoo() != null) {
      // Python scores the original exactly as the zoo did when it recorded the metric (same code, same data).
      JsonObject metric = check.getAsJsonObject("metric");
      assertEquals(p.zoo().metricValue(), metric.get("before").getAsDouble(), 1e-6 * p.zoo().metricValue(),
          p.label() + ": metric of the original");
      double metricAfter = metric.get("after").getAsDouble();
      assertTrue(Double.isFinite(metricAfter), p.label());
      // What each quantiser keeps of the held-out metric: 256 codewords (8-bit codes) within 0.5 pt of accuracy or
      // 1 % of perplexity; int8 within 0.3 pt / 1 %; fp16 within 0.1 pt / 0.2 %
      double[] allowed = switch (p.method()) {
        case "kmeans" -> new double[] {0.005, 0.01};
        case "int8" -> new double[] {0.003, 0.01};
        case "fp16" -> new double[] {0.001, 0.002};
        default -> null;
      };
      if (allowed != null) {
        double metricBefore = metric.get("before").getAsDouble();
        boolean kept = p.zoo().metric().equals("accuracy") ? metricAfter >= metricBefore - allowed[0]
            : metricAfter <= metricBefore * (1 + allowed[1]);
        assertTrue(kept, p.label() + ": " + p.zoo().metric() + " " + metricBefore + " -> " + metricAfter);
      }
    }
  }

  static void deleteRecursively(Path dir) throws java.io.IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
