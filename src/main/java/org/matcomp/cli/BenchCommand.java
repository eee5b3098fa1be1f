package org.matcomp.cli;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.matcomp.bench.OperatorBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code matcomp bench NAME --json FILE}: benchmarks that print and write JSON, kept apart from tests. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Run a benchmark and write its JSON: operator")
final class BenchCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "operator")
  String name;

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
      case "operator" -> OperatorBenchmark.run(size, batch, rank, runs);
      default -> throw new IllegalArgumentException("unknown benchmark '" + name + "'; available: operator");
    };
    result.addProperty("benchmark", name);
    System.out.println(JsonOutput.toJson(result));
    if (json != null) {
      JsonOutput.write(json, result);
    }
    return 0;
  }
}
