package org.matcomp.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.matcomp.compressor.lowrank.LowRankMethod;
import org.matcomp.python.PythonEnvironment;
import org.matcomp.savedmodel.finetune.FineTuneOptions;
import org.matcomp.savedmodel.finetune.FineTuneStepTimes;
import org.matcomp.savedmodel.finetune.Loss;
import org.matcomp.savedmodel.finetune.OutputForm;
import org.matcomp.savedmodel.finetune.SavedModelFineTuner;
import org.matcomp.spec.CompressionSpec;

/**
 * {@code bench finetune}: the step time of {@code finetune}'s graph on the zoo's MLP and CNN (low rank on their
 * dense layers, as in the README's table) before the first update and after the switch, each as a ratio to the
 * model's own forward and backward built the same way without compression. Goals: ≤ 1.10 before, below 1 after.
 */
public final class FinetuneBenchmark {
  /** Zoo model → (the layers compressed, the rank). */
  private static final Map<String, Map.Entry<String, Integer>> MODELS = Map.of(
      "mlp", Map.entry("dense_", 16), "cnn", Map.entry("^dense/kernel", 12));

  private FinetuneBenchmark() {}

  public static JsonObject run(Path zooDir, List<String> models, int batch, int runs)
      throws IOException, InterruptedException {
    PythonEnvironment python = PythonEnvironment.locate();
    python.runChecked(Duration.ofMinutes(20), List.of(
        python.interopDir().resolve("zoo").resolve("build_zoo.py").toString(), zooDir.toString(), "--only",
        String.join(",", models)));
    JsonArray results = new JsonArray();
    for (String model : models) {
      Map.Entry<String, Integer> setting = MODELS.get(model);
      if (setting == null) {
        throw new IllegalArgumentException("finetune benchmark models: " + MODELS.keySet() + ", not " + model);
      }
      CompressionSpec spec = SavedModelFineTuner.scheduleDefaults(3000).method(LowRankMethod.INSTANCE)
          .absoluteRank(setting.getValue()).build();
      FineTuneOptions o = FineTuneOptions.of(zooDir.resolve(model), Path.of("unused"), spec,
          Loss.parse("sparse-categorical", OutputForm.LOGITS)).withLayers(setting.getKey())
          .withTraining(3000, batch, 1e-3f);
      // the zoo's held-out set is finetune data already: pixels.npy + labels.npy
      FineTuneStepTimes t = FineTuneStepTimes.measure(o, zooDir.resolve(model + ".eval"), runs);
      JsonObject j = new JsonObject();
      j.addProperty("model", model);
      j.addProperty("method", "lowrank");
      j.addProperty("rank", setting.getValue());
      j.addProperty("layers", setting.getKey());
      j.addProperty("batch", batch);
      j.addProperty("runs", runs);
      j.addProperty("baseline_ms", t.baselineMillis());
      j.addProperty("before_snapshot_ms", t.denseMillis());
      j.addProperty("after_switch_ms", t.compressedMillis());
      j.addProperty("before_snapshot_ratio", t.denseRatio());
      j.addProperty("after_switch_ratio", t.compressedRatio());
      j.addProperty("goal_before_snapshot", "<= 1.10");
      j.addProperty("goal_after_switch", "< 1");
      results.add(j);
    }
    JsonObject out = new JsonObject();
    out.add("models", results);
    return out;
  }
}
