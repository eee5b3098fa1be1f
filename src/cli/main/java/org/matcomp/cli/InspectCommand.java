package org.matcomp.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.matcomp.savedmodel.ModelInspector;
import org.matcomp.savedmodel.trace.SavedModelDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code matcomp inspect MODEL_DIR}: signatures, weight matrices on the forward path, and per-method advice. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "List a SavedModel's signatures and the weight matrices on their forward path, with advice per"
        + " matrix (low-rank rank keeping --energy of the spectrum, pruning sparsity, k-means ratio).")
final class InspectCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MODEL_DIR", description = "SavedModel directory (only read)")
  Path modelDir;

  @Option(names = "--tag", defaultValue = "serve", description = "MetaGraph tag (default: ${DEFAULT-VALUE})")
  String tag;

  @Option(names = "--energy", defaultValue = "0.95",
      description = "share of spectral energy (Σs²) / of Σw² the advice keeps (default: ${DEFAULT-VALUE})")
  double energy;

  @Option(names = "--json", description = "write the inspection as JSON to this file; - writes it to stdout and the"
      + " text to stderr")
  Path json;

  @Override
  public Integer call() throws Exception {
    if (!(energy > 0 && energy <= 1)) {
      throw new IllegalArgumentException("--energy " + energy + " must be in (0, 1]");
    }
    new CommandPaths().input("MODEL_DIR", modelDir).outputFile("--json", JsonOutput.file(json)).check();
    ModelInspector.Inspection i = ModelInspector.inspect(SavedModelDirectory.open(modelDir, tag), energy);
    JsonOutput.reportWriter(spec, json).print(i.toText());
    JsonOutput.reportWriter(spec, json).flush();
    JsonOutput.emit(spec, json, i.toJson());
    return 0;
  }
}
