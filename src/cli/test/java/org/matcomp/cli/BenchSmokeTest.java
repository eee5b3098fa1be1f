package org.matcomp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.matcomp.CliRequirements;

/**
 * Every benchmark runs in smoke mode ({@code bench NAME --smoke}: tiny sizes, one or two timed runs) through the CLI,
 * so that its code path cannot rot between the rare full runs; the JSON it writes must hold the fields the README and
 * the benchmark's javadoc promise, as finite numbers. A NaN or infinity (a ratio over a zero time, an error over an
 * empty matrix) reaches the file as {@code null} (JSON has neither), so a null anywhere fails the test unless the
 * benchmark documents it. The values are not judged: smoke timings measure nothing.
 */
class BenchSmokeTest {
  @TempDir
  Path dir;

  /** Runs {@code bench NAME --smoke} with its inputs in a temp dir and returns the JSON it wrote. */
  private JsonObject smoke(String name, String... extra) throws Exception {
    Path json = dir.resolve(name + ".json");
    List<String> args = new ArrayList<>(List.of("bench", name, "--smoke", "--work-dir", dir.resolve("work").toString(),
        "--json", json.toString()));
    args.addAll(List.of(extra));
    Cli.Run r = Cli.run(args.toArray(String[]::new));
    assertEquals(0, r.exit(), r.err());
    JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    assertEquals(name, o.get("benchmark").getAsString());
    assertTrue(o.get("smoke").getAsBoolean(), "a smoke result says so");
    return o;
  }

  /** Asserts that each of {@code keys} is in {@code o} as a finite number; returns {@code o}. */
  private static JsonObject finite(JsonObject o, String... keys) {
    for (String key : keys) {
      JsonElement e = o.get(key);
      assertTrue(e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber(),
          key + " is " + e + " in " + o);
      assertTrue(Double.isFinite(e.getAsDouble()), key + " = " + e);
    }
    return o;
  }

  /** Asserts that nothing in {@code e} is null except at the paths {@code allowed} matches ("models.mlp[].seconds"). */
  private static void noNulls(JsonElement e, Set<String> allowed) {
    List<String> nulls = new ArrayList<>();
    collectNulls(e, "", nulls);
    nulls.removeIf(allowed::contains);
    assertTrue(nulls.isEmpty(), "null (a NaN or infinity) at " + nulls);
  }

  private static void collectNulls(JsonElement e, String path, List<String> out) {
    if (e.isJsonNull()) {
      out.add(path);
    } else if (e.isJsonArray()) {
      e.getAsJsonArray().forEach(x -> collectNulls(x, path + "[]", out));
    } else if (e.isJsonObject()) {
      for (Map.Entry<String, JsonElement> m : e.getAsJsonObject().entrySet()) {
        collectNulls(m.getValue(), path.isEmpty() ? m.getKey() : path + "." + m.getKey(), out);
      }
    }
  }

  private static List<JsonObject> objects(JsonArray a) {
    List<JsonObject> list = new ArrayList<>();
    a.forEach(x -> list.add(x.getAsJsonObject()));
    return list;
  }

  @Test
  void operator() throws Exception {
    JsonObject o = smoke("operator");
    noNulls(o, Set.of());
    assertEquals(64, o.get("size").getAsInt());
    finite(o, "plain_step_ms", "compressed_step_ms_before_snapshot", "compressed_step_ms_blending",
        "compressed_step_ms_after_switch", "ratio_before_snapshot", "ratio_blending", "ratio_after_switch",
        "flop_ratio_after_switch", "ratio_before_snapshot_ingraph", "ratio_blending_ingraph",
        "ratio_after_switch_ingraph", "callback_overhead_us_1kb", "callback_overhead_us_4mb");
    // rank 4 of 64: (x·B)·C costs 2·4·64 of the 64·64 multiply-adds.
    assertEquals(0.125, o.get("flop_ratio_after_switch").getAsDouble(), 1e-12);
  }

  @Test
  void phasegate() throws Exception {
    JsonObject o = smoke("phasegate");
    noNulls(o, Set.of());
    finite(o, "plain_step_ms", "gated_step_ms_before_snapshot", "gated_step_ms_blending", "gated_step_ms_after_switch",
        "ratio_before_snapshot_ingraph", "ratio_blending_ingraph", "ratio_after_switch_ingraph",
        "specialised_step_ms_after_switch", "ratio_gated_vs_specialised_after_switch",
        "zero_gradient_step_ms_after_switch", "ratio_after_switch_zero_gradient", "flop_ratio_after_switch");
  }

  @Test
  void hostcallback() throws Exception {
    JsonObject o = smoke("hostcallback");
    noNulls(o, Set.of());
    for (String size : new String[] {"1kb", "4mb"}) {
      finite(o, "callback_overhead_us_" + size, "callback_forward_overhead_us_" + size,
          "tf_deep_copy_node_us_" + size, "identity_chain_run_us_" + size, "callback_chain_run_us_" + size,
          "session_run_us_identity_" + size, "session_run_us_callback_" + size);
    }
  }

  @Test
  void kmeans() throws Exception {
    CliRequirements.python();
    JsonObject o = smoke("kmeans");
    noNulls(o, Set.of());
    List<JsonObject> workloads = objects(o.getAsJsonArray("workloads"));
    assertEquals(3, workloads.size());
    for (JsonObject w : workloads) {
      finite(w, "clusters", "block_size", "our_seconds", "our_seconds_warm", "sklearn_seconds", "speedup",
          "speedup_warm", "our_rel_error", "sklearn_rel_error", "our_inertia", "sklearn_inertia");
      for (String side : new String[] {"our_rel_error", "sklearn_rel_error"}) {
        double error = w.get(side).getAsDouble();
        assertTrue(error > 0 && error < 1, side + " " + error + " in " + w);
      }
    }
  }

  @Test
  void prune() throws Exception {
    CliRequirements.python();
    JsonObject o = smoke("prune");
    noNulls(o, Set.of());
    finite(o, "java_seconds", "java_seconds_first_run", "java_compress_seconds", "java_rel_error", "numpy_seconds",
        "numpy_rel_error", "speedup_vs_numpy", "rel_error_difference");
    // Both sides keep the round(10 % of 128²) largest entries, which leaves one optimum.
    assertEquals(1638, o.get("kept").getAsInt());
    assertEquals(1638, o.get("numpy_kept").getAsInt());
    assertTrue(o.get("errors_equal").getAsBoolean(), o.toString());
  }

  @Test
  void omp() throws Exception {
    CliRequirements.python();
    JsonObject o = smoke("omp");
    noNulls(o, Set.of());
    finite(o, "seconds_first_call", "seconds_warm_median", "sklearn_orthogonal_mp_gram_seconds",
        "sklearn_sparse_encode_n_jobs2_seconds", "speedup_first_call", "speedup_warm", "rel_error",
        "sklearn_rel_error", "supports_identical_fraction", "planted_supports_recovered_fraction",
        "sklearn_planted_supports_recovered_fraction");
  }

  @Test
  void dictionary() throws Exception {
    CliRequirements.python();
    JsonObject o = smoke("dictionary");
    noNulls(o, Set.of());
    finite(o, "seconds_first_call", "seconds_warm_median", "rel_error", "sklearn_cd_seconds", "sklearn_cd_rel_error",
        "sklearn_minibatch_seconds", "sklearn_minibatch_rel_error", "speedup_vs_cd_first_call", "speedup_vs_cd_warm");
    finite(o.getAsJsonObject("large"), "rows", "seconds", "rel_error", "compression_ratio", "peak_heap_sampled_mb",
        "peak_heap_pool_peaks_mb", "heap_before_mb");
  }

  @Test
  void serve() throws Exception {
    JsonObject o = smoke("serve");
    noNulls(o, Set.of());
    List<JsonObject> models = objects(o.getAsJsonArray("models"));
    // The generated 64×64 layer, low-rank and k-means; then whichever shared models ../shared/testdata holds.
    assertTrue(models.size() >= 2, o.toString());
    assertEquals("dense_64x64_lowrank_r4", models.get(0).get("model").getAsString());
    assertEquals("dense_64x64_kmeans_k16", models.get(1).get("model").getAsString());
    assertEquals("dense_64x64_prune_0.99", models.get(2).get("model").getAsString());
    for (JsonObject m : models) {
      finite(m, "compress_seconds", "variables_disk_bytes_before", "variables_disk_bytes_after", "disk_shrink",
          "matrix_bytes_ratio", "max_abs_diff", "original_ms_batch1", "compressed_ms_batch1", "speedup_batch1",
          "original_ms_batch256", "compressed_ms_batch256", "speedup_batch256", "original_rows_per_s_batch256",
          "compressed_rows_per_s_batch256", "served_sparse");
    }
    finite(models.get(0), "flop_ratio", "speedup_over_flop_ratio_batch1", "speedup_over_flop_ratio_batch256");
  }

  @Test
  void structured() throws Exception {
    JsonObject o = smoke("structured");
    noNulls(o, Set.of());
    List<JsonObject> methods = objects(o.getAsJsonArray("methods"));
    assertEquals(List.of("input-output", "block", "mixed-block"),
        methods.stream().map(m -> m.get("method").getAsString()).collect(Collectors.toList()));
    for (JsonObject m : methods) {
      finite(m, "gaussian_fit_seconds", "gaussian_rel_error", "compressed_params", "compression_ratio",
          "structure_plus_10pct_noise_fit_seconds", "structure_plus_10pct_noise_rel_error", "dense_step_ms",
          "structured_step_ms", "step_time_ratio");
    }
  }

  /**
   * The zoo's MLP only (the CNN doubles the time to about 75 s and runs the same code), 5 fine-tuning steps. Builds
   * the zoo's MLP into target/zoo if it is not there (about 40 s once, cached).
   */
  @Test
  void tfmot() throws Exception {
    CliRequirements.python();
    CliRequirements.fashionMnist();
    JsonObject o = smoke("tfmot", "--models", "mlp");
    assertEquals(5, o.get("steps").getAsInt());
    assertEquals(Set.of("mlp"), o.getAsJsonObject("models").keySet());
    // Only fine-tuned rows have seconds; the dense and matcomp rows hold null there by design.
    noNulls(o, Set.of("models.mlp[].seconds"));
    List<JsonObject> rows = objects(o.getAsJsonObject("models").getAsJsonArray("mlp"));
    assertEquals(List.of("dense", "tfmot", "tfmot", "tfmot", "matcomp", "matcomp", "matcomp"),
        rows.stream().map(r -> r.get("tool").getAsString()).collect(Collectors.toList()));
    for (JsonObject r : rows) {
      finite(r, "accuracy", "variables_bytes", "gzipped_variables_bytes", "variables_ratio", "gzipped_ratio");
      double accuracy = r.get("accuracy").getAsDouble();
      assertTrue(accuracy > 0.1 && accuracy <= 1, "accuracy " + accuracy + " of " + r);
      if (r.get("tool").getAsString().equals("tfmot")) {
        finite(r, "seconds");
        assertEquals(5, r.get("fine_tune_steps").getAsInt());
      }
    }
    List<JsonObject> jobs = objects(o.getAsJsonArray("matcomp_jobs"));
    assertEquals(3, jobs.size());
    for (JsonObject job : jobs) {
      assertTrue(job.get("matrices_compressed").getAsInt() > 0, job.toString());
    }
  }

  /** The zoo's MLP, batch 8, two timed steps in each of the three graphs: times and ratios are there and positive. */
  @Test
  void finetune() throws Exception {
    CliRequirements.python();
    JsonObject o = smoke("finetune", "--models", "mlp");
    noNulls(o, Set.of());
    List<JsonObject> rows = objects(o.getAsJsonArray("models"));
    assertEquals(1, rows.size());
    JsonObject r = rows.get(0);
    assertEquals("mlp", r.get("model").getAsString());
    assertEquals(8, r.get("batch").getAsInt());
    finite(r, "baseline_ms", "before_snapshot_ms", "after_switch_ms", "before_snapshot_ratio", "after_switch_ratio");
    assertEquals(r.get("before_snapshot_ms").getAsDouble() / r.get("baseline_ms").getAsDouble(),
        r.get("before_snapshot_ratio").getAsDouble(), 1e-9);
  }

  @Test
  void aSmokeRunStillHonoursAnExplicitSize() throws Exception {
    JsonObject o = smoke("phasegate", "--size", "32", "--rank", "2");
    assertEquals(32, o.get("size").getAsInt());
    assertEquals(2, o.get("rank").getAsInt());
    assertEquals(8, o.get("batch").getAsInt());
  }

  @Test
  void aNonPositiveCountIsRefused() {
    Cli.run("bench", "phasegate", "--smoke", "--runs", "0")
        .refused("bench phasegate: a size, batch, rank, run or step count must be positive, got 0");
  }
}
