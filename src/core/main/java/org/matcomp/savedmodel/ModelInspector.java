package org.matcomp.savedmodel;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.matcomp.savedmodel.export.TensorValue;
import org.matcomp.savedmodel.export.VariableReader;
import org.matcomp.savedmodel.trace.SavedModelDirectory;
import org.matcomp.savedmodel.trace.ServingGraph;
import org.matcomp.savedmodel.trace.VariableInfo;
import org.matcomp.savedmodel.trace.WeightMatrix;

/**
 * {@code matcomp inspect}: the signatures, every weight matrix on their forward path (consumers, location, size,
 * whether it can be rewritten) with per-method advice from its values, and the variables serving never reads.
 */
public final class ModelInspector {
  private ModelInspector() {}

  /** The inspection of one model. */
  public record Inspection(SavedModelDirectory dir, ServingGraph graph, Map<String, MatrixAdvice> advice) {
    public JsonObject toJson() {
      JsonObject o = new JsonObject();
      o.addProperty("model_dir", dir.dir().toString());
      o.addProperty("tag", dir.tag());
      o.addProperty("format", graph.usesFunctions() ? "tf2-functions" : "tf1-graph");
      o.add("signatures", signaturesJson(graph.signatures()));
      JsonArray ms = new JsonArray();
      for (WeightMatrix m : graph.matrices()) {
        JsonObject j = new JsonObject();
        j.addProperty("name", m.name());
        j.addProperty("variable_op", m.variable().op());
        j.add("variable_shape", longs(m.variable().shape()));
        JsonArray shape = new JsonArray();
        shape.add(m.rows());
        shape.add(m.cols());
        j.add("shape", shape);
        j.addProperty("bytes", m.denseBytes());
        JsonArray consumers = new JsonArray();
        m.consumers().forEach(consumers::add);
        j.add("consumers", consumers);
        JsonArray locations = new JsonArray();
        m.sites().stream().map(s -> s.location().toString()).distinct().forEach(locations::add);
        j.add("locations", locations);
        j.addProperty("rewritable", m.compressible());
        JsonArray problems = new JsonArray();
        m.problems().forEach(problems::add);
        j.add("problems", problems);
        MatrixAdvice a = advice.get(m.name());
        if (a != null) {
          JsonObject s = new JsonObject();
          s.addProperty("energy", a.energy());
          if (a.energyRank() > 0) {
            s.addProperty("lowrank_rank", a.energyRank());
            s.addProperty("lowrank_ratio", a.lowRankRatio());
            s.addProperty("lowrank_rel_error", a.lowRankRelError());
            s.addProperty("flat_spectrum", a.flatSpectrum());
          }
          s.addProperty("prune_sparsity", a.pruneSparsity());
          s.addProperty("prune_ratio", a.pruneRatio());
          s.addProperty("kmeans_clusters", MethodAdvisor.ADVISED_CLUSTERS);
          s.addProperty("kmeans_ratio", a.kmeansRatio());
          s.addProperty("recommended", a.recommended().name());
          s.addProperty("reason", a.reason());
          j.add("suggestion", s);
        }
        ms.add(j);
      }
      o.add("matrices", ms);
      o.add("plan", plan());
      Set<String> weights = graph.matrices().stream().map(WeightMatrix::name).collect(Collectors.toSet());
      JsonArray other = new JsonArray();
      graph.path().variables().values().stream().filter(v -> !weights.contains(v.name()))
          .forEach(v -> other.add(v.name()));
      o.add("other_forward_variables", other);
      JsonArray excluded = new JsonArray();
      graph.unusedVariables().forEach(v -> excluded.add(v.name()));
      o.add("excluded_variables", excluded);
      return o;
    }

    /**
     * A plan a user can edit and pass to {@code compress --plan}: one entry per rewritable matrix (its exact name as
     * the regex), the advised method with the advised size.
     */
    JsonArray plan() {
      JsonArray entries = new JsonArray();
      for (WeightMatrix m : graph.matrices()) {
        MatrixAdvice a = advice.get(m.name());
        if (a == null || !m.compressible()) {
          continue;
        }
        JsonObject e = new JsonObject();
        e.addProperty("layers", org.matcomp.spec.CompressionPlan.exactly(m.name()));
        e.addProperty("method", a.recommended().name());
        switch (a.recommended().name()) {
          case "lowrank" -> e.addProperty("rank", a.energyRank());
          case "prune" -> e.addProperty("sparsity", Math.round(a.pruneSparsity() * 1000) / 1000.0);
          case "kmeans" -> e.addProperty("clusters", MethodAdvisor.ADVISED_CLUSTERS);
          default -> { }
        }
        entries.add(e);
      }
      return entries;
    }

    public String toText() {
      StringBuilder sb = new StringBuilder();
      sb.append(String.format("%s (tag %s, %s)%n", dir.dir(), dir.tag(),
          graph.usesFunctions() ? "TF2: weights inside library functions" : "TF1 / TF Java graph"));
      graph.signatures().forEach((k, s) -> sb.append(String.format("signature %s: %s -> %s%n", k,
          describe(s.getInputsMap()), describe(s.getOutputsMap()))));
      sb.append(String.format("%nweight matrices on the forward path:%n"));
      for (WeightMatrix m : graph.matrices()) {
        sb.append(String.format("  %-32s %6dx%-6d %10d bytes  %s%n", m.name(), m.rows(), m.cols(), m.denseBytes(),
            String.join("; ", m.consumers())));
        if (!m.compressible()) {
          sb.append("      left dense: ").append(String.join("; ", m.problems())).append('\n');
        }
        MatrixAdvice a = advice.get(m.name());
        if (a != null) {
          sb.append("      suggest ").append(a.recommended().name()).append(": ").append(a.reason()).append('\n');
        }
      }
      Set<String> weights = graph.matrices().stream().map(WeightMatrix::name).collect(Collectors.toSet());
      List<String> other = new ArrayList<>();
      graph.path().variables().values().stream().filter(v -> !weights.contains(v.name()))
          .forEach(v -> other.add(v.name()));
      sb.append(String.format("%nother variables read by serving (not matrix weights): %s%n", other));
      sb.append(String.format("not on any forward path (optimizer slots, metrics, counters): %d variables %s%n",
          graph.unusedVariables().size(), abbreviate(graph.unusedVariables().stream().map(VariableInfo::name)
              .toList())));
      return sb.toString();
    }
  }

  public static Inspection inspect(SavedModelDirectory dir, double energy) {
    ServingGraph graph = ServingGraph.of(dir);
    Map<String, MatrixAdvice> advice = new LinkedHashMap<>();
    List<VariableInfo> vars = graph.matrices().stream().filter(m -> m.rows() > 0).map(WeightMatrix::variable)
        .filter(v -> TensorValue.supports(v.dtype())).toList();
    try (SavedModelBundle bundle = dir.load()) {
      Map<String, TensorValue> values = VariableReader.read(bundle, vars);
      for (WeightMatrix m : graph.matrices()) {
        TensorValue v = values.get(m.name());
        if (v != null && v.dtype() == org.tensorflow.proto.DataType.DT_FLOAT) {
          advice.put(m.name(), MethodAdvisor.advise(m.name(), m.matrixValues(v.floats()), m.rows(), m.cols(), energy));
        }
      }
    }
    return new Inspection(dir, graph, advice);
  }

  static JsonObject signaturesJson(Map<String, SignatureDef> sigs) {
    JsonObject o = new JsonObject();
    sigs.forEach((k, s) -> {
      JsonObject j = new JsonObject();
      j.addProperty("method_name", s.getMethodName());
      j.add("inputs", tensorsJson(s.getInputsMap()));
      j.add("outputs", tensorsJson(s.getOutputsMap()));
      o.add(k, j);
    });
    return o;
  }

  private static JsonObject tensorsJson(Map<String, TensorInfo> m) {
    JsonObject o = new JsonObject();
    m.forEach((k, t) -> {
      JsonObject j = new JsonObject();
      j.addProperty("tensor", t.getName());
      j.addProperty("dtype", t.getDtype().name());
      long[] dims = VariableInfo.dims(t.getTensorShape());
      if (dims != null) {
        j.add("shape", longs(dims));
      }
      o.add(k, j);
    });
    return o;
  }

  private static String describe(Map<String, TensorInfo> m) {
    return m.entrySet().stream().map(e -> {
      long[] d = VariableInfo.dims(e.getValue().getTensorShape());
      return e.getKey() + ":" + e.getValue().getDtype().name().substring(3).toLowerCase()
          + (d == null ? "[?]" : java.util.Arrays.toString(d).replace(" ", ""));
    }).collect(Collectors.joining(", ", "{", "}"));
  }

  private static String abbreviate(List<String> names) {
    return names.size() <= 8 ? names.toString() : names.subList(0, 8) + " ... (" + (names.size() - 8) + " more)";
  }

  static JsonArray longs(long[] v) {
    JsonArray a = new JsonArray();
    if (v != null) {
      for (long x : v) {
        a.add(x);
      }
    }
    return a;
  }
}
