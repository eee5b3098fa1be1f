package org.matcomp.savedmodel;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;
import org.matcomp.savedmodel.export.VerifyReport;
import org.matcomp.savedmodel.rewrite.StoredFactor;
import org.matcomp.savedmodel.serving.LatencyProbe;

/** The result of {@code compress}: per-matrix outcomes, sizes on disk, and the verification. */
public record CompressReport(String modelDir, String outDir, String method, String spec, List<MatrixOutcome> matrices,
    long variablesDiskBytesBefore, long variablesDiskBytesAfter, long savedModelBytesBefore,
    long savedModelBytesAfter, VerifyReport verify, List<String> notes, double seconds,
    List<LatencyProbe.Pair> latency) {

  /** This report with {@code more} notes after its own (what a caller of the compressor adds, e.g. the auto plan). */
  public CompressReport withNotes(List<String> more) {
    List<String> all = new java.util.ArrayList<>(notes);
    all.addAll(more);
    return new CompressReport(modelDir, outDir, method, spec, matrices, variablesDiskBytesBefore,
        variablesDiskBytesAfter, savedModelBytesBefore, savedModelBytesAfter, verify, List.copyOf(all), seconds,
        latency);
  }

  /** The weight matrices' dense bytes over their bytes after compression. */
  public double weightRatio() {
    return (double) bytesBefore() / Math.max(1, bytesAfter());
  }

  public long bytesBefore() {
    return matrices.stream().mapToLong(MatrixOutcome::bytesBefore).sum();
  }

  public long bytesAfter() {
    return matrices.stream().mapToLong(MatrixOutcome::bytesAfter).sum();
  }

  public JsonObject toJson() {
    JsonObject o = new JsonObject();
    o.addProperty("model_dir", modelDir);
    o.addProperty("out_dir", outDir);
    o.addProperty("method", method);
    if (method.equals("plan")) {
      o.add("plan", com.google.gson.JsonParser.parseString(spec));
    } else {
      o.addProperty("spec", spec);
    }
    o.add("matrices", matricesJson(matrices));
    o.addProperty("matrices_compressed", matrices.stream().filter(MatrixOutcome::compressed).count());
    o.addProperty("bytes_before", bytesBefore());
    o.addProperty("bytes_after", bytesAfter());
    o.addProperty("variables_disk_bytes_before", variablesDiskBytesBefore);
    o.addProperty("variables_disk_bytes_after", variablesDiskBytesAfter);
    o.addProperty("variables_disk_ratio", (double) variablesDiskBytesBefore / Math.max(1, variablesDiskBytesAfter));
    o.addProperty("saved_model_pb_bytes_before", savedModelBytesBefore);
    o.addProperty("saved_model_pb_bytes_after", savedModelBytesAfter);
    VerifyReport.Diff d = verify.total();
    o.addProperty("max_abs_diff", d.max());
    o.addProperty("mean_abs_diff", d.mean());
    verify.accuracyBefore().ifPresent(a -> o.addProperty("accuracy_before", a));
    verify.accuracyAfter().ifPresent(a -> o.addProperty("accuracy_after", a));
    if (verify.labelledExamples() > 0) {
      o.addProperty("labelled_examples", verify.labelledExamples());
    }
    o.add("signatures", verify.toJson());
    if (!latency.isEmpty()) {
      o.add("latency", latencyJson(latency));
    }
    JsonArray ns = new JsonArray();
    notes.forEach(ns::add);
    o.add("notes", ns);
    o.addProperty("seconds", seconds);
    return o;
  }

  /** The per-matrix part of a report, as {@code compress} and {@code finetune} write it. */
  public static JsonArray matricesJson(List<MatrixOutcome> matrices) {
    JsonArray ms = new JsonArray();
    for (MatrixOutcome m : matrices) {
      JsonObject j = new JsonObject();
      j.addProperty("name", m.name());
      JsonArray shape = new JsonArray();
      shape.add(m.rows());
      shape.add(m.cols());
      j.add("shape", shape);
      j.add("variable_shape", ModelInspector.longs(m.variableShape()));
      j.addProperty("method", m.method());
      j.addProperty("compressed", m.compressed());
      if (m.reason() != null) {
        j.addProperty("reason", m.reason());
      }
      j.addProperty("bytes_before", m.bytesBefore());
      j.addProperty("bytes_after", m.bytesAfter());
      j.addProperty("params_before", m.paramsBefore());
      j.addProperty("params_after", m.paramsAfter());
      if (!Double.isNaN(m.relError())) {
        j.addProperty("rel_error", m.relError());
      }
      m.diagnostics().forEach(j::addProperty);
      JsonArray factors = new JsonArray();
      for (StoredFactor f : m.factors()) {
        JsonObject fo = new JsonObject();
        fo.addProperty("name", f.role());
        fo.addProperty("dtype", f.value().dtype().name().substring(3).toLowerCase());
        fo.add("shape", ModelInspector.longs(f.value().shape()));
        fo.addProperty("bytes", f.bytes());
        factors.add(fo);
      }
      j.add("factors", factors);
      JsonArray consumers = new JsonArray();
      m.consumers().forEach(consumers::add);
      j.add("consumers", consumers);
      ms.add(j);
    }
    return ms;
  }

  /** Each signature's latency before and after, per batch size, as {@code compress} and {@code finetune} report it. */
  public static JsonArray latencyJson(List<LatencyProbe.Pair> latency) {
    JsonArray a = new JsonArray();
    for (LatencyProbe.Pair p : latency) {
      JsonObject j = new JsonObject();
      j.addProperty("signature", p.signature());
      j.addProperty("batch", p.before().batch());
      j.addProperty("latency_ms_before", p.before().p50Ms());
      j.addProperty("latency_ms_after", p.after().p50Ms());
      j.addProperty("p99_ms_before", p.before().p99Ms());
      j.addProperty("p99_ms_after", p.after().p99Ms());
      a.add(j);
    }
    return a;
  }

  /** One line a signature and batch size: median latency before and after. */
  public static String latencyText(List<LatencyProbe.Pair> latency) {
    StringBuilder sb = new StringBuilder();
    for (LatencyProbe.Pair p : latency) {
      sb.append(String.format("latency %s batch %d: %.3f -> %.3f ms (median; p99 %.3f -> %.3f ms)%n", p.signature(),
          p.before().batch(), p.before().p50Ms(), p.after().p50Ms(), p.before().p99Ms(), p.after().p99Ms()));
    }
    return sb.toString();
  }

  /** The per-matrix table of a report, one line a matrix. */

  public static String matricesTable(List<MatrixOutcome> matrices) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%-32s %-12s %-10s %12s %12s %8s  %s%n", "matrix", "shape", "method", "bytes", "after",
        "error", "note"));
    for (MatrixOutcome m : matrices) {
      sb.append(String.format("%-32s %-12s %-10s %12d %12d %8s  %s%n", m.name(), m.rows() + "x" + m.cols(),
          m.method(), m.bytesBefore(), m.bytesAfter(),
          Double.isNaN(m.relError()) ? "-" : String.format("%.4f", m.relError()),
          m.compressed() ? diag(m.diagnostics()) : "dense: " + m.reason()));
    }
    return sb.toString();
  }

  public String toText() {
    StringBuilder sb = new StringBuilder(matricesTable(matrices));
    sb.append(String.format("variables/ on disk: %d -> %d bytes (%.2fx)   saved_model.pb: %d -> %d bytes%n",
        variablesDiskBytesBefore, variablesDiskBytesAfter,
        (double) variablesDiskBytesBefore / Math.max(1, variablesDiskBytesAfter), savedModelBytesBefore,
        savedModelBytesAfter));
    VerifyReport.Diff d = verify.total();
    sb.append(String.format("outputs: max |diff| %.4g, mean |diff| %.4g", d.max(), d.mean()));
    if (verify.accuracyBefore().isPresent()) {
      int n = verify.labelledExamples();
      sb.append(String.format(", accuracy %d/%d -> %d/%d", Math.round(verify.accuracyBefore().getAsDouble() * n), n,
          Math.round(verify.accuracyAfter().getAsDouble() * n), n));
    }
    sb.append('\n');
    sb.append(latencyText(latency));
    notes.forEach(n -> sb.append("note: ").append(n).append('\n'));
    return sb.toString();
  }

  private static String diag(Map<String, Double> d) {
    StringBuilder sb = new StringBuilder();
    d.forEach((k, v) -> sb.append(k).append('=').append(v == Math.rint(v) ? String.valueOf(v.longValue())
        : String.format("%.4g", v)).append(' '));
    return sb.toString().trim();
  }
}
