package org.matcomp.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.matcomp.operator.Phase;
import org.matcomp.savedmodel.finetune.FineTuneListener;
import org.matcomp.cluster.Replica;
import org.matcomp.savedmodel.finetune.FineTuneOptions;
import org.matcomp.savedmodel.finetune.FineTuneReport;
import org.matcomp.savedmodel.finetune.Loss;
import org.matcomp.savedmodel.finetune.OutputForm;
import org.matcomp.savedmodel.finetune.SavedModelFineTuner;
import org.matcomp.spec.CompressionSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code matcomp finetune MODEL_DIR OUT_DIR}: compression with training on a SavedModel. */
@Command(name = "finetune", mixinStandardHelpOptions = true,
    description = "Compress the weight matrices of a SavedModel while training it on your data, on"
        + " graph_compression's schedule (the model reads A, then blends αA + (1−α)B⊗C while α falls, then trains B⊗C"
        + " alone), and export a SavedModel that serves with stock TensorFlow ops. MODEL_DIR is only read.")
final class FinetuneCommand implements Callable<Integer> {
  @Spec
  CommandSpec commandSpec;

  @Parameters(index = "0", paramLabel = "MODEL_DIR", description = "SavedModel directory (only read)")
  Path modelDir;

  @Parameters(index = "1", paramLabel = "OUT_DIR", description = "where to write the fine-tuned compressed SavedModel")
  Path outDir;

  @Mixin
  SpecOptions specOptions = new SpecOptions();

  @Option(names = "--train", required = true, paramLabel = "DATA", description = "training data: a .npz or a"
      + " directory of .npy, one array per signature input named as the input (as the signature takes it, scaled as"
      + " in training) plus 'labels'")
  Path train;

  @Option(names = "--eval", required = true, paramLabel = "DATA", description = "evaluation data, as --train")
  Path eval;

  @Option(names = "--loss", required = true, description = "sparse-categorical (integer labels), categorical"
      + " (one-hot or soft labels) or mse")
  String loss;

  @Option(names = "--output", description = "the signature output the labels are for (default: its only output)")
  String output;

  @Option(names = "--from-probabilities", description = "the output is probabilities (a softmax), not logits")
  boolean fromProbabilities;

  @Option(names = "--from-logits", description = "the output is logits (the default)")
  boolean fromLogits;

  @Option(names = "--layers", description = "regex searched in variable names; every matrix it matches must compress"
      + " (default: every weight matrix on the path that can)")
  String layers;

  @Option(names = "--plan", paramLabel = "PLAN.json", description = "per-layer methods and settings, as compress"
      + " --plan (a plan compress wrote into its OUT_DIR works); replaces --method, its flags and --layers")
  Path plan;

  @Option(names = "--steps", defaultValue = "3000", description = "training steps (default: ${DEFAULT-VALUE})")
  long steps;

  @Option(names = "--batch", defaultValue = "128", description = "mini-batch size (default: ${DEFAULT-VALUE})")
  int batch;

  @Option(names = "--learning-rate", defaultValue = "0.001", description = "Adam's learning rate (default:"
      + " ${DEFAULT-VALUE})")
  float learningRate;

  @Option(names = "--freeze-others", description = "train only the compressed weights, not the model's other"
      + " variables")
  boolean freezeOthers;

  @Option(names = "--signature", defaultValue = "serving_default", description = "the signature to train (default:"
      + " ${DEFAULT-VALUE})")
  String signature;

  @Option(names = "--seed", description = "seed of the method's random choices and the batch order (default: 42)")
  Long seed;

  @Mixin
  ModelOutputOptions outputOptions = new ModelOutputOptions();

  @Mixin
  ReplicaOptions replicaOptions = new ReplicaOptions();

  @Override
  public Integer call() throws Exception {
    Replica replica = replicaOptions.replica(); // checked here; its server starts once everything else is
    if (replica != null && !replica.isChief()) {
      return runReplica(replica);
    }
    new CommandPaths().input("MODEL_DIR", modelDir).input("--train", train).input("--eval", eval).input("--plan", plan)
        .outputDir("OUT_DIR", outDir).outputFile("--json", outputOptions.jsonFile()).check();
    FineTuneOptions o = options();
    FineTuneReport report;
    try (Progress progress = new Progress(commandSpec, steps)) {
      report = replica == null ? SavedModelFineTuner.run(o, train, eval, progress)
          : SavedModelFineTuner.runReplica(o, train, eval, progress, replica.start()).orElseThrow();
    }
    outputOptions.report(commandSpec, report.toText(), report.toJson());
    return 0;
  }

  /** The fine-tuning options the flags give (the same for every replica of a cluster). */
  private FineTuneOptions options() throws Exception {
    if (fromLogits && fromProbabilities) {
      throw new IllegalArgumentException("--from-logits and --from-probabilities contradict each other");
    }
    specOptions.requireNotAlsoInSpec("--seed", seed, "seed");
    long s = seed == null ? 42 : seed;
    CompressionSpec spec = specOptions.spec(SavedModelFineTuner.scheduleDefaults(steps).seed(s),
        plan != null ? Map.of() : specOptions.method().trainingDefaults(steps));
    FineTuneOptions o = FineTuneOptions.of(modelDir, outDir, spec,
        Loss.parse(loss, fromProbabilities ? OutputForm.PROBABILITIES : OutputForm.LOGITS))
        .withTraining(steps, batch, learningRate).withFreezeOthers(freezeOthers).withSeed(s)
        .withForce(outputOptions.force).withTag(outputOptions.tag).withSignature(signature)
        .withServingForm(outputOptions.servingForm())
        .withSparseExecution(outputOptions.sparseExecution());
    if (plan != null) {
      specOptions.refuseAlongside("--plan", commandSpec);
      if (layers != null) {
        throw new IllegalArgumentException("--plan and --layers both select matrices; put the regex in the plan");
      }
      o = o.withPlan(PlanFile.read(plan, spec, m -> m.trainingDefaults(steps)));
    }
    if (layers != null) {
      o = o.withLayers(layers);
    }
    if (output != null) {
      o = o.withOutput(output);
    }
    return o;
  }

  /** A replica that is not the chief: it trains its share and writes nothing; OUT_DIR is the chief's. */
  private Integer runReplica(Replica replica) throws Exception {
    new CommandPaths().input("MODEL_DIR", modelDir).input("--train", train).input("--eval", eval).input("--plan", plan)
        .check();
    FineTuneOptions o = options();
    try (Progress progress = new Progress(commandSpec, steps)) {
      SavedModelFineTuner.runReplica(o, train, eval, progress, replica.start());
    }
    return 0;
  }

  /** The progress bar on stderr (step, loss, phase), and each evaluation as a line of its own. */
  private static final class Progress implements FineTuneListener, AutoCloseable {
    private final CommandSpec spec;
    private final ProgressBar bar;

    Progress(CommandSpec spec, long steps) {
      this.spec = spec;
      this.bar = new ProgressBarBuilder().setTaskName("finetune").setInitialMax(steps)
          .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).continuousUpdate().build();
    }

    @Override
    public void stepped(long step, float loss, Phase phase) {
      bar.stepTo(step + 1);
      bar.setExtraMessage(String.format(" loss %.4f %s", loss, phase.name().toLowerCase()));
    }

    @Override
    public void evaluated(String what, String metricName, double metric) {
      spec.commandLine().getErr().printf("%s: %s %.4f%n", what, metricName, metric);
      spec.commandLine().getErr().flush();
    }

    @Override
    public void noted(String line) {
      spec.commandLine().getErr().println(line);
      spec.commandLine().getErr().flush();
    }

    @Override
    public void close() {
      bar.close();
    }
  }
}
