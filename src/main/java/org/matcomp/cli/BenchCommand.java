package org.matcomp.cli;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.matcomp.bench.DictionaryBenchmark;
import org.matcomp.bench.HostCallbackBenchmark;
import org.matcomp.bench.OmpBenchmark;
import org.matcomp.bench.OperatorBenchmark;
import org.matcomp.bench.PruneBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code matcomp bench NAME --json FILE}: benchmarks that print and write JSON, kept apart from tests. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Run a benchmark and write its JSON: operator, hostcallback, prune, omp, dictionary")
final class BenchCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "operator, hostcallback, prune, omp, dictionary")
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

  @Option(names = "--runs", defaultValue = "10", description = "timed runs per measurement (median reported)")
  int runs;

  @Override
  public Integer call() throws Exception {
    JsonObject result = switch (name) {
      case "operator" -> withCallbackOverhead(OperatorBenchmark.run(size, batch, rank, runs));
      case "hostcallback" -> HostCallbackBenchmark.run();
      case "prune" -> PruneBenchmark.run(workDir());
      case "omp" -> OmpBenchmark.run(workDir());
      case "dictionary" -> DictionaryBenchmark.run(workDir());
      default -> throw new IllegalArgumentException(
          "unknown benchmark '" + name + "'; available: operator, hostcallback, prune, omp, dictionary");
    };
    result.addProperty("benchmark", name);
    System.out.println(JsonOutput.toJson(result));
    if (json != null) {
      JsonOutput.write(json, result);
    }
    return 0;
  }

  /** The in-graph update path's cost per host call, reported beside the operator's step ratios. */
  private static JsonObject withCallbackOverhead(JsonObject operator) {
    JsonObject cb = HostCallbackBenchmark.run();
    for (String field : new String[] {"callback_overhead_us_1kb", "callback_overhead_us_4mb"}) {
      if (cb.has(field)) {
        operator.add(field, cb.get(field));
      }
    }
    return operator;
  }

  private Path workDir() throws java.io.IOException {
    return workDir != null ? java.nio.file.Files.createDirectories(workDir)
        : java.nio.file.Files.createTempDirectory("matcomp-bench");
  }
}
