package org.matcomp.cli;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.matcomp.bench.ClusterBenchmark;
import org.matcomp.bench.DictionaryBenchmark;
import org.matcomp.bench.FinetuneBenchmark;
import org.matcomp.bench.HostCallbackBenchmark;
import org.matcomp.bench.KMeansBenchmark;
import org.matcomp.bench.OmpBenchmark;
import org.matcomp.bench.OperatorBenchmark;
import org.matcomp.bench.PhaseGateBenchmark;
import org.matcomp.bench.PruneBenchmark;
import org.matcomp.bench.ServeBenchmark;
import org.matcomp.bench.ServeComparison;
import org.matcomp.bench.StructuredBenchmark;
import org.matcomp.bench.TfmotBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code matcomp bench NAME --json FILE}: benchmarks that print and write JSON, kept apart from tests. {@code --smoke}
 * runs a benchmark at tiny sizes, which proves that its code path still works (the tests run every benchmark so) and
 * measures nothing.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Run a benchmark and print its JSON on stdout (and in the --json file if given): "
        + BenchCommand.NAMES)
final class BenchCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  static final String NAMES = "operator, phasegate, hostcallback, kmeans, prune, omp, dictionary, serve, structured,"
      + " tfmot, finetune, cluster";

  @Parameters(index = "0", description = NAMES)
  String name;

  @Parameters(index = "1", arity = "0..1", paramLabel = "ORIGINAL", description = "serve: your SavedModel (with"
      + " COMPRESSED: time the two side by side instead of the built-in 4096² demo)")
  Path original;

  @Parameters(index = "2", arity = "0..1", paramLabel = "COMPRESSED", description = "serve: its compressed export")
  Path compressed;

  @Option(names = "--batch-sizes", split = ",", description = "serve ORIGINAL COMPRESSED: batch sizes (default:"
      + " 1,8,64,256)")
  List<Integer> batchSizes;

  @Option(names = "--threads", description = "serve ORIGINAL COMPRESSED: TensorFlow's intra- and inter-op threads"
      + " (default: TensorFlow's)")
  Integer threads;

  @Option(names = "--xla", description = "serve ORIGINAL COMPRESSED: sessions with TF's XLA JIT on the CPU"
      + " (TF_XLA_FLAGS=--tf_xla_auto_jit=2 --tf_xla_cpu_global_jit, global jit level ON_1)")
  boolean xla;

  @Option(names = "--work-dir", description = "where generated inputs for side-by-side runs go (default: a temp dir)")
  Path workDir;

  @Option(names = "--json", description = "also write the result to this file (- : stdout only, as without --json)")
  Path json;

  @Option(names = "--smoke", description = "tiny sizes and one or two runs of everything: checks that the benchmark"
      + " runs and writes its fields, measures nothing (the JSON says \"smoke\": true)")
  boolean smoke;

  @Option(names = "--size", description = "operator, phasegate, serve: matrix size n (n×n; default 4096, --smoke 64)")
  Integer size;

  @Option(names = "--batch", description = "operator, phasegate: batch size (default 256, --smoke 8); finetune: 128")
  Integer batch;

  @Option(names = "--rank", description = "operator, phasegate, serve: low-rank rank (default 64, --smoke 4)")
  Integer rank;

  @Option(names = "--zoo-dir", defaultValue = "target/zoo",
      description = "tfmot, finetune: where the Python model zoo is (built there if missing; default:"
          + " ${DEFAULT-VALUE})")
  Path zooDir;

  @Option(names = "--models", split = ",", description = "tfmot, finetune: the zoo models to use (default: mlp,cnn)")
  List<String> models;

  @Option(names = "--steps", description = "tfmot: fine-tuning batches of each tfmot variant (default 1000, --smoke 5)")
  Integer steps;

  @Option(names = "--runs", description = "operator, phasegate, serve, finetune: timed runs per measurement, median"
      + " reported (default 10, --smoke 2)")
  Integer runs;

  @Override
  public Integer call() throws Exception {
    if (original != null && (!name.equals("serve") || compressed == null)) {
      throw new IllegalArgumentException(name.equals("serve") ? "bench serve ORIGINAL needs COMPRESSED too"
          : "bench " + name + " takes no model directories");
    }
    new CommandPaths().input("--zoo-dir", name.equals("tfmot") || name.equals("finetune") || name.equals("cluster") ? zooDir : null)
        .input("ORIGINAL", original).input("COMPRESSED", compressed)
        .outputFile("--json", JsonOutput.file(json)).check();
    int n = orDefault(size, 4096, 64);
    int b = orDefault(batch, 256, 8);
    int r = orDefault(rank, 64, 4);
    int timed = orDefault(runs, 10, 2);
    JsonObject result = switch (name) {
      case "operator" -> withInGraph(OperatorBenchmark.run(n, b, r, timed), n, b, r, timed);
      case "phasegate" -> PhaseGateBenchmark.run(n, b, r, timed);
      case "hostcallback" -> HostCallbackBenchmark.run(hostCallbackSizes());
      case "prune" -> PruneBenchmark.run(workDir(), smoke ? PruneBenchmark.Sizes.SMOKE : PruneBenchmark.Sizes.FULL);
      case "kmeans" -> KMeansBenchmark.run(workDir(), smoke ? KMeansBenchmark.Sizes.SMOKE : KMeansBenchmark.Sizes.FULL);
      case "omp" -> OmpBenchmark.run(workDir(), smoke ? OmpBenchmark.Sizes.SMOKE : OmpBenchmark.Sizes.FULL);
      case "serve" -> original == null ? ServeBenchmark.run(n, r, timed)
          : ServeComparison.run(original, compressed, batchSizes == null ? List.of(1, 8, 64, 256) : batchSizes,
              threads, xla, smoke ? 1 : 5, orDefault(runs, 50, 2));
      case "structured" ->
          StructuredBenchmark.run(smoke ? StructuredBenchmark.Sizes.SMOKE : StructuredBenchmark.Sizes.FULL);
      case "dictionary" ->
          DictionaryBenchmark.run(workDir(), smoke ? DictionaryBenchmark.Sizes.SMOKE : DictionaryBenchmark.Sizes.FULL);
      case "tfmot" -> TfmotBenchmark.run(workDir(), zooDir, orDefault(steps, 1000, 5),
          models == null ? TfmotBenchmark.MODELS : models);
      case "finetune" -> FinetuneBenchmark.run(zooDir, models == null ? List.of("mlp", "cnn") : models,
          orDefault(batch, 128, 8), timed);
      case "cluster" -> ClusterBenchmark.run(zooDir, workDir(), orDefault(steps, 1000, 40));
      default -> throw new IllegalArgumentException("unknown benchmark '" + name + "'; available: " + NAMES);
    };
    result.addProperty("benchmark", name);
    if (smoke) {
      result.addProperty("smoke", true);
    }
    spec.commandLine().getOut().println(JsonOutput.toJson(result));
    spec.commandLine().getOut().flush();
    JsonOutput.emit(spec, JsonOutput.file(json), result);
    return 0;
  }

  /** An option's value if given, else its default for a measurement or for a smoke run. */
  private int orDefault(Integer given, int measured, int smokeValue) {
    if (given != null) {
      if (given <= 0) {
        throw new IllegalArgumentException("bench " + name + ": a size, batch, rank, run or step count must be"
            + " positive, got " + given);
      }
      return given;
    }
    return smoke ? smokeValue : measured;
  }

  private HostCallbackBenchmark.Sizes hostCallbackSizes() {
    return smoke ? HostCallbackBenchmark.Sizes.SMOKE : HostCallbackBenchmark.Sizes.FULL;
  }

  /**
   * The operator's host-path ratios plus the in-graph path: the gated one-op train step's ratios and the
   * HostCallback's cost per call.
   */
  private JsonObject withInGraph(JsonObject operator, int n, int b, int r, int timed) {
    JsonObject gated = PhaseGateBenchmark.run(n, b, r, timed);
    copy(gated, operator, "ratio_before_snapshot_ingraph", "ratio_blending_ingraph", "ratio_after_switch_ingraph");
    copy(HostCallbackBenchmark.run(hostCallbackSizes()), operator, "callback_overhead_us_1kb",
        "callback_overhead_us_4mb");
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
