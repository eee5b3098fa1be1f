package org.matcomp.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.matcomp.savedmodel.CompressOptions;
import org.matcomp.savedmodel.CompressReport;
import org.matcomp.savedmodel.SavedModelCompressor;
import org.matcomp.savedmodel.autoplan.AutoPlanOptions;
import org.matcomp.savedmodel.autoplan.AutoPlanResult;
import org.matcomp.savedmodel.autoplan.AutoPlanner;
import org.matcomp.savedmodel.finetune.Loss;
import org.matcomp.spec.CompressionSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code matcomp compress MODEL_DIR OUT_DIR}: post-hoc compression of a SavedModel's weight matrices. */
@Command(name = "compress", mixinStandardHelpOptions = true,
    description = "Compress the weight matrices of a SavedModel (TF1 graph or TF2/Keras) without retraining and"
        + " export a SavedModel that serves with stock TensorFlow ops. MODEL_DIR is only read.")
final class CompressCommand implements Callable<Integer> {
  @Spec
  CommandSpec commandSpec;

  @Parameters(index = "0", paramLabel = "MODEL_DIR", description = "SavedModel directory (only read)")
  Path modelDir;

  @Parameters(index = "1", paramLabel = "OUT_DIR", description = "where to write the compressed SavedModel")
  Path outDir;

  @Mixin
  SpecOptions specOptions = new SpecOptions();

  @Option(names = "--layers", description = "regex searched in variable names; every matrix it matches must compress"
      + " (default: all weight matrices, best effort)")
  String layers;

  @Option(names = "--energy", defaultValue = "0.95",
      description = "low-rank without --rank: keep this share of each matrix's spectral energy (default: ${DEFAULT-VALUE})")
  double energy;

  @Option(names = "--verify", description = "run every signature on 64 random samples before and after and report"
      + " the differences (a 4-sample check always runs)")
  boolean verify;

  @Option(names = "--inputs", paramLabel = "FILE.npy|DIR", description = "examples fed to both models beside the"
      + " random ones, as the signature takes them (scaled as in training): one .npy for a single-input signature,"
      + " or a directory of <input>.npy")
  Path inputs;

  @Option(names = "--labels", paramLabel = "FILE.npy", description = "a 1-D integer .npy, the class of each example"
      + " of --inputs: report the accuracy (arg-max of the classifier output) before and after")
  Path labels;

  @Option(names = "--plan", paramLabel = "PLAN.json", description = "per-layer methods and settings: a JSON list of"
      + " {\"layers\": REGEX, \"method\": NAME, settings...}, first match wins, unmatched matrices stay dense (inspect"
      + " --json writes one to edit); replaces --method, its flags and --layers")
  Path plan;

  @Option(names = "--target-ratio", paramLabel = "R", description = "find a per-layer plan making the weight"
      + " matrices R times smaller with the least loss on --eval (needs --eval; replaces --method and --plan)")
  Double targetRatio;

  @Option(names = "--eval", paramLabel = "DATA", description = "with --target-ratio: labelled evaluation data, a .npz"
      + " or a directory of <input>.npy and labels.npy, as finetune's --eval")
  Path eval;

  @Option(names = "--max-drop", defaultValue = "1.0", description = "with --target-ratio: the largest metric drop"
      + " allowed (accuracy points; for --loss mse, percent of the error) (default: ${DEFAULT-VALUE})")
  double maxDrop;

  @Option(names = "--loss", defaultValue = "sparse-categorical", description = "with --target-ratio: what the labels"
      + " of --eval are: sparse-categorical (class indices), categorical (one-hot) or mse (default: ${DEFAULT-VALUE})")
  String loss;

  @Option(names = "--output", description = "with --target-ratio: the signature output the labels are for (default:"
      + " its only output)")
  String output;

  @Option(names = "--seed", description = "seed of the method's random choices (default: 42)")
  Long seed;

  @Mixin
  ModelOutputOptions outputOptions = new ModelOutputOptions();

  @Override
  public Integer call() throws Exception {
    if (labels != null && inputs == null) {
      throw new IllegalArgumentException("--labels " + labels + " needs --inputs: the labels name the class of each"
          + " example of the inputs");
    }
    new CommandPaths().input("MODEL_DIR", modelDir).input("--inputs", inputs).input("--labels", labels)
        .input("--plan", plan).input("--eval", eval)
        .outputDir("OUT_DIR", outDir).outputFile("--json", outputOptions.jsonFile()).check();
    specOptions.requireNotAlsoInSpec("--seed", seed, "seed");
    CompressionSpec spec = specOptions.spec(CompressionSpec.builder().name("compress").seed(seed == null ? 42 : seed),
        Map.of());
    CompressOptions o = CompressOptions.of(modelDir, outDir, spec).withTag(outputOptions.tag)
        .withForce(outputOptions.force).withVerify(verify)
        .withInputs(Optional.ofNullable(inputs)).withLabels(Optional.ofNullable(labels))
        .withServingForm(outputOptions.servingForm())
        .withSparseExecution(outputOptions.sparseExecution());
    if (layers != null) {
      o = o.withLayers(layers);
    }
    AutoPlanResult auto = null;
    if (targetRatio != null) {
      if (eval == null) {
        throw new IllegalArgumentException("--target-ratio " + targetRatio + " needs --eval DATA: labelled examples to"
            + " measure each matrix's sensitivity on");
      }
      if (plan != null || layers != null) {
        throw new IllegalArgumentException("--target-ratio makes the plan; drop " + (plan != null ? "--plan" : "--layers"));
      }
      specOptions.refuseAlongside("--target-ratio", commandSpec);
      AutoPlanOptions a = AutoPlanOptions.of(targetRatio, maxDrop, eval).withLoss(Loss.Kind.parse(loss))
          .withOutput(Optional.ofNullable(output));
      auto = AutoPlanner.plan(o, a, line -> { });
      o = o.withPlan(auto.plan()).withRankByEnergy(energy);
    } else if (eval != null) {
      throw new IllegalArgumentException("--eval " + eval + " is for --target-ratio (compare accuracy with --inputs"
          + " and --labels)");
    } else if (plan != null) {
      specOptions.refuseAlongside("--plan", commandSpec);
      if (layers != null) {
        throw new IllegalArgumentException("--plan and --layers both select matrices; put the regex in the plan");
      }
      o = o.withPlan(PlanFile.read(plan, spec)).withRankByEnergy(energy);
    } else if (specOptions.rank == null && !specOptions.hparamsSetRank()) {
      o = o.withRankByEnergy(energy); // no rank given: low-rank picks one per matrix
    }
    CompressReport report = SavedModelCompressor.run(o);
    if (auto != null) {
      report = report.withNotes(java.util.List.of(auto.summary()));
    }
    outputOptions.report(commandSpec, report.toText(), report.toJson());
    return 0;
  }
}
