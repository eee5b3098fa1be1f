package org.matcomp.savedmodel.finetune;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;
import org.matcomp.savedmodel.CompressReport;
import org.matcomp.savedmodel.MatrixOutcome;
import org.matcomp.savedmodel.serving.LatencyProbe;

/**
 * The result of {@code finetune}: the eval metric of the original model, of the post-hoc compressed one at step 0
 * (what {@code compress} alone gives) and of the fine-tuned export; per-matrix sizes; sizes on disk; and how far the
 * export's outputs are from the trained graph's (a check of the export, not of the training).
 */
public record FineTuneReport(String modelDir, String outDir, String method, String spec, String output, String loss,
    String metricName, long steps, int batch, int evalExamples, double metricOriginal, double metricPostHoc,
    double metricFineTuned, List<MatrixOutcome> matrices, long variablesDiskBytesBefore, long variablesDiskBytesAfter,
    long savedModelBytesBefore, long savedModelBytesAfter, double exportMaxAbsDiff, List<String> notes,
    double seconds, List<LatencyProbe.Pair> latency) {
  public FineTuneReport {
    matrices = List.copyOf(matrices);
    notes = List.copyOf(notes);
    latency = List.copyOf(latency);
  }

  public JsonObject toJson() {
    JsonObject o = new JsonObject();
    o.addProperty("model_dir", modelDir);
    o.addProperty("out_dir", outDir);
    o.addProperty("method", method);
    o.addProperty("spec", spec);
    o.addProperty("output", output);
    o.addProperty("loss", loss);
    o.addProperty("metric", metricName);
    o.addProperty("steps", steps);
    o.addProperty("batch", batch);
    o.addProperty("eval_examples", evalExamples);
    o.addProperty("metric_original", metricOriginal);
    o.addProperty("metric_post_hoc", metricPostHoc);
    o.addProperty("metric_fine_tuned", metricFineTuned);
    o.add("matrices", CompressReport.matricesJson(matrices));
    o.addProperty("matrices_compressed", matrices.stream().filter(MatrixOutcome::compressed).count());
    o.addProperty("bytes_before", matrices.stream().mapToLong(MatrixOutcome::bytesBefore).sum());
    o.addProperty("bytes_after", matrices.stream().mapToLong(MatrixOutcome::bytesAfter).sum());
    o.addProperty("variables_disk_bytes_before", variablesDiskBytesBefore);
    o.addProperty("variables_disk_bytes_after", variablesDiskBytesAfter);
    o.addProperty("variables_disk_ratio", (double) variablesDiskBytesBefore / Math.max(1, variablesDiskBytesAfter));
    o.addProperty("saved_model_pb_bytes_before", savedModelBytesBefore);
    o.addProperty("saved_model_pb_bytes_after", savedModelBytesAfter);
    o.addProperty("export_max_abs_diff", exportMaxAbsDiff);
    JsonArray ns = new JsonArray();
    notes.forEach(ns::add);
    o.add("latency", CompressReport.latencyJson(latency));
    o.add("notes", ns);
    o.addProperty("seconds", seconds);
    return o;
  }

  public String toText() {
    StringBuilder sb = new StringBuilder(CompressReport.matricesTable(matrices));
    sb.append(String.format("variables/ on disk: %d -> %d bytes (%.2fx)   saved_model.pb: %d -> %d bytes%n",
        variablesDiskBytesBefore, variablesDiskBytesAfter,
        (double) variablesDiskBytesBefore / Math.max(1, variablesDiskBytesAfter), savedModelBytesBefore,
        savedModelBytesAfter));
    sb.append(String.format("%s on %d eval examples: original %.4f, post hoc %.4f, fine-tuned %.4f (%d steps of %d)%n",
        metricName, evalExamples, metricOriginal, metricPostHoc, metricFineTuned, steps, batch));
    sb.append(CompressReport.latencyText(latency));
    notes.forEach(n -> sb.append("note: ").append(n).append('\n'));
    return sb.toString();
  }
}
