package org.matcomp.experiments;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.matcomp.compressor.Method;
import org.matcomp.demo.DensePrefix;
import org.matcomp.operator.CompressionReport;
import org.matcomp.operator.ScheduleForecast;
import org.matcomp.report.SweepPlot;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.spec.Methods;
import org.matcomp.spec.UpdateOption;

/**
 * Runs the grid of an experiment — the dense model and each method at each target ratio, the same seed and steps
 * for all — skipping runs {@code results.json} already holds, and writes {@code results.json}, one PNG per model
 * (metric against compression ratio, a line per method) and {@code results.md}.
 */
public final class Experiments {
  /** One run of the grid: a method (none for the dense model) at a target ratio, with the setting that reaches it. */
  private record Run(ExperimentModel model, String method, double targetRatio, Optional<CompressionSpec> spec,
      String setting) {
    String key() {
      return method.equals("none") ? model.name() + "/none"
          : model.name() + "/" + method + "/" + SizeForRatio.fmt(targetRatio) + "x";
    }
  }

  private final Path dir;
  private final List<ExperimentModel> models;
  private final List<Run> grid = new ArrayList<>();
  private final PrintWriter log;

  /**
   * Plans the grid; every setting is sized before anything trains. {@code methods} empty means each model's own;
   * a method a model does not compare, or (with {@code ratiosGiven}) a ratio a method cannot reach, is refused;
   * without it such a default point is left out, said in one line.
   */
  public Experiments(Path dir, List<ExperimentModel> models, List<String> methods, List<Double> ratios, boolean ratiosGiven,
      PrintWriter log) {
    this.dir = dir;
    this.models = List.copyOf(models);
    this.log = log;
    for (ExperimentModel model : models) {
      List<String> own = methods.isEmpty() ? model.methods() : methods;
      for (String method : own) {
        if (!model.methods().contains(method)) {
          throw new IllegalArgumentException("--methods " + method + " is not compared on " + model.name()
              + "; it compares " + String.join(", ", model.methods()));
        }
      }
      grid.add(new Run(model, "none", 1, Optional.empty(), "dense"));
      for (String method : own) {
        CompressionSpec base = baseSpec(model, Methods.byName(method));
        for (double target : ratios) {
          SizeForRatio.Setting setting;
          try {
            setting = SizeForRatio.find(method, target, model.matrices(), base);
          } catch (IllegalArgumentException e) {
            if (ratiosGiven) {
              throw e;
            }
            log.println("left out: " + e.getMessage().replace(": choose other --ratios", ""));
            continue;
          }
          CompressionSpec spec = base.withHparams(setting.describe());
          ScheduleForecast forecast = ScheduleForecast.of(spec, model.steps());
          if (!forecast.complete()) {
            throw new IllegalArgumentException(model.name() + " runs of " + model.steps() + " steps are too short"
                + " for " + method + "'s schedule: " + forecast.description() + "; give them more steps");
          }
          grid.add(new Run(model, method, target, Optional.of(spec), setting.describe()));
        }
      }
    }
  }

  /**
   * The spec of every run of {@code method}: compression begins after the dense prefix; 20 host updates take α from
   * 1 to 0 over the first tenth of the remaining steps (pruning ramps its sparsity over the first half), then the
   * compressed model trains on. The method's size comes from {@link SizeForRatio}.
   */
  static CompressionSpec baseSpec(ExperimentModel model, Method method) {
    long begin = model.prefixSteps();
    long remaining = model.steps() - begin;
    Map<String, String> hparams = new LinkedHashMap<>(method.trainingDefaults(model.steps()));
    if (method.name().equals("prune")) {
      hparams.put("begin_pruning_step", Long.toString(begin));
      hparams.put("sparsity_function_begin_step", Long.toString(begin));
      hparams.put("sparsity_function_end_step", Long.toString(begin + remaining / 2));
      hparams.put("pruning_frequency", Long.toString(Math.max(1, remaining / 100)));
    }
    CompressionSpec spec = CompressionSpec.builder().name("experiment_" + method.identifier())
        .beginCompressionStep(begin).endCompressionStep(-1)
        .compressionFrequency(Math.max(1, remaining / 200)).alphaDecrementValue(0.05)
        .updateOption(UpdateOption.HOST).seed(model.seed()).method(method).build();
    return hparams.isEmpty() ? spec : spec.withHparams(hparams.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")));
  }

  /** Runs what is missing, then writes the plots and the table; returns the table. */
  public String run(boolean progress) throws IOException {
    ResultsFile results = ResultsFile.open(dir.resolve("results.json"));
    for (ExperimentModel model : models) {
      results.requireSettings(model.name(), model.settings());
    }
    results.write();
    long start = System.nanoTime();
    int done = 0;
    for (Run run : grid) {
      done++;
      String head = String.format(Locale.ROOT, "[%d/%d] %s (%s)", done, grid.size(), run.key(), run.setting());
      if (results.run(run.key()).isPresent()) {
        log.println(head + ": done in an earlier run");
        log.flush();
        continue;
      }
      log.println(head + ": training " + run.model().steps() + " steps");
      log.flush();
      DensePrefix prefix = new DensePrefix(dir.resolve(run.model().name() + "-dense-prefix"),
          run.model().prefixSteps());
      RunResult r = run.model().run(run.spec(), prefix, progress);
      results.add(run.key(), json(run, r));
      log.println(String.format(Locale.ROOT, "%s: %s %.4f at %.2f× in %.0f s", head, run.model().metricName(),
          r.metric(), r.ratio(), r.seconds()));
      log.flush();
    }
    for (ExperimentModel model : models) {
      plot(model, results);
    }
    String table = ResultsTable.markdown(results.runs().values());
    java.nio.file.Files.writeString(dir.resolve("results.md"), table);
    log.println(String.format(Locale.ROOT, "wrote %s, %s and results.md in %s (%.0f s this time)",
        dir.resolve("results.json"), models.stream().map(m -> m.name() + ".png").collect(Collectors.joining(", ")),
        dir, (System.nanoTime() - start) / 1e9));
    log.flush();
    return table;
  }

  private void plot(ExperimentModel model, ResultsFile results) throws IOException {
    List<SweepPlot.Point> points = new ArrayList<>();
    for (JsonObject r : results.runs().values()) {
      if (r.get("model").getAsString().equals(model.name())) {
        points.add(new SweepPlot.Point(r.get("method").getAsString(), r.get("setting").getAsString(),
            r.get("ratio").getAsDouble(), r.get("metric").getAsDouble()));
      }
    }
    if (!points.isEmpty()) {
      SweepPlot.write(dir.resolve(model.name() + ".png"), model.title(), model.metricName(), points);
    }
  }

  private static JsonObject json(Run run, RunResult r) {
    JsonObject o = new JsonObject();
    o.addProperty("key", run.key());
    o.addProperty("model", run.model().name());
    o.addProperty("method", run.method());
    o.addProperty("target_ratio", run.targetRatio());
    o.addProperty("setting", run.setting());
    o.addProperty("spec", run.spec().map(CompressionSpec::toHparamString).orElse(""));
    o.addProperty("ratio", r.ratio());
    o.addProperty("metric_name", run.model().metricName());
    o.addProperty("metric", r.metric());
    if (!Double.isNaN(r.metricBeforeCompression())) {
      o.addProperty("before_compression_name", run.model().snapshotMetricName());
      o.addProperty("before_compression", r.metricBeforeCompression());
    }
    o.addProperty("seconds", r.seconds());
    JsonArray matrices = new JsonArray();
    for (CompressionReport.Entry e : r.report().matrices()) {
      JsonObject m = new JsonObject();
      m.addProperty("name", e.name());
      m.addProperty("method", e.method());
      m.addProperty("bytes_before", e.size().denseBytes());
      m.addProperty("bytes_after", e.size().compressedBytes());
      matrices.add(m);
    }
    o.add("matrices", matrices);
    return o;
  }
}
