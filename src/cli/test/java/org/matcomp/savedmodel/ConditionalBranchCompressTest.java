package org.matcomp.savedmodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.matcomp.cli.Main;
import org.matcomp.compressor.FactorType;
import org.matcomp.savedmodel.export.TensorValue;
import org.matcomp.savedmodel.export.VariableReader;
import org.matcomp.savedmodel.trace.SavedModelDirectory;
import org.matcomp.savedmodel.trace.ServingGraph;
import org.matcomp.savedmodel.trace.VariableInfo;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;
import picocli.CommandLine;

/**
 * {@code matcomp compress} on Python-made models whose weights are read inside {@code tf.cond} and
 * {@code tf.switch_case} branches ({@link ConditionalModels}): every weight is reported compressed, the export holds
 * none of them at full size, and TF Java (in a fresh process) and Python TensorFlow compute from it, for both values
 * of the flag and every branch index, what the model's formulas give with the weights its factors stand for. A
 * branch that assigns a weight, or hands it out, keeps it dense with a reason naming the node and the branch;
 * demanding it with {@code --layers} is a one-line exit 2.
 */
class ConditionalBranchCompressTest {
  private static final double RELATIVE_TOLERANCE = 1e-4;

  @TempDir
  Path dir;

  private record Run(int exit, String err) {}

  private static Run compress(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(new PrintStream(err, true, StandardCharsets.UTF_8), true));
    List<String> all = new ArrayList<>(List.of("compress"));
    all.addAll(List.of(args));
    int exit = cl.execute(all.toArray(String[]::new));
    return new Run(exit, err.toString(StandardCharsets.UTF_8));
  }

  private static Map<String, JsonObject> matrices(JsonObject report) {
    Map<String, JsonObject> m = new LinkedHashMap<>();
    for (JsonElement e : report.getAsJsonArray("matrices")) {
      m.put(e.getAsJsonObject().get("name").getAsString(), e.getAsJsonObject());
    }
    return m;
  }

  @ParameterizedTest
  @CsvSource({"lowrank, --rank, 8", "kmeans, --clusters, 16", "prune, --sparsity, 0.5"})
  void weightsInsideEveryBranchAreCompressedAndServeAlikeInTfJavaAndPython(String method, String flag, String value)
      throws Exception {
    Path model = ConditionalModels.model("cond_module");
    Path out = dir.resolve(method);
    Path json = dir.resolve(method + ".json");
    // the compact form, whose consumers inside the branches are rewritten (the fast form leaves them as they are)
    Run r = compress(model.toString(), out.toString(), "--method", method, flag, value, "--json", json.toString(),
        "--serving-form", "compact");
    assertEquals(0, r.exit(), r.err());

    JsonObject report = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    Map<String, JsonObject> m = matrices(report);
    assertEquals(ConditionalModels.WEIGHTS.keySet(), m.keySet());
    m.forEach((name, o) -> assertTrue(o.get("compressed").getAsBoolean(), name + ": " + o.get("reason")));
    assertEquals(4, report.get("matrices_compressed").getAsLong());
    // the report names the readers inside the branches: w1 outside and in both, w3 in the true branch alone
    assertEquals(List.of("__inference_serve", "cond_false", "cond_true"), readers(m.get("w1")));
    assertEquals(List.of("cond_true"), readers(m.get("w3")));
    assertEquals(List.of("switch_case_indexed_case_branch0", "switch_case_indexed_case_branch1"),
        readers(m.get("w4")));
    long before = report.get("variables_disk_bytes_before").getAsLong();
    long after = report.get("variables_disk_bytes_after").getAsLong();
    assertTrue(after < before, "variables/ " + before + " -> " + after);

    // no weight is left at full size: not by name, not as a float variable of a weight's shape
    for (NodeDef n : SavedModelDirectory.open(out, "serve").metaGraph().getGraphDef().getNodeList()) {
      if (!VariableInfo.isVariable(n)) {
        continue;
      }
      VariableInfo v = VariableInfo.of(n);
      assertFalse(ConditionalModels.WEIGHTS.containsKey(v.name()), v.name() + " survived");
      assertFalse(v.dtype() == DataType.DT_FLOAT && ConditionalModels.WEIGHTS.values().stream()
          .anyMatch(s -> Arrays.equals(s, v.shape())), v.name() + " is a float " + Arrays.toString(v.shape()));
    }

    Map<String, float[]> weights = decodedWeights(out, method);
    List<ConditionalModels.Case> cases = ConditionalModels.everyBranch();
    var outputs = ConditionalModels.runJavaAndPython(out, cases, dir.resolve(method + ".runs"));
    for (ConditionalModels.Case k : cases) {
      Map<String, float[]> java = outputs.get(k.label()).get("java");
      Map<String, float[]> python = outputs.get(k.label()).get("python");
      Map<String, float[]> host = ConditionalModels.expected(weights, k);
      assertEquals(java.keySet(), python.keySet(), k.label());
      assertEquals(host.keySet(), java.keySet(), k.label());
      Map<String, TensorValue> original = ConditionalModels.runHere(model, k);
      for (String o : java.keySet()) {
        double scale = Math.max(1, maxAbs(host.get(o)));
        double d = maxDiff(java.get(o), python.get(o));
        assertTrue(d <= RELATIVE_TOLERANCE * scale, method + " " + k.label() + " " + o + ": TF Java and Python"
            + " differ by " + d + " (scale " + scale + ")");
        // what the stored factors stand for, multiplied out on the host through the branch this case takes
        double h = maxDiff(host.get(o), java.get(o));
        assertTrue(h <= RELATIVE_TOLERANCE * scale, method + " " + k.label() + " " + o + ": TF Java differs by " + h
            + " from the decoded weights' outputs (scale " + scale + ")");
        // and both compute the compressed model, not the original, wherever a weight is read
        double moved = maxDiff(original.get(o).floats(), java.get(o));
        assertEquals(!k.label().equals("index=2"), moved > 1e-3, method + " " + k.label() + " " + o + " moved "
            + moved + " from the original");
      }
    }
  }

  @Test
  void aBranchThatAssignsTheWeightOrHandsItOutKeepsItDenseAndSaysWhere() throws Exception {
    Path model = ConditionalModels.model("cond_assign");
    Path out = dir.resolve("assign");
    Path json = dir.resolve("assign.json");
    Run r = compress(model.toString(), out.toString(), "--rank", "8", "--json", json.toString());
    assertEquals(0, r.exit(), r.err());
    Map<String, JsonObject> m = matrices(JsonParser.parseString(Files.readString(json)).getAsJsonObject());

    assertFalse(m.get("wa").get("compressed").getAsBoolean());
    String wa = m.get("wa").get("reason").getAsString();
    assertTrue(wa.matches(ASSIGNED), wa);
    assertFalse(m.get("wc").get("compressed").getAsBoolean());
    String wc = m.get("wc").get("reason").getAsString();
    assertTrue(wc.matches("(returned as output 'cond_1_identity_1' of cond_1_(true|false)_\\d+, the (then|else)_branch"
        + " of If 'cond_1' in __inference_serve_\\d+(; )?){2}"), wc);
    assertTrue(wc.contains("then_branch") && wc.contains("else_branch"), wc);
    assertTrue(m.get("wb").get("compressed").getAsBoolean(), "wb, read outside any branch: " + m.get("wb"));

    // the export still runs both ways, the dense weights in place
    for (ConditionalModels.Case k : ConditionalModels.flagCases()) {
      float[] y = ConditionalModels.runHere(out, k).get("y").floats();
      assertEquals(5 * 32, y.length);
      for (float v : y) {
        assertTrue(Float.isFinite(v), k.label());
      }
    }
  }

  @Test
  void demandingTheAssignedWeightWithLayersExitsTwoWithItsOneLine() throws Exception {
    Path model = ConditionalModels.model("cond_assign");
    Path out = dir.resolve("assign-layers");
    Run r = compress(model.toString(), out.toString(), "--rank", "8", "--layers", "^wa$");
    assertEquals(2, r.exit(), r.err());
    List<String> lines = r.err().strip().lines().toList();
    assertEquals(1, lines.size(), r.err());
    assertTrue(lines.get(0).matches("matcomp compress: --layers selects matrices that cannot be compressed: wa: "
        + ASSIGNED), lines.get(0));
    assertFalse(Files.exists(out), "nothing is written");
  }

  /**
   * The weights the export's variables stand for, decoded from the stored layouts: low-rank B·C, a k-means codebook
   * indexed by packed codes, pruned values scattered by a bitmap (entry i is bit i % 8 of byte i / 8).
   */
  private static Map<String, float[]> decodedWeights(Path model, String method) throws Exception {
    SavedModelDirectory d = SavedModelDirectory.open(model, "serve");
    Map<String, TensorValue> v;
    try (SavedModelBundle b = d.load()) {
      v = VariableReader.read(b, ServingGraph.of(d).servingVariables());
    }
    Map<String, float[]> w = new LinkedHashMap<>();
    ConditionalModels.WEIGHTS.forEach((name, shape) -> {
      int rows = (int) shape[0];
      int cols = (int) shape[1];
      float[] m = new float[rows * cols];
      String p = name + "_" + method + "_";
      switch (method) {
        case "lowrank" -> {
          float[] b = v.get(p + "B").floats();
          float[] c = v.get(p + "C").floats();
          int r = b.length / rows;
          for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
              double s = 0;
              for (int k = 0; k < r; k++) {
                s += (double) b[i * r + k] * c[k * cols + j];
              }
              m[i * cols + j] = (float) s;
            }
          }
        }
        case "kmeans" -> {
          float[] codebook = v.get(p + "codebook").floats();
          // ⌈log2 K⌉ bits a code, packed as FactorType lays them out (16 codewords: two codes a byte)
          FactorType type = FactorType.indexFor(codebook.length);
          byte[] bytes = v.get(p + "codes").bytes();
          int[] codes = type.unpack(bytes, m.length);
          for (int i = 0; i < m.length; i++) {
            m[i] = codebook[codes[i]];
          }
        }
        case "prune" -> {
          float[] values = v.get(p + "values").floats();
          byte[] mask = v.get(p + "mask").bytes();
          int next = 0;
          for (int i = 0; i < m.length; i++) {
            if ((mask[i / 8] >> (i % 8) & 1) != 0) {
              m[i] = values[next++];
            }
          }
          assertEquals(values.length, next, name + ": kept entries");
        }
        default -> throw new IllegalArgumentException(method);
      }
      w.put(name, m);
    });
    return w;
  }

  private static final String ASSIGNED = "assigned by AssignAddVariableOp 'cond/AssignAddVariableOp' in"
      + " cond_true_\\d+, the then_branch of If 'cond' in __inference_serve_\\d+";

  /** The functions reading a matrix, by the report's consumers, without TensorFlow's numeric suffixes. */
  private static List<String> readers(JsonObject matrix) {
    return StreamSupport.stream(matrix.getAsJsonArray("consumers").spliterator(), false)
        .map(c -> c.getAsString().replaceFirst("^\\w+@", "").replaceFirst(":.*$", "").replaceFirst("_\\d+$", ""))
        .sorted().toList();
  }

  private static double maxDiff(float[] a, float[] b) {
    assertEquals(a.length, b.length);
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs((double) a[i] - b[i]));
    }
    return max;
  }

  private static double maxAbs(float[] a) {
    double max = 0;
    for (float v : a) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }
}
