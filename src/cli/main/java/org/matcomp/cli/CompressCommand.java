package org.matcomp.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.matcomp.savedmodel.CompressOptions;
import org.matcomp.savedmodel.CompressReport;
import org.matcomp.savedmodel.SavedModelCompressor;
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
        .input("--plan", plan)
        .outputDir("OUT_DIR", outDir).outputFile("--json", outputOptions.jsonFile()).check();
    specOptions.requireNotAlsoInSpec("--seed", seed, "seed");
    CompressionSpec spec = specOptions.spec(CompressionSpec.builder().name("compress").seed(seed == null ? 42 : seed),
        Map.of());
    CompressOptions o = CompressOptions.of(modelDir, outDir, spec).withTag(outputOptions.tag)
        .withForce(outputOptions.force).withVerify(verify)
        .withInputs(Optional.ofNullable(inputs)).withLabels(Optional.ofNullable(labels));
    if (layers != null) {
      o = o.withLayers(layers);
    }
    if (plan != null) {
      specOptions.refuseAlongside("--plan", commandSpec);
      if (layers != null) {
        throw new IllegalArgumentException("--plan and --layers both select matrices; put the regex in the plan");
      }
      o = o.withPlan(PlanFile.read(plan, spec)).withRankByEnergy(energy);
    } else if (specOptions.rank == null && !specOptions.hparamsSetRank()) {
      o = o.withRankByEnergy(energy); // no rank given: low-rank picks one per matrix
    }
    CompressReport report = SavedModelCompressor.run(o);
    outputOptions.report(commandSpec, report.toText(), report.toJson());
    return 0;
  }
}
