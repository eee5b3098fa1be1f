package org.matcomp.bench;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.matcomp.python.PythonEnvironment;
import org.matcomp.savedmodel.CompressOptions;
import org.matcomp.savedmodel.CompressReport;
import org.matcomp.savedmodel.SavedModelCompressor;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.compressor.kmeans.KMeansMethod;
import org.matcomp.compressor.prune.PruneMethod;

/**
 * matcomp beside tensorflow-model-optimization on the zoo's Fashion-MNIST MLP and CNN: matcomp compresses the zoo's
 * SavedModels here (pruning to 80 % / 90 %, k-means with 16 clusters, no fine-tuning), then
 * python-interop/bench_tfmot.py runs tfmot's pruning and clustering with fine-tuning on the same trained models and
 * measures every result the same way (held-out accuracy, variables/ bytes, and those bytes ZIP-compressed).
 */
public final class TfmotBenchmark {
  /** The zoo models compared. */
  public static final List<String> MODELS = List.of("mlp", "cnn");

  private record Variant(String label, CompressionSpec spec) {}

  private static final List<Variant> VARIANTS = List.of(
      new Variant("compress --method prune --sparsity 0.8", prune(0.8)),
      new Variant("compress --method prune --sparsity 0.9", prune(0.9)),
      new Variant("compress --method kmeans --clusters 16",
          CompressionSpec.builder().name("bench").method(KMeansMethod.INSTANCE).absoluteRank(16).build()));

  private TfmotBenchmark() {}

  private static CompressionSpec prune(double sparsity) {
    return CompressionSpec.builder().name("bench").method(PruneMethod.INSTANCE)
        .methodParameter("target_sparsity", Double.toString(sparsity)).build();
  }

  /** Builds the zoo's two models if needed, compresses them, runs the tfmot side, returns both. */
  public static JsonObject run(Path workDir, Path zooDir, int steps) throws IOException, InterruptedException {
    return run(workDir, zooDir, steps, MODELS);
  }

  /**
   * As {@link #run(Path, Path, int)} on some of {@link #MODELS}; {@code steps} are tfmot's fine-tuning batches
   * (a smoke run takes a handful, which proves the path and measures nothing).
   */
  public static JsonObject run(Path workDir, Path zooDir, int steps, List<String> models)
      throws IOException, InterruptedException {
    checkArgument(!models.isEmpty() && MODELS.containsAll(models), "tfmot models %s: the benchmark has %s",
        String.join(",", models), String.join(",", MODELS));
    checkArgument(steps > 0, "tfmot fine-tuning steps=%s must be positive", steps);
    PythonEnvironment python = PythonEnvironment.locate();
    python.runChecked(Duration.ofMinutes(20), List.of(
        python.interopDir().resolve("zoo").resolve("build_zoo.py").toString(), zooDir.toString(), "--only",
        String.join(",", models)));
    Files.createDirectories(workDir);
    JsonArray ours = new JsonArray();
    for (String model : models) {
      for (Variant v : VARIANTS) {
        Path out = workDir.resolve(model + ".matcomp-" + v.label().replaceAll("[^a-z0-9.]+", "-"));
        CompressReport r = SavedModelCompressor.run(
            CompressOptions.of(zooDir.resolve(model), out, v.spec()).withRankByEnergy(0.95).withForce(true));
        JsonObject job = new JsonObject();
        job.addProperty("model", model);
        job.addProperty("variant", v.label());
        job.addProperty("dir", out.toAbsolutePath().toString());
        job.addProperty("matrices_compressed", r.matrices().stream().filter(m -> m.compressed()).count());
        job.addProperty("matrices", r.matrices().size());
        ours.add(job);
      }
    }
    Path jobs = workDir.resolve("matcomp.json");
    Files.writeString(jobs, ours.toString());
    String out = python.runChecked(Duration.ofMinutes(60), List.of(
        python.interopDir().resolve("bench_tfmot.py").toString(), "--zoo", zooDir.toAbsolutePath().toString(),
        "--work", workDir.toAbsolutePath().toString(), "--steps", Integer.toString(steps), "--matcomp",
        jobs.toAbsolutePath().toString(), "--models", String.join(",", models)));
    JsonObject result = JsonParser.parseString(out.strip()).getAsJsonObject();
    result.add("matcomp_jobs", ours);
    return result;
  }
}
