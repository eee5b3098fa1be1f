package org.matcomp.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.matcomp.compressor.CompressedSize;
import org.matcomp.compressor.MatrixCompressor;
import org.matcomp.demo.data.FashionMnist;
import org.matcomp.demo.data.PennTreebank;
import org.matcomp.operator.CompressionReport;
import org.matcomp.operator.Phase;
import org.matcomp.operator.ScheduleForecast;
import org.matcomp.report.SweepPlot;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.spec.LayerPattern;
import org.matcomp.spec.UpdateOption;
import org.matcomp.cluster.Replica;
import org.matcomp.demo.ClassifierTraining;
import org.matcomp.demo.LanguageModelConfig;
import org.matcomp.demo.LanguageModelResult;
import org.matcomp.demo.LanguageModelTraining;
import org.matcomp.demo.LstmConfig;
import org.matcomp.demo.LstmResult;
import org.matcomp.demo.LstmTraining;
import org.matcomp.demo.ServingExport;
import org.matcomp.demo.TrainConfig;
import org.matcomp.demo.TrainResult;
import org.matcomp.demo.model.ClassifierArchitecture;
import org.matcomp.demo.model.Cnn;
import org.matcomp.demo.model.LstmLanguageModel;
import org.matcomp.demo.model.Mlp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import org.matcomp.spec.Methods;

/** {@code matcomp train}: train a model with its weight matrices compressed, evaluate it, report sizes. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train a model in TF Java with its weight matrices compressed during training: a Fashion-MNIST"
        + " MLP (hidden layers compressed) or a PTB n-gram language model (embedding table compressed).")
final class TrainCommand implements Callable<Integer> {
  @Option(names = "--dataset", description = "fashion-mnist (for mlp, default) or ptb (for ptb-lm, default)")
  String dataset;

  @Option(names = "--data-dir", description = "data directory (default: /usr/share/datasets/fashion-mnist for "
      + "fashion-mnist, ../shared/testdata/data/ptb for ptb)")
  Path dataDir;

  @Option(names = "--model", defaultValue = "mlp",
      description = "mlp (Fashion-MNIST classifier) or ptb-lm (n-gram language model, embedding compressed)")
  String model;

  @Mixin
  SpecOptions specOptions = new SpecOptions();

  @Spec
  CommandSpec commandSpec;

  @Option(names = "--hidden", split = ",", description = "hidden sizes (mlp default 512,256; ptb-lm default 256)")
  int[] hidden;

  @Option(names = "--steps", description = "training steps (default: mlp 6000, ptb-lm 4000)")
  Long steps;

  @Option(names = "--context", defaultValue = "4", description = "ptb-lm: words of context")
  int context;

  @Option(names = "--embedding-dim", defaultValue = "64", description = "ptb-lm: embedding width")
  int embeddingDim;

  @Option(names = "--epochs", defaultValue = "13", description = "ptb-lstm: epochs (the reference's 13; the"
      + " learning rate halves after each from the fourth)")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "128", description = "mlp, cnn, ptb-lm (ptb-lstm: the reference's"
      + " 20)")
  int batchSize;

  @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate (mlp, cnn, ptb-lm)")
  float learningRate;

  @Option(names = "--layers",
      description = "regex searched in the layer names (mlp: dense1, dense2, ..., logits; cnn: fc1, fc2, logits;"
          + " ptb-lm: embedding; ptb-lstm: embedding, lstm1, lstm2, softmax), which must match at least one;"
          + " default: the mlp's hidden layers, the cnn's fully connected ones, the LMs' embedding (ptb-lstm: all)")
  String layers;

  @Option(names = "--seed", description = "seed of the weights, batches and the method's random choices (default: 1)")
  Long seed;

  @Option(names = "--allow-partial", description = "train even if the compression schedule cannot finish within"
      + " --steps (the report then gives the ratio of what the final model reads)")
  boolean allowPartial;

  @Option(names = "--json", description = "write the report as JSON to this file (with --sweep: sweep.json's"
      + " content); - writes it to stdout and the table to stderr")
  Path json;

  @Option(names = "--export", description = "mlp: write the trained model as a serving SavedModel (x -> logits) here;"
      + " compressed layers are exported in their compressed form only")
  Path export;

  @Option(names = "--sweep", description = "mlp: run the dense baseline and each --sweep-methods method at several "
      + "sizes; write sweep.json and sweep.png (accuracy vs compression ratio) into --sweep-dir")
  boolean sweep;

  @Option(names = "--sweep-methods", split = ",", defaultValue = "lowrank,prune",
      description = "methods of the sweep (default: ${DEFAULT-VALUE})")
  List<String> sweepMethods;

  @Option(names = "--sweep-dir", defaultValue = "sweep", description = "where the sweep writes (default: sweep/)")
  Path sweepDir;

  @Option(names = "--no-progress", description = "no progress bar")
  boolean noProgress;

  @Mixin
  ReplicaOptions replicaOptions = new ReplicaOptions();

  @Override
  public Integer call() throws Exception {
    // the LSTM trains the reference's configuration in epochs; the others in steps of their own batches
    List<String> notForModel = model.equals("ptb-lstm")
        ? List.of("--steps", "--batch-size", "--lr", "--context", "--embedding-dim")
        : List.of("--epochs");
    for (String option : notForModel) {
      if (commandSpec.commandLine().getParseResult().hasMatchedOption(option)) {
        throw new IllegalArgumentException(option + " does not apply to --model " + model + (model.equals("ptb-lstm")
            ? ": it trains --epochs of the reference's batches (20 rows of 20 words, SGD at 1 with its decay)"
            : ": --epochs is for ptb-lstm"));
      }
    }
    return switch (model) {
      case "mlp", "cnn" -> trainClassifier();
      case "ptb-lm" -> trainLanguageModel();
      case "ptb-lstm" -> trainLstm();
      default -> throw new IllegalArgumentException("--model " + model
          + " is not supported; use mlp, cnn, ptb-lm or ptb-lstm");
    };
  }

  private int trainClassifier() throws Exception {
    requireDataset("fashion-mnist");
    if (model.equals("cnn") && hidden != null) {
      throw new IllegalArgumentException("--hidden sizes the mlp; the cnn's layers are fixed (384 and 192, as the"
          + " reference's)");
    }
    Replica replica = replicaOptions.replica();
    if (sweep && !model.equals("mlp")) {
      throw new IllegalArgumentException("--sweep is for --model mlp; `matcomp experiments` runs the cnn's");
    }
    if (replica != null && sweep) {
      throw new IllegalArgumentException("--cluster trains one model; it does not go with --sweep");
    }
    long n = steps == null ? 6000 : steps;
    Path dataPath = dataDir == null ? FashionMnist.DEFAULT_DIR : dataDir;
    CommandPaths paths = new CommandPaths().input("--data-dir", dataPath).outputDir("--export", export);
    if (sweep) {
      paths.outputFile("--sweep-dir", sweepDir.resolve("sweep.json")).outputFile("--sweep-dir",
          sweepDir.resolve("sweep.png"));
    }
    paths.outputFile("--json", JsonOutput.file(json)).check();
    if (export != null) {
      if (sweep) {
        throw new IllegalArgumentException("--export writes one model; it does not go with --sweep");
      }
      ServingExport.checkTarget(export);
    }
    Map<String, int[]> kernels = architecture().matrixKernels(); // each layer's kernel, rows x cols
    List<String> layerNames = List.copyOf(kernels.keySet());
    for (SpecOptions o : sweep ? sweepSettings() : List.of(specOptions)) {
      checkPlan(o, n, layerNames);
      checkSizes(o, n, kernels);
    }
    FashionMnist data = InputFiles.read(() -> FashionMnist.load(dataPath));
    if (sweep) {
      return sweep(data, n);
    }
    TrainResult r;
    if (replica == null) {
      r = runMlp(specOptions, n, data);
    } else {
      // every replica checks the same flags; only the chief reports and exports
      Optional<TrainResult> chief = runMlp(specOptions, n, data, replica.start());
      if (chief.isEmpty()) {
        return 0;
      }
      r = chief.get();
    }
    report().println(table(r));
    report().flush();
    JsonOutput.emit(commandSpec, json, toJson(r));
    return 0;
  }

  private TrainResult runMlp(SpecOptions options, long n, FashionMnist data) throws java.io.IOException {
    return runMlp(options, n, data, null).orElseThrow();
  }

  /** One run of the MLP: in this process, or as {@code replica} of a cluster (empty unless it is the chief). */
  private Optional<TrainResult> runMlp(SpecOptions options, long n, FashionMnist data, Replica replica)
      throws java.io.IOException {
    Optional<CompressionSpec> spec = options.method() == Methods.NONE
        ? Optional.empty()
        : Optional.of(spec(options, n));
    TrainConfig config = new TrainConfig(architecture(), n, batchSize, learningRate,
        seed(), spec, LayerPattern.compile(layers()), !noProgress, Optional.ofNullable(export), Optional.empty());
    ClassifierTraining training = new ClassifierTraining(config, data.train(), data.test(), FashionMnist.CLASSES);
    return replica == null ? Optional.of(training.run()) : training.runReplica(replica);
  }

  /**
   * Runs the dense baseline and each method at several sizes, then writes {@code sweep.json} and {@code sweep.png}
   * (test accuracy against compression ratio, one line per method) into {@code --sweep-dir}.
   */
  private int sweep(FashionMnist data, long n) throws Exception {
    List<SpecOptions> settings = sweepSettings();
    JsonArray runs = new JsonArray();
    List<SweepPlot.Point> points = new ArrayList<>();
    for (SpecOptions o : settings) {
      TrainResult r = runMlp(o, n, data);
      report().println(table(r));
      report().flush();
      JsonObject j = toJson(r);
      j.addProperty("setting", SweepSettings.describe(o));
      runs.add(j);
      points.add(new SweepPlot.Point(r.method(), SweepSettings.describe(o), r.report().total().ratio(),
          r.accuracy()));
    }
    JsonObject out = new JsonObject();
    out.addProperty("model", "mlp");
    out.addProperty("dataset", "fashion-mnist");
    out.addProperty("steps", n);
    out.add("runs", runs);
    JsonOutput.write(sweepDir.resolve("sweep.json"), out);
    SweepPlot.write(sweepDir.resolve("sweep.png"), "Fashion-MNIST MLP: test accuracy vs compression", "test accuracy",
        points);
    JsonOutput.emit(commandSpec, json, out);
    commandSpec.commandLine().getErr().println("wrote " + sweepDir.resolve("sweep.json") + " and "
        + sweepDir.resolve("sweep.png"));
    return 0;
  }

  private List<SpecOptions> sweepSettings() {
    List<SpecOptions> settings = new ArrayList<>();
    settings.add(SweepSettings.of("none"));
    for (String method : sweepMethods) {
      settings.addAll(SweepSettings.forMethod(method));
    }
    return settings;
  }

  /** The classifier {@code --model} names, for Fashion-MNIST's 28×28 images. */
  private ClassifierArchitecture architecture() {
    if (model.equals("cnn")) {
      return Cnn.architecture(FashionMnist.IMAGE_SIDE, FashionMnist.CLASSES);
    }
    int[] hiddenSizes = hidden == null ? new int[] {512, 256} : hidden;
    int[] sizes = new int[hiddenSizes.length + 2];
    sizes[0] = FashionMnist.FEATURES;
    System.arraycopy(hiddenSizes, 0, sizes, 1, hiddenSizes.length);
    sizes[sizes.length - 1] = FashionMnist.CLASSES;
    return Mlp.architecture(sizes);
  }

  /** {@code --layers}, or the model's own: the mlp's hidden layers, the cnn's fully connected ones, the LMs'. */
  private String layers() {
    if (layers != null) {
      return layers;
    }
    return switch (model) {
      case "cnn" -> "fc\\d+";
      case "ptb-lm" -> "embedding";
      case "ptb-lstm" -> LstmLanguageModel.DEFAULT_LAYERS;
      default -> "dense\\d+";
    };
  }

  private long seed() {
    return seed == null ? 1 : seed;
  }

  /**
   * Refuses, before any data is read, a run whose report would not describe its model: a {@code --layers} that
   * selects no layer (the run would silently train a dense model), and a schedule that cannot finish within the
   * steps (the model would still read A) — unless {@code --allow-partial}, which trains anyway and says so loudly.
   * An export of a run that would end mid-blend is refused even then: it would hold A and its factors, more than
   * the dense model.
   */
  private void checkPlan(SpecOptions options, long n, List<String> layerNames) {
    if (options.method() == Methods.NONE) {
      return;
    }
    LayerPattern.select(LayerPattern.compile(layers()), layerNames, name -> name);
    options.requireNotAlsoInSpec("--seed", seed, "seed");
    CompressionSpec spec = spec(options, n);
    ScheduleForecast f = ScheduleForecast.of(spec, n);
    if (f.complete()) {
      return;
    }
    String fix = f.stepsNeeded() > 0 ? "raise --steps to at least " + f.stepsNeeded() + " or shorten the schedule"
        + " with --spec" : "change the schedule with --spec";
    if (!allowPartial) {
      throw new IllegalArgumentException("--steps " + n + " is too short for the compression schedule: "
          + f.description() + "; " + fix + ", or pass --allow-partial to train anyway");
    }
    if (export != null && f.finalPhase() == Phase.BLENDING) {
      throw new IllegalArgumentException("--export of a run that ends mid-blend would hold A and its factors, more"
          + " than the dense model: " + f.description() + "; " + fix);
    }
    commandSpec.commandLine().getErr().println("WARNING: --allow-partial: " + f.description() + "; the report gives the ratio of what the"
        + " final model reads (" + f.finalPhase().name().toLowerCase() + "), not the method's");
  }

  /**
   * A selected kernel the setting would store in no fewer bytes than dense: with {@code --layers} given, the run is
   * refused; by default it is left dense, said in one line (the training leaves it so too).
   */
  private void checkSizes(SpecOptions options, long n, Map<String, int[]> kernels) {
    checkSizes(options, n, kernels, "_kernel");
  }

  /** As {@link #checkSizes(SpecOptions, long, Map)}, each matrix named its layer's name and {@code suffix}. */
  private void checkSizes(SpecOptions options, long n, Map<String, int[]> kernels, String suffix) {
    if (options.method() == Methods.NONE) {
      return;
    }
    MatrixCompressor compressor = spec(options, n).compressor();
    boolean named = commandSpec.commandLine().getParseResult().hasMatchedOption("--layers");
    Pattern selected = LayerPattern.compile(layers());
    kernels.forEach((layer, shape) -> {
      if (!LayerPattern.selects(selected, layer)) {
        return;
      }
      CompressedSize size = compressor.size(layer + suffix, shape[0], shape[1]);
      if (!size.savesNothing()) {
        return;
      }
      String why = layer + suffix + " (" + shape[0] + "x" + shape[1] + "): " + options.method().name()
          + " would store " + size.compressedBytes() + " bytes, no fewer than its " + size.denseBytes() + " dense";
      if (named) {
        throw new IllegalArgumentException(why + "; choose a smaller setting or leave it out of --layers");
      }
      commandSpec.commandLine().getErr().println(why + ": it stays dense");
    });
  }

  private int trainLanguageModel() throws Exception {
    requireDataset("ptb");
    if (replicaOptions.replica() != null) {
      throw new IllegalArgumentException("--cluster trains --model mlp; ptb-lm trains in one process");
    }
    long n = steps == null ? 4000 : steps;
    Path dataPath = dataDir == null ? PennTreebank.DEFAULT_DIR : dataDir;
    if (export != null || sweep) {
      throw new IllegalArgumentException((export != null ? "--export" : "--sweep") + " is for --model mlp");
    }
    new CommandPaths().input("--data-dir", dataPath).outputFile("--json", JsonOutput.file(json)).check();
    checkPlan(specOptions, n, List.of("embedding"));
    Optional<CompressionSpec> spec = specOptions.method() == Methods.NONE
        ? Optional.empty()
        : Optional.of(spec(specOptions, n));
    int hiddenSize = hidden == null ? 256 : hidden[0];
    LanguageModelConfig config = new LanguageModelConfig(context, embeddingDim, hiddenSize, n, batchSize,
        learningRate, seed(), spec, !noProgress);
    PennTreebank ptb = InputFiles.read(() -> PennTreebank.load(dataPath));
    LanguageModelResult r =
        new LanguageModelTraining(config, ptb.train(), ptb.valid(), ptb.vocabularySize()).run();
    CompressedSize t = r.report().matrices().get(0).size();
    report().printf("%-12s %-16s %-16s %-12s %-8s %-8s%n", "method", "valid-ppl", "ppl-before", "emb-bytes",
        "ratio", "seconds");
    report().printf("%-12s %-16.2f %-16s %-12s %-8.2f %-8.1f%n", r.method(), r.validPerplexity(),
        Double.isNaN(r.densePerplexity()) ? "-" : String.format("%.2f", r.densePerplexity()),
        t.denseBytes() + "->" + t.compressedBytes(), t.ratio(), r.seconds());
    report().flush();
    if (json != null) {
      JsonObject o = new JsonObject();
      o.addProperty("model", "ptb-lm");
      o.addProperty("method", r.method());
      o.addProperty("spec", r.spec());
      o.addProperty("valid_perplexity", r.validPerplexity());
      if (!Double.isNaN(r.densePerplexity())) {
        o.addProperty("valid_perplexity_before_compression", r.densePerplexity());
      }
      o.addProperty("embedding_bytes_before", t.denseBytes());
      o.addProperty("embedding_bytes_after", t.compressedBytes());
      o.addProperty("compression_ratio", t.ratio());
      o.addProperty("steps", r.steps());
      o.addProperty("seconds", r.seconds());
      o.addProperty("final_phase", r.finalPhase());
      o.add("matrices", matricesJson(r.report()));
      JsonOutput.emit(commandSpec, json, o);
    }
    return 0;
  }

  private int trainLstm() throws Exception {
    requireDataset("ptb");
    if (replicaOptions.replica() != null || export != null || sweep || hidden != null) {
      throw new IllegalArgumentException("--model ptb-lstm trains the reference's small configuration in one process:"
          + " --cluster, --export, --sweep and --hidden are for other models");
    }
    if (epochs <= 0) {
      throw new IllegalArgumentException("--epochs " + epochs + " must be positive");
    }
    Path dataPath = dataDir == null ? PennTreebank.DEFAULT_DIR : dataDir;
    new CommandPaths().input("--data-dir", dataPath).outputFile("--json", JsonOutput.file(json)).check();
    PennTreebank ptb = InputFiles.read(() -> PennTreebank.load(dataPath));
    LstmConfig probe = LstmConfig.small(epochs, seed(), Optional.empty(), LayerPattern.compile(layers()), false,
        Optional.empty());
    long n = LstmTraining.epochSize(ptb.train().length, probe.batchSize(), probe.unrolledSteps()) * epochs;
    checkPlan(specOptions, n, List.copyOf(LstmLanguageModel.matrixShapes(ptb.vocabularySize(), probe.units(),
        probe.layers()).keySet()));
    checkSizes(specOptions, n, LstmLanguageModel.matrixShapes(ptb.vocabularySize(), probe.units(), probe.layers()),
        "");
    Optional<CompressionSpec> spec = specOptions.method() == Methods.NONE
        ? Optional.empty()
        : Optional.of(spec(specOptions, n));
    LstmConfig config = LstmConfig.small(epochs, seed(), spec, LayerPattern.compile(layers()), !noProgress,
        Optional.empty());
    LstmResult r = new LstmTraining(config, ptb.train(), ptb.valid(), ptb.test(), ptb.vocabularySize()).run();
    report().println(lstmTable(r));
    report().flush();
    JsonOutput.emit(commandSpec, json, lstmJson(r));
    return 0;
  }

  static String lstmTable(LstmResult r) {
    CompressedSize t = r.report().total();
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%-12s %-10s %-10s %-12s %-22s %-8s %-8s%n", "method", "test-ppl", "valid-ppl",
        "ppl-before", "bytes", "ratio", "seconds"));
    sb.append(String.format("%-12s %-10.2f %-10.2f %-12s %-22s %-8.2f %-8.1f%n", r.method(), r.testPerplexity(),
        r.validPerplexity(), Double.isNaN(r.densePerplexity()) ? "-" : String.format("%.2f", r.densePerplexity()),
        t.denseBytes() + "->" + t.compressedBytes(), t.ratio(), r.seconds()));
    appendMatrices(sb, r.report(), r.spec());
    return sb.toString();
  }

  /** A line per matrix (name, shape, method, bytes, ratio), then the spec if there is one. */
  private static void appendMatrices(StringBuilder sb, CompressionReport report, String spec) {
    for (CompressionReport.Entry e : report.matrices()) {
      sb.append(String.format("  %-16s %5dx%-5d %-10s %9d -> %-9d bytes  %.2fx%n", e.name(), e.rows(), e.cols(),
          e.method(), e.size().denseBytes(), e.size().compressedBytes(), e.size().ratio()));
    }
    if (!spec.isEmpty()) {
      sb.append("  spec: ").append(spec).append('\n');
    }
  }

  static JsonObject lstmJson(LstmResult r) {
    CompressedSize t = r.report().total();
    JsonObject o = new JsonObject();
    o.addProperty("model", "ptb-lstm");
    o.addProperty("method", r.method());
    o.addProperty("spec", r.spec());
    o.addProperty("test_perplexity", r.testPerplexity());
    o.addProperty("valid_perplexity", r.validPerplexity());
    if (!Double.isNaN(r.densePerplexity())) {
      o.addProperty("valid_perplexity_before_compression", r.densePerplexity());
    }
    JsonArray perEpoch = new JsonArray();
    r.validPerEpoch().forEach(perEpoch::add);
    o.add("valid_perplexity_per_epoch", perEpoch);
    o.addProperty("dense_bytes", t.denseBytes());
    o.addProperty("compressed_bytes", t.compressedBytes());
    o.addProperty("compression_ratio", t.ratio());
    o.addProperty("steps", r.steps());
    o.addProperty("seconds", r.seconds());
    o.addProperty("final_phase", r.finalPhase());
    o.add("matrices", matricesJson(r.report()));
    return o;
  }

  /** Where the result tables go: stdout, or stderr under {@code --json -}. */
  private java.io.PrintWriter report() {
    return JsonOutput.reportWriter(commandSpec, json);
  }

  private void requireDataset(String expected) {
    if (dataset != null && !dataset.equals(expected)) {
      throw new IllegalArgumentException("--dataset " + dataset + " does not go with --model " + model
          + "; use " + expected);
    }
  }

  /**
   * The job's schedule unless {@code --spec} says otherwise: dense training for the first 40 % of the steps, then
   * 20 host updates 20 steps apart take α from 1 to 0, then the factors fine-tune. A run too short for that spaces the
   * updates closer (at most 40 % of the steps for the 20 updates), so that the default schedule always finishes.
   * Each method's training defaults come on top (low-rank's rank 48, pruning's ramp to 90 % between 20 % and 60 %
   * of the steps, ...), and the language model's own sizes on top of those; the user's --spec and flags win.
   */
  private CompressionSpec spec(SpecOptions specOptions, long steps) {
    CompressionSpec.Builder defaults = CompressionSpec.builder()
        .name("train_" + specOptions.method().identifier())
        .beginCompressionStep(Math.max(1, steps * 2 / 5))
        .endCompressionStep(-1)
        .compressionFrequency(Math.max(1, Math.min(20, steps * 2 / 5 / 20)))
        .alphaDecrementValue(0.05)
        .updateOption(UpdateOption.HOST)
        .seed(seed());
    Map<String, String> hparams = new LinkedHashMap<>(specOptions.method().trainingDefaults(steps));
    if (model.equals("ptb-lm")) {
      hparams.putAll(LanguageModelConfig.compressionDefaults(specOptions.method()));
    }
    return specOptions.spec(defaults, hparams);
  }

  static String table(TrainResult r) {
    CompressedSize t = r.report().total();
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%-12s %-10s %-12s %-14s %-10s %-10s%n", "method", "accuracy", "dense-acc", "params",
        "ratio", "seconds"));
    sb.append(String.format("%-12s %-10.4f %-12s %-14s %-10.2f %-10.1f%n", r.method(), r.accuracy(),
        Double.isNaN(r.denseAccuracy()) ? "-" : String.format("%.4f", r.denseAccuracy()),
        t.denseParams() + "->" + t.compressedParams(), t.ratio(), r.seconds()));
    appendMatrices(sb, r.report(), r.spec());
    if (!r.spec().isEmpty() && !r.finalPhase().equals("compressed")) {
      sb.append("  final phase: ").append(r.finalPhase()).append(" — the ratio is that of what this model reads, not"
          + " of the method's compressed form\n");
    }
    return sb.toString();
  }

  static JsonObject toJson(TrainResult r) {
    CompressedSize t = r.report().total();
    JsonObject o = new JsonObject();
    o.addProperty("method", r.method());
    o.addProperty("spec", r.spec());
    o.addProperty("accuracy", r.accuracy());
    if (!Double.isNaN(r.denseAccuracy())) {
      o.addProperty("accuracy_before_compression", r.denseAccuracy());
    }
    o.addProperty("dense_params", t.denseParams());
    o.addProperty("compressed_params", t.compressedParams());
    o.addProperty("dense_bytes", t.denseBytes());
    o.addProperty("compressed_bytes", t.compressedBytes());
    o.addProperty("compression_ratio", t.ratio());
    o.addProperty("bias_params", r.biasParams());
    o.addProperty("steps", r.steps());
    o.addProperty("seconds", r.seconds());
    o.addProperty("final_phase", r.finalPhase());
    o.add("matrices", matricesJson(r.report()));
    JsonArray loss = new JsonArray();
    r.lossCurve().forEach(loss::add);
    o.add("loss_every_100_steps", loss);
    return o;
  }

  static JsonArray matricesJson(CompressionReport report) {
    JsonArray ms = new JsonArray();
    for (CompressionReport.Entry e : report.matrices()) {
      JsonObject m = new JsonObject();
      m.addProperty("name", e.name());
      JsonArray shape = new JsonArray();
      shape.add(e.rows());
      shape.add(e.cols());
      m.add("shape", shape);
      m.addProperty("method", e.method());
      m.addProperty("params_before", e.size().denseParams());
      m.addProperty("params_after", e.size().compressedParams());
      m.addProperty("bytes_before", e.size().denseBytes());
      m.addProperty("bytes_after", e.size().compressedBytes());
      m.addProperty("ratio", e.size().ratio());
      ms.add(m);
    }
    return ms;
  }

}
