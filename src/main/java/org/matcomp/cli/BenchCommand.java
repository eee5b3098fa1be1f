package org.matcomp.cli;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.matcomp.bench.DictionaryBenchmark;
import org.matcomp.bench.HostCallbackBenchmark;
import org.matcomp.bench.KMeansBenchmark;
import org.matcomp.bench.OmpBenchmark;
import org.matcomp.bench.OperatorBenchmark;
import org.matcomp.bench.PhaseGateBenchmark;
import org.matcomp.bench.PruneBenchmark;
import org.matcomp.bench.ServeBenchmark;
import org.matcomp.bench.StructuredBenchmark;
import org.matcomp.bench.TfmotBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code matcomp bench NAME --json FILE}: benchmarks that print and write JSON, kept apart from tests. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Run a benchmark and write its JSON: operator, phasegate, hostcallback, kmeans, prune, omp, dictionary, serve, structured, tfmot")
final class BenchCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "operator, phasegate, hostcallback, kmeans, prune, omp, dictionary, serve, structured, tfmot")
  String name;

  @Option(names = "--work-dir", description = "where generated inputs for side-by-side runs go (default: a temp dir)")
  Path workDir;

  @Option(names = "--json", description = "write the result to this file")
  Path json;

  @Option(names = "--size", defaultValue = "4096", description = "operator: matrix size n (n×n)")
  int size;

  @Option(names = "--batch", defaultValue = "256", description = "operator: batch size")
  int batch;

  @Option(names = "--rank", defaultValue = "64", description = "operator: low-rank rank")
  int rank;

  @Option(names = "--zoo-dir", defaultValue = "target/zoo",
      description = "tfmot: where the Python model zoo is (built there if missing; default: ${DEFAULT-VALUE})")
  Path zooDir;

  @Option(names = "--steps", defaultValue = "1000", description = "tfmot: fine-tuning batches of each tfmot variant")
  int steps;

  @Option(names = "--runs", defaultValue = "10", description = "timed runs per measurement (median reported)")
  int runs;

  @Override
  public Integer call() throws Exception {
    new CommandPaths().input("--zoo-dir", name.equals("tfmot") ? zooDir : null).outputFile("--json", json).check();
    JsonObject result = switch (name) {
      case "operator" -> withInGraph(OperatorBenchmark.run(size, batch, rank, runs));
      case "phasegate" -> PhaseGateBenchmark.run(size, batch, rank, runs);
      case "hostcallback" -> HostCallbackBenchmark.run();
      case "prune" -> PruneBenchmark.run(workDir());
      case "kmeans" -> KMeansBenchmark.run(workDir());
      case "omp" -> OmpBenchmark.run(workDir());
      case "serve" -> ServeBenchmark.run(size, rank, runs);
      case "structured" -> StructuredBenchmark.run();
      case "dictionary" -> DictionaryBenchmark.run(workDir());
      case "tfmot" -> TfmotBenchmark.run(workDir(), zooDir, steps);
      default -> throw new IllegalArgumentException(
          "unknown benchmark '" + name + "'; available: operator, phasegate, hostcallback, kmeans, prune, omp, dictionary, serve, structured, tfmot");
    };
    result.addProperty("benchmark", name);
    System.out.println(JsonOutput.toJson(result));
    if (json != null) {
      JsonOutput.write(json, result);
    }
    return 0;
  }

  /**
   * The operator's host-path ratios plus the in-graph path: the gated one-op train step's ratios and the
   * HostCallback's cost per call.
   */
  private JsonObject withInGraph(JsonObject operator) {
    JsonObject gated = PhaseGateBenchmark.run(size, batch, rank, runs);
    copy(gated, operator, "ratio_before_snapshot_ingraph", "ratio_blending_ingraph", "ratio_after_switch_ingraph");
    copy(HostCallbackBenchmark.run(), operator, "callback_overhead_us_1kb", "callback_overhead_us_4mb");
    return operator;
  }

  private static void copy(JsonObject from, JsonObject to, String... fields) {
    for (String field : fields) {
      if (from.has(field)) {
        to.add(field, from.get(field));
      }
    }
  }

  private Path workDir() throws java.io.IOException {
    return workDir != null ? java.nio.file.Files.createDirectories(workDir)
        : java.nio.file.Files.createTempDirectory("matcomp-bench");
  }
}
