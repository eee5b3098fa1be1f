package org.matcomp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.matcomp.data.MnistTinyNpy;
import org.matcomp.savedmodel.DirectoryHash;
import org.matcomp.savedmodel.TinyModels;

/**
 * {@code compress} and {@code inspect} from the command line, and every bad input: a clear one-line message, a
 * non-zero exit, no OUT_DIR, MODEL_DIR byte-for-byte unchanged.
 */
class CompressCommandTest {
  @TempDir
  Path dir;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    Cli.Run r = Cli.run(args);
    return new Run(r.exit(), r.out(), r.err());
  }

  /** Runs a compress that must fail with {@code message}, leaving the model untouched and no output. */
  private void assertRefused(Path model, String message, String... extra) throws Exception {
    String before = Files.exists(model) ? DirectoryHash.of(model) : "";
    Path out = dir.resolve("out");
    String[] args = new String[3 + extra.length];
    args[0] = "compress";
    args[1] = model.toString();
    args[2] = out.toString();
    System.arraycopy(extra, 0, args, 3, extra.length);
    Run r = run(args);
    assertTrue(r.exit() != 0, "exit " + r.exit());
    assertTrue(r.err().contains(message), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertFalse(Files.exists(out), "no OUT_DIR after a refusal");
    if (Files.exists(model)) {
      assertEquals(before, DirectoryHash.of(model), "MODEL_DIR changed");
    }
  }

  private Path tinyCopy(Path model) throws Exception {
    return DirectoryHash.copy(model, dir.resolve("model"));
  }

  @Test
  void compressWritesJsonWithTheRequiredFields() throws Exception {
    Path json = dir.resolve("r.json");
    Run r = run("compress", TinyModels.TF2.toString(), dir.resolve("out").toString(), "--method", "lowrank",
        "--rank", "2", "--layers", "kernel", "--verify", "--json", json.toString());
    assertEquals(0, r.exit(), r.err());
    JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    for (String k : List.of("matrices", "variables_disk_bytes_before", "variables_disk_bytes_after", "max_abs_diff",
        "mean_abs_diff")) {
      assertTrue(o.has(k), k);
    }
    JsonObject m = o.getAsJsonArray("matrices").get(0).getAsJsonObject();
    for (String k : List.of("name", "shape", "method", "bytes_before", "bytes_after")) {
      assertTrue(m.has(k), k);
    }
    assertEquals(2, o.get("matrices_compressed").getAsInt(), "dense/kernel and tied/kernel");
    assertTrue(r.out().contains("tied/kernel"), r.out());
  }

  @Test
  void withoutLayersAMatrixTooSmallForTheSettingStaysDenseAndTheRestCompresses() throws Exception {
    // 256 clusters need 256 entries: fc1_w (128x16) and emb_w (50x16) have them, conv_w (18x8) and the others not.
    Path json = dir.resolve("r.json");
    Run r = run("compress", TinyModels.TF1.toString(), dir.resolve("out").toString(), "--method", "kmeans",
        "--clusters", "256", "--json", json.toString());
    assertEquals(0, r.exit(), r.err());
    JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    for (var e : o.getAsJsonArray("matrices")) {
      JsonObject m = e.getAsJsonObject();
      String name = m.get("name").getAsString();
      assertEquals(name.equals("fc1_w") || name.equals("emb_w"), m.get("compressed").getAsBoolean(), name);
      if (name.equals("conv_w")) {
        assertEquals("conv_w (18x8): clusters=256 exceeds the 144 blocks of 1x1", m.get("reason").getAsString());
      }
    }
    assertEquals(2, o.get("matrices_compressed").getAsInt());
  }

  /**
   * The 115 mnist-tiny digits, scaled to [0, 1] as the Keras MLP was trained, given as --inputs and --labels: the
   * accuracies are those the former built-in mnist-tiny option reported (113 of 115 before), with --verify or
   * without it (labelled inputs are always compared).
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void labelsReportAccuracyForTheKerasMlp(boolean verify) throws Exception {
    MnistTinyNpy.Labelled digits = MnistTinyNpy.write(dir, 1f / 255);
    Path json = dir.resolve("r.json");
    List<String> args = new java.util.ArrayList<>(List.of("compress",
        "../shared/testdata/savedmodels/keras_mnist_mlp_tf2.11", dir.resolve("o").toString(), "--rank", "50",
        "--layers", "^dense/kernel$", "--inputs", digits.inputs().toString(), "--labels", digits.labels().toString(),
        "--json", json.toString()));
    if (verify) {
      args.add("--verify");
    }
    Run r = run(args.toArray(String[]::new));
    assertEquals(0, r.exit(), r.err());
    JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    assertEquals(113.0 / 115, o.get("accuracy_before").getAsDouble(), 1e-9);
    assertTrue(o.get("accuracy_after").getAsDouble() * 115 >= 112 - 1e-9, o.toString());
    assertEquals(115, o.get("labelled_examples").getAsInt());
    assertTrue(r.out().contains("accuracy 113/115 -> "), r.out());
  }

  @Test
  void jsonDashPutsTheReportOnStdoutAndTheTableOnStderr() throws Exception {
    Run r = run("compress", TinyModels.TF2.toString(), dir.resolve("out").toString(), "--rank", "2", "--layers",
        "kernel", "--json", "-");
    assertEquals(0, r.exit(), r.err());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals(2, o.get("matrices_compressed").getAsInt(), "dense/kernel and tied/kernel");
    for (String k : List.of("matrices", "variables_disk_bytes_before", "variables_disk_bytes_after", "max_abs_diff",
        "signatures")) {
      assertTrue(o.has(k), k);
    }
    assertTrue(r.err().contains("tied/kernel") && r.err().contains("variables/ on disk"), r.err());
    assertFalse(Files.exists(dir.resolve("-")), "- is stdout, not a file");
  }

  @Test
  void inputsDirectoryFeedsEverySignatureReshapedToItsShapeBesideTheBuiltInSamples() throws Exception {
    Path in = Files.createDirectories(dir.resolve("inputs"));
    float[] x = new float[3 * 32];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i % 7) / 7f;
    }
    org.matcomp.io.Npy.write(in.resolve("x.npy"), org.matcomp.io.NpyArray.ofFloats(new long[] {3, 32}, x));
    org.matcomp.io.Npy.write(in.resolve("ids.npy"), org.matcomp.io.NpyArray.ofInts(new long[] {4},
        new int[] {0, 49, 7, 7}));
    org.matcomp.io.Npy.write(in.resolve("z.npy"), org.matcomp.io.NpyArray.ofFloats(new long[] {1, 16},
        new float[16]));
    Path json = dir.resolve("r.json");
    Run r = run("compress", TinyModels.TF1.toString(), dir.resolve("o").toString(), "--rank", "2", "--verify",
        "--inputs", in.toString(), "--json", json.toString());
    assertEquals(0, r.exit(), r.err());
    JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    java.util.Map<String, Integer> examples = new java.util.TreeMap<>();
    o.getAsJsonArray("signatures").forEach(s -> examples.put(s.getAsJsonObject().get("name").getAsString(),
        s.getAsJsonObject().get("examples").getAsInt()));
    // The user's inputs add to the 64 built-in samples of --verify, never replace them.
    assertEquals(java.util.Map.of("serving_default", 64 + 3, "embed", 64 + 4, "regularized", 64 + 1), examples);
  }

  @Test
  void inspectListsSitesAndAdvice() {
    Run r = run("inspect", TinyModels.TF1.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("proj_w") && r.out().contains("W·x, transpose_b"), r.out());
    assertTrue(r.out().contains("left dense: read by Sum 'Sum'"), r.out());
    assertTrue(r.out().contains("[fc1_w_Momentum, global_step]"), r.out());
  }

  @Test
  void refusesAMissingSavedModelPb() throws Exception {
    Path model = Files.createDirectories(dir.resolve("empty/variables"));
    assertRefused(model.getParent(), "holds no saved_model.pb");
  }

  @Test
  void refusesACorruptSavedModelPb() throws Exception {
    Path model = tinyCopy(TinyModels.TF2);
    byte[] pb = Files.readAllBytes(model.resolve("saved_model.pb"));
    Files.write(model.resolve("saved_model.pb"), java.util.Arrays.copyOf(pb, 300));
    assertRefused(model, "is not a valid SavedModel protobuf");
  }

  @Test
  void refusesAnOpThisRuntimeLacksNamingTheOpAndTheWritersVersion() throws Exception {
    // What a SavedModel from a newer Python TensorFlow looks like to TF Java's 2.18 runtime: an op type it lacks.
    Path model = tinyCopy(TinyModels.TF2);
    Path pb = model.resolve("saved_model.pb");
    org.tensorflow.proto.SavedModel.Builder sm = org.tensorflow.proto.SavedModel.parseFrom(Files.readAllBytes(pb))
        .toBuilder();
    var meta = sm.getMetaGraphsBuilder(0);
    meta.getMetaInfoDefBuilder().setTensorflowVersion("2.31.0");
    var fn = meta.getGraphDefBuilder().getLibraryBuilder().getFunctionBuilder(0);
    fn.getNodeDefBuilder(0).setOp("MatMulV9");
    Files.write(pb, sm.build().toByteArray());
    assertRefused(model, "uses op 'MatMulV9' (node '" + fn.getNodeDef(0).getName() + "' in function "
        + fn.getSignature().getName() + "), which TensorFlow 2.18.0 (TF Java's runtime) does not have; the model was"
        + " written by TensorFlow 2.31.0");
    Run inspect = run("inspect", model.toString());
    assertEquals(2, inspect.exit());
    assertTrue(inspect.err().contains("uses op 'MatMulV9'"), inspect.err());
  }

  @Test
  void anEinsumThatIsNoMatrixProductIsReportedAndRefusedWhenNamed() throws Exception {
    Path json = dir.resolve("r.json");
    Run r = run("compress", TinyModels.ARCHITECTURES.toString(), dir.resolve("all").toString(), "--method", "kmeans",
        "--clusters", "4", "--json", json.toString());
    assertEquals(0, r.exit(), r.err());
    JsonObject batch = JsonParser.parseString(Files.readString(json)).getAsJsonObject().getAsJsonArray("matrices")
        .asList().stream().map(e -> e.getAsJsonObject()).filter(e -> e.get("name").getAsString()
            .equals("einsum_batch")).findFirst().orElseThrow();
    assertFalse(batch.get("compressed").getAsBoolean());
    String why = "Einsum 'Einsum_3': equation 'btd,tde->bte': the weight's axis [t] is neither contracted nor kept"
        + " (on both sides, or summed away)";
    assertEquals(why, batch.get("reason").getAsString());
    assertEquals(192, batch.get("bytes_before").getAsInt(), "reported at its full size");
    assertRefused(TinyModels.ARCHITECTURES, "einsum_batch: " + why, "--method", "kmeans", "--clusters", "4",
        "--layers", "einsum_batch");
  }

  @Test
  void refusesAMissingVariablesShard() throws Exception {
    Path model = tinyCopy(TinyModels.TF1);
    Files.delete(model.resolve("variables/variables.data-00000-of-00001"));
    assertRefused(model, "no variables.data-NNNNN-of-NNNNN shard");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "--batch-sizes|1,0|--batch-sizes 1,0: batch size 0 is not positive",
      "--batch-sizes|-64|--batch-sizes -64: batch size -64 is not positive",
      "--sparse-execution|sometimes|--sparse-execution 'sometimes' is not measured, always or never"})
  void refusesBadSparseExecutionSettingsWithExitTwo(String option, String value, String message) throws Exception {
    assertRefused(TinyModels.TF2, message, "--method", "prune", option, value);
    assertEquals(2, run("compress", TinyModels.TF2.toString(), dir.resolve("out").toString(), "--method", "prune",
        option, value).exit());
  }

  @Test
  void refusesAnUnknownTag() throws Exception {
    assertRefused(TinyModels.TF2, "has no MetaGraph tagged 'gpu'; its tag sets: [serve]", "--tag", "gpu");
  }

  @Test
  void refusesALayersRegexMatchingNothing() throws Exception {
    assertRefused(TinyModels.TF2, "--layers 'lstm' matches none of the weight matrices", "--layers", "lstm");
  }

  @Test
  void refusesToCompressAWeightWhoseConsumerCannotBeRewritten() throws Exception {
    assertRefused(TinyModels.TF1, "reg_w: read by Sum 'Sum' (input 0) in graph", "--layers", "reg_w", "--rank", "2");
  }

  @Test
  void refusesARankTooLargeForTheShape() throws Exception {
    assertRefused(TinyModels.TF2, "rank 7 exceeds min(6, 6)", "--layers", "tied", "--rank", "7");
  }

  @Test
  void refusesAnOutDirInsideModelDir() throws Exception {
    Path model = tinyCopy(TinyModels.TF2);
    String before = DirectoryHash.of(model);
    Run r = run("compress", model.toString(), model.resolve("variables/out").toString(), "--rank", "2");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("is inside MODEL_DIR"), r.err());
    assertEquals(before, DirectoryHash.of(model));
  }

  @Test
  void refusesAnExistingOutDirWithoutForce() throws Exception {
    Path out = Files.createDirectories(dir.resolve("out"));
    Files.writeString(out.resolve("keep.txt"), "mine");
    Run r = run("compress", TinyModels.TF2.toString(), out.toString(), "--rank", "2");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("exists; pass --force"), r.err());
    assertEquals("mine", Files.readString(out.resolve("keep.txt")));
    Run forced = run("compress", TinyModels.TF2.toString(), out.toString(), "--rank", "2", "--force");
    assertEquals(0, forced.exit(), forced.err());
    assertFalse(Files.exists(out.resolve("keep.txt")));
    assertTrue(Files.exists(out.resolve("saved_model.pb")));
  }

  @Test
  void everyMethodHasASavedModelFormEvenTheStructuredOnes() throws Exception {
    // Block-diagonal fits its blocks to A (a 6x6 kernel keeps its two 3x3 diagonal blocks): half the bytes.
    Path json = dir.resolve("r.json");
    Run r = run("compress", TinyModels.TF2.toString(), dir.resolve("out").toString(), "--method", "block",
        "--blocks", "2", "--layers", "tied", "--json", json.toString());
    assertEquals(0, r.exit(), r.err());
    JsonObject m = JsonParser.parseString(Files.readString(json)).getAsJsonObject().getAsJsonArray("matrices")
        .asList().stream().map(e -> e.getAsJsonObject()).filter(e -> e.get("name").getAsString().equals("tied/kernel"))
        .findFirst().orElseThrow();
    assertTrue(m.get("compressed").getAsBoolean());
    assertEquals(144, m.get("bytes_before").getAsInt());
    assertEquals(72, m.get("bytes_after").getAsInt());
  }

  @Test
  void aPlanGivesEachLayerItsMethodAndTravelsWithTheModel() throws Exception {
    Path plan = dir.resolve("plan.json");
    Files.writeString(plan, "[{\"layers\": \"^dense/\", \"method\": \"prune+kmeans\", \"sparsity\": 0.5,"
        + " \"clusters\": 4}, {\"layers\": \"emb\", \"method\": \"fp16\"}]");
    Path out = dir.resolve("out");
    Path json = dir.resolve("r.json");
    Run r = run("compress", TinyModels.TF2.toString(), out.toString(), "--plan", plan.toString(), "--json",
        json.toString());
    assertEquals(0, r.exit(), r.err());
    JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    java.util.Map<String, String> methods = new java.util.TreeMap<>();
    o.getAsJsonArray("matrices").forEach(m -> methods.put(m.getAsJsonObject().get("name").getAsString(),
        m.getAsJsonObject().get("method").getAsString()));
    assertEquals(java.util.Map.of("dense/kernel", "prune+kmeans", "emb/embeddings", "fp16", "tied/kernel", "none"),
        methods);
    assertEquals("plan", o.get("method").getAsString());
    assertEquals(2, o.getAsJsonArray("plan").size());
    // the plan is stored with the model, as parsed: the same entries
    assertEquals(o.getAsJsonArray("plan"), JsonParser.parseString(Files.readString(out.resolve("matcomp_plan.json"))));
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "[{\"layers\": \"(\", \"method\": \"int8\"}]|layers '(' is not a valid regular expression",
      "[{\"layers\": \"dense\", \"method\": \"int8\"}, {\"layers\": \"nothing\", \"method\": \"fp16\"}]|"
          + "plan entry 2 (layers 'nothing') matches none of the weight matrices",
      "[{\"layers\": \"dense\", \"method\": \"lowrank\", \"clusterz\": 4}]|'clusterz' is not a setting of lowrank",
      "[{\"layers\": \"dense\", \"method\": \"kmeans+lowrank\"}]|lowrank cannot be applied to another method's",
      "not json|is not valid JSON"})
  void aBadPlanIsRefusedBeforeAnyWork(String plan, String message) throws Exception {
    Path file = dir.resolve("plan.json");
    Files.writeString(file, plan);
    assertRefused(tinyCopy(TinyModels.TF2), message, "--plan", file.toString());
  }

  @Test
  void aPlanReplacesTheMethodItsFlagsAndLayers() throws Exception {
    Path file = dir.resolve("plan.json");
    Files.writeString(file, "[{\"layers\": \"dense\", \"method\": \"int8\"}]");
    Path model = tinyCopy(TinyModels.TF2);
    assertRefused(model, "--plan sets each layer's method; drop --method kmeans", "--plan", file.toString(),
        "--method", "kmeans");
    assertRefused(model, "--plan sets each layer's settings; drop --rank", "--plan", file.toString(), "--rank", "2");
    assertRefused(model, "--plan and --layers both select matrices", "--plan", file.toString(), "--layers", "d");
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "kmeans+lowrank|lowrank cannot be applied to another method's factors",
      "int8+fp16|int8 already stores its matrix as codes or narrow values",
      "int8+int8|applies int8 twice",
      "prune+|a composition is two methods",
      "prune+kmeans+int8|a composition is two methods"})
  void impossibleCompositionsAreRefused(String method, String message) throws Exception {
    assertRefused(tinyCopy(TinyModels.TF2), message, "--method", method);
  }

  @Test
  void theAutomaticPlanNeedsARatioAboveOneAndEvaluationData() throws Exception {
    Path model = tinyCopy(TinyModels.TF2);
    Path eval = Files.createDirectories(dir.resolve("eval"));
    assertRefused(model, "--target-ratio 5.0 needs --eval DATA", "--target-ratio", "5");
    assertRefused(model, "--eval " + eval + " is for --target-ratio", "--eval", eval.toString());
    assertRefused(model, "--target-ratio 1.0 must be above 1", "--target-ratio", "1", "--eval", eval.toString());
  }
}
