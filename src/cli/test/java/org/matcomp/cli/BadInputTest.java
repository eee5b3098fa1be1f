package org.matcomp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.matcomp.io.Npy;
import org.matcomp.io.NpyArray;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.savedmodel.TinyModels;

/**
 * Bad input gets one line naming the culprit and exit 2, and nothing is written (issue 11): non-finite weights
 * (defect 4), empty, non-finite or wrongly typed {@code --inputs} (defects 5, 6), messages that named the wrong thing
 * (defect 8), duplicate hparams and flags that conflict with {@code --spec} (defect 9), a matrix whose factors
 * overflow float32 (defect 11).
 */
class BadInputTest {
  @TempDir
  Path dir;

  private List<String> names() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private Path matrix(int m, int n) throws Exception {
    float[] v = new float[m * n];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) Math.cos(0.3 * i);
    }
    Path a = dir.resolve("a.npy");
    Npy.write(a, FloatMatrix.of(m, n, v));
    return a;
  }

  // Defect 4

  @Test
  void inspectNamesTheVariableIndexAndValueOfANanWeight() throws Exception {
    Path m = TinyModels.tf2WithEntry(dir.resolve("m"), "dense/kernel", 13, Float.NaN);
    Cli.run("inspect", m.toString()).refused("dense/kernel (8x6) has a non-finite entry NaN at [2, 1]");
  }

  @Test
  void compressWithoutRankNamesTheNanWeightItWasAskedFor() throws Exception {
    Path m = TinyModels.tf2WithEntry(dir.resolve("m"), "tied/kernel", 35, Float.POSITIVE_INFINITY);
    Cli.run("compress", m.toString(), dir.resolve("out").toString(), "--layers", "tied")
        .refused("tied/kernel (6x6) has a non-finite entry Infinity at [5, 5]");
    assertEquals(List.of("m"), names());
  }

  @Test
  void compressWithoutLayersLeavesTheNanWeightDenseAndSaysWhy() throws Exception {
    Path m = TinyModels.tf2WithEntry(dir.resolve("m"), "tied/kernel", 0, Float.NaN);
    Path json = dir.resolve("r.json");
    Cli.Run r = Cli.run("compress", m.toString(), dir.resolve("out").toString(), "--json", json.toString());
    assertEquals(0, r.exit(), r.err());
    for (var e : JsonParser.parseString(Files.readString(json)).getAsJsonObject().getAsJsonArray("matrices")) {
      JsonObject o = e.getAsJsonObject();
      if (o.get("name").getAsString().equals("tied/kernel")) {
        assertFalse(o.get("compressed").getAsBoolean());
        assertEquals("tied/kernel (6x6) has a non-finite entry NaN at [0, 0]", o.get("reason").getAsString());
      }
    }
  }

  // Defects 5 and 6: --inputs for the one-input signature serving_default of tiny_tf2 (x: [-1, 8], ids: [-1, 2])

  private Cli.Run compressWithInputs(NpyArray x, NpyArray ids) throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    Npy.write(in.resolve("x.npy"), x);
    Npy.write(in.resolve("ids.npy"), ids);
    return Cli.run("compress", TinyModels.TF2.toString(), dir.resolve("out").toString(), "--rank", "2", "--inputs",
        in.toString(), "--json", dir.resolve("r.json").toString());
  }

  private static NpyArray ids(int rows) {
    return NpyArray.ofInts(new long[] {rows, 2}, new int[rows * 2]);
  }

  @Test
  void emptyInputsAreRefusedNotReportedAsAPerfectMatch() throws Exception {
    compressWithInputs(NpyArray.ofFloats(new long[] {0, 8}, new float[0]), ids(3))
        .refused("x.npy holds no examples (shape [0, 8])");
    assertEquals(List.of("in"), names());
  }

  @Test
  void nanInputsAreRefusedWithTheirPosition() throws Exception {
    float[] x = new float[16];
    x[11] = Float.NaN;
    compressWithInputs(NpyArray.ofFloats(new long[] {2, 8}, x), ids(2))
        .refused("x.npy has a non-finite entry NaN at [1, 3]");
  }

  @Test
  void userInputsAddToTheBuiltInSamples() throws Exception {
    Cli.Run r = compressWithInputs(NpyArray.ofFloats(new long[] {3, 8}, new float[24]), ids(3));
    assertEquals(0, r.exit(), r.err());
    JsonObject o = JsonParser.parseString(Files.readString(dir.resolve("r.json"))).getAsJsonObject();
    assertEquals(4 + 3, o.getAsJsonArray("signatures").get(0).getAsJsonObject().get("examples").getAsInt(),
        "4 built-in samples (the check that always runs) plus the user's 3");
  }

  @Test
  void integerInputsForAFloatInputAreRefusedNamingBothDtypes() throws Exception {
    compressWithInputs(NpyArray.ofInts(new long[] {2, 8}, new int[16]), ids(2))
        .refused("x.npy holds int32 values; input 'x' takes float32 (give float32 or float64)");
  }

  @Test
  void floatInputsForAnIntegerInputAreRefusedNamingBothDtypes() throws Exception {
    compressWithInputs(NpyArray.ofFloats(new long[] {2, 8}, new float[16]),
        NpyArray.ofDoubles(new long[] {2, 2}, new double[4]))
        .refused("ids.npy holds float64 values; input 'ids' takes int64 (give integers of at most that width)");
  }

  @Test
  void float64InputsAreConvertedAsFactorConvertsMatrices() throws Exception {
    Cli.Run r = compressWithInputs(NpyArray.ofDoubles(new long[] {2, 8}, new double[16]), ids(2));
    assertEquals(0, r.exit(), r.err());
  }

  // --labels: a 1-D integer array, one class per example of --inputs

  private Cli.Run compressWithLabels(NpyArray labels) throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    Npy.write(in.resolve("x.npy"), NpyArray.ofFloats(new long[] {3, 8}, new float[24]));
    Npy.write(in.resolve("ids.npy"), ids(3));
    Path y = dir.resolve("y.npy");
    Npy.write(y, labels);
    return Cli.run("compress", TinyModels.TF2.toString(), dir.resolve("out").toString(), "--rank", "2", "--inputs",
        in.toString(), "--labels", y.toString());
  }

  @Test
  void labelsCountingOtherThanTheExamplesAreRefusedNamingBothCounts() throws Exception {
    compressWithLabels(NpyArray.ofInts(new long[] {2}, new int[] {0, 1}))
        .refused("--labels " + dir.resolve("y.npy") + " holds 2 labels but --inputs holds 3 examples for input");
    assertEquals(List.of("in", "y.npy"), names(), "nothing written");
  }

  @Test
  void floatLabelsAreRefusedNotTruncated() throws Exception {
    compressWithLabels(NpyArray.ofFloats(new long[] {3}, new float[] {0, 1, 2.5f}))
        .refused("holds float32 values; labels are class indices (give integers: int64, int32, int16 or uint8)");
  }

  @Test
  void labelsOfAnotherShapeOrSignAreRefused() throws Exception {
    compressWithLabels(NpyArray.ofInts(new long[] {3, 1}, new int[] {0, 1, 2}))
        .refused("has shape [3, 1]; give one class index per example, a 1-D array");
    compressWithLabels(NpyArray.ofLongs(new long[] {3}, new long[] {0, -1, 2}))
        .refused("label -1 at [1] is not a class index (0 or more)");
  }

  @Test
  void labelsWithoutInputsAreRefusedBeforeAnythingIsRead() throws Exception {
    Path y = dir.resolve("y.npy");
    Npy.write(y, NpyArray.ofInts(new long[] {3}, new int[3]));
    Cli.run("compress", TinyModels.TF2.toString(), dir.resolve("out").toString(), "--labels", y.toString())
        .refused("--labels " + y + " needs --inputs");
  }

  @Test
  void aMissingOrMalformedLabelsFileIsBadInput() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    Npy.write(in.resolve("x.npy"), NpyArray.ofFloats(new long[] {3, 8}, new float[24]));
    Npy.write(in.resolve("ids.npy"), ids(3));
    Path missing = dir.resolve("missing.npy");
    Cli.run("compress", TinyModels.TF2.toString(), dir.resolve("out").toString(), "--inputs", in.toString(),
        "--labels", missing.toString()).refused("--labels " + missing + ": no such file");
    Path text = Files.writeString(dir.resolve("labels.txt"), "example,class\n0,7\n1,2\n2,1\n");
    Cli.run("compress", TinyModels.TF2.toString(), dir.resolve("out").toString(), "--inputs", in.toString(),
        "--labels", text.toString()).refused("--labels " + text + ": " + text + ": wrong magic, not a .npy file");
  }

  // Defect 8

  @Test
  void zeroClustersNamesTheFlag() throws Exception {
    Cli.run("factor", "--method", "kmeans", "--clusters", "0", "--input", matrix(4, 4).toString())
        .refused("--clusters 0 must be positive");
  }

  @Test
  void aDirectoryAsInputIsNamed() {
    Cli.run("factor", "--method", "lowrank", "--rank", "1", "--input", dir.toString())
        .refused(dir + ": is a directory, not a .npy file");
  }

  @Test
  void aBadLayersRegexIsOneLine() {
    Cli.run("compress", TinyModels.TF2.toString(), dir.resolve("out").toString(), "--layers", "(dense")
        .refused("--layers '(dense' is not a valid regular expression: Unclosed group at index 6");
  }

  @Test
  void aFloat64ValueBeyondFloat32SaysItOverflows() throws Exception {
    double[] v = new double[6];
    v[4] = 1e300;
    Path a = dir.resolve("big64.npy");
    Npy.write(a, NpyArray.ofDoubles(new long[] {2, 3}, v));
    Cli.run("factor", "--method", "lowrank", "--rank", "1", "--input", a.toString())
        .refused("entry 1.0E300 at [1, 1] overflows float32 (largest 3.4028235E38)");
  }

  // Defect 9

  @Test
  void aKeyGivenTwiceIsRefusedNamingBothValues() throws Exception {
    Cli.run("factor", "--method", "lowrank", "--spec", "rank=200,rank=400", "--input", matrix(8, 4).toString())
        .refused("hparam rank is given twice (rank=200 and rank=400)");
  }

  @Test
  void fullWidthDigitsAreNotNumbers() throws Exception {
    Cli.run("factor", "--method", "lowrank", "--spec", "rank=\uFF12\uFF10\uFF10", "--input",
        matrix(8, 4).toString()).refused("hparam rank='\uFF12\uFF10\uFF10' has the non-ASCII digit");
  }

  @Test
  void aRankFlagAndASpecRankConflict() throws Exception {
    Cli.run("factor", "--method", "lowrank", "--rank", "4", "--spec", "absolute_rank=8", "--input",
        matrix(16, 16).toString()).refused("--rank 4 and --spec absolute_rank=8 both set it; give one");
    Cli.run("factor", "--method", "kmeans", "--clusters", "4", "--rank", "8", "--input", matrix(16, 16).toString())
        .refused("--rank does not apply to --method kmeans; it takes --clusters, --init");
  }

  // Defect 11

  @Test
  void aMatrixNearFloatMaxIsRefusedAndNoNonFiniteNumberReachesJson() throws Exception {
    float[] v = new float[64 * 48];
    java.util.Arrays.fill(v, 3e38f);
    Path a = dir.resolve("big.npy");
    Npy.write(a, FloatMatrix.of(64, 48, v));
    Path json = dir.resolve("big.json");
    Cli.run("factor", "--method", "lowrank", "--rank", "4", "--input", a.toString(), "--output",
        dir.resolve("f").toString(), "--json", json.toString())
        .refused("big.npy: factor B of lowrank overflows float32");
    assertEquals(List.of("big.npy"), names(), "no factors, no report");
  }

  @Test
  void nonFiniteNumbersAreWrittenAsNull() {
    JsonObject o = new JsonObject();
    o.addProperty("rel_error", Double.POSITIVE_INFINITY);
    o.addProperty("accuracy", Double.NaN);
    o.addProperty("ratio", 2.5);
    Map<String, String> parsed = new TreeMap<>();
    JsonParser.parseString(JsonOutput.toJson(o)).getAsJsonObject().entrySet()
        .forEach(e -> parsed.put(e.getKey(), e.getValue().toString()));
    assertEquals(Map.of("rel_error", "null", "accuracy", "null", "ratio", "2.5"), parsed);
    assertTrue(JsonOutput.toJson(o).contains("\"rel_error\": null"));
  }
}
