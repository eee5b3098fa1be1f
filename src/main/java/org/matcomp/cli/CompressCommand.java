package org.matcomp.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.matcomp.data.Dataset;
import org.matcomp.data.MnistTinyText;
import org.matcomp.savedmodel.CompressOptions;
import org.matcomp.savedmodel.CompressReport;
import org.matcomp.savedmodel.SavedModelCompressor;
import org.matcomp.spec.CompressionSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code matcomp compress MODEL_DIR OUT_DIR}: post-hoc compression of a SavedModel's weight matrices. */
@Command(name = "compress", mixinStandardHelpOptions = true,
    description = "Compress the weight matrices of a SavedModel (TF1 graph or TF2/Keras) without retraining and"
        + " export a SavedModel that serves with stock TensorFlow ops. MODEL_DIR is only read.")
final class CompressCommand implements Callable<Integer> {
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

  @Option(names = "--tag", defaultValue = "serve", description = "MetaGraph tag (default: ${DEFAULT-VALUE})")
  String tag;

  @Option(names = "--verify", description = "run every signature on 64 samples before and after and report the"
      + " differences (a 4-sample check always runs)")
  boolean verify;

  @Option(names = "--inputs", description = ".npy file (single-input signatures) or directory of <input>.npy")
  Path inputs;

  @Option(names = "--labels-from", description = "labelled samples for accuracy before/after: mnist-tiny")
  String labelsFrom;

  @Option(names = "--labels-file", description = "the mnist-tiny file (default: " + "${DEFAULT-VALUE})",
      defaultValue = "../shared/testdata/data/mnist/MNIST.Test.tiny.txt")
  Path labelsFile;

  @Option(names = "--input-scale", defaultValue = "1",
      description = "multiply labelled features by this (the Keras MNIST MLP expects 0.00392156862745098 = 1/255)")
  float inputScale;

  @Option(names = "--seed", description = "seed of the method's random choices (default: 42)")
  Long seed;

  @Option(names = "--force", description = "replace an existing OUT_DIR")
  boolean force;

  @Option(names = "--json", description = "write the report as JSON to this file")
  Path json;

  @Override
  public Integer call() throws Exception {
    new CommandPaths().input("MODEL_DIR", modelDir).input("--inputs", inputs)
        .input("--labels-file", labelsFrom == null ? null : labelsFile).outputDir("OUT_DIR", outDir)
        .outputFile("--json", json).check();
    specOptions.requireNotAlsoInSpec("--seed", seed, "seed");
    CompressionSpec spec = specOptions.spec(CompressionSpec.builder().name("compress").seed(seed == null ? 42 : seed),
        Map.of());
    boolean rankGiven = specOptions.rank != null || specOptions.hparamsSetRank();
    Optional<Dataset> labelled = Optional.empty();
    if (labelsFrom != null) {
      if (!labelsFrom.equals("mnist-tiny")) {
        throw new IllegalArgumentException("--labels-from " + labelsFrom + " is not known; use mnist-tiny");
      }
      labelled = Optional.of(MnistTinyText.read(labelsFile));
    }
    CompressOptions o = CompressOptions.of(modelDir, outDir, spec, rankGiven).withTag(tag).withEnergy(energy)
        .withForce(force).withVerify(verify, labelled, inputScale).withInputs(Optional.ofNullable(inputs));
    if (layers != null) {
      o = o.withLayers(layers);
    }
    CompressReport report = SavedModelCompressor.run(o);
    System.out.print(report.toText());
    if (json != null) {
      JsonOutput.write(json, report.toJson());
    }
    return 0;
  }
}
