package org.matcomp.cli;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import org.matcomp.savedmodel.ServingForm;
import org.matcomp.savedmodel.SparseExecution;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The options of the commands that write a SavedModel and report on it ({@code compress}, {@code finetune}): which
 * MetaGraph to read, whether OUT_DIR may be replaced, where the JSON report goes — and the report's output itself.
 */
final class ModelOutputOptions {
  @Option(names = "--tag", defaultValue = "serve", description = "MetaGraph tag (default: ${DEFAULT-VALUE})")
  String tag;

  @Option(names = "--force", description = "replace an existing OUT_DIR")
  boolean force;

  @Option(names = "--json", description = "write the report as JSON to this file; - writes it to stdout and the"
      + " table to stderr")
  Path json;

  @Option(names = "--serving-form", defaultValue = "fast", description = "fast: weights whose form rebuilds them"
      + " (codebooks, masks, 8- and 16-bit weights) are decoded once when the model loads, so calls run as fast as"
      + " the original's (serving memory holds them dense); compact: decoded in every call (default:"
      + " ${DEFAULT-VALUE}). Low-rank is always served factored")
  String servingForm;

  @Option(names = "--sparse-execution", defaultValue = "measured", description = "in the fast form, serve a weight"
      + " that is mostly zeros (pruned) and read only by MatMuls as its nonzeros through SparseTensorDenseMatMul —"
      + " measured: when timed faster here at every --batch-sizes; always: every such weight (serving on another"
      + " machine); never (default: ${DEFAULT-VALUE})")
  String sparseExecution;

  @Option(names = "--batch-sizes", split = ",", description = "batch sizes --sparse-execution measured times at"
      + " (default: 1,64)")
  java.util.List<Integer> batchSizes;

  ServingForm servingForm() {
    return ServingForm.parse(servingForm);
  }

  SparseExecution sparseExecution() {
    return new SparseExecution(SparseExecution.Mode.parse(sparseExecution),
        batchSizes == null ? SparseExecution.DEFAULT.batchSizes() : batchSizes);
  }

  /** The {@code --json} file to check against the inputs, or null. */
  Path jsonFile() {
    return JsonOutput.file(json);
  }

  /** The table where the user reads it (stdout, or stderr under {@code --json -}), then the JSON where asked. */
  void report(CommandSpec spec, String table, JsonObject report) throws IOException {
    JsonOutput.reportWriter(spec, json).print(table);
    JsonOutput.reportWriter(spec, json).flush();
    JsonOutput.emit(spec, json, report);
  }
}
