package org.matcomp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.matcomp.CliRequirements;

/**
 * {@code train} reports the model it produced: the ratio of what the final graph reads, which is what
 * {@code --export} writes; a schedule that cannot finish within {@code --steps} is refused before any training unless
 * {@code --allow-partial}; an export that would end mid-blend is refused (issue 11, defect 2). Plus the rules it
 * shares with {@code compress}: {@code --layers} must select a layer (defect 10), a flag and a {@code --spec} key may
 * not both set one value (defect 9).
 *
 * <p>Runs are tiny (a 784-32-16-10 MLP, 200 steps) so that the sizes can be written out by hand.
 */
class TrainCommandTest {
  /** 784·32 + 32·16 + 16·10 kernel parameters. */
  private static final long DENSE = 784 * 32 + 32 * 16 + 16 * 10;
  /** Rank 8 factors of dense1 (784·8 + 8·32) and dense2 (32·8 + 8·16). */
  private static final long FACTORS = 784 * 8 + 8 * 32 + 32 * 8 + 8 * 16;
  private static final long BIASES = 32 + 16 + 10;

  @TempDir
  Path dir;

  @BeforeAll
  static void data() {
    CliRequirements.fashionMnist();
  }

  private static String[] args(String... extra) {
    String[] base = {"train", "--hidden", "32,16", "--no-progress"};
    String[] all = new String[base.length + extra.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return all;
  }

  private static JsonObject json(Path p) throws Exception {
    return JsonParser.parseString(Files.readString(p)).getAsJsonObject();
  }

  /** Bytes of the export's checkpoint data: the raw tensors TF wrote. */
  private static long exportedBytes(Path export) throws Exception {
    return Files.size(export.resolve("variables/variables.data-00000-of-00001"));
  }

  @Test
  void aScheduleThatNeverStartsWithinTheStepsIsRefusedBeforeTraining() {
    Path json = dir.resolve("t.json");
    Cli.run(args("--method", "lowrank", "--rank", "8", "--spec", "begin_compression_step=1000", "--steps", "50",
        "--json", json.toString()))
        .refused("--steps 50 is too short for the compression schedule: α reaches 0 at step 1019 (20 updates every"
            + " 1 steps from step 1000), after the last step 49: the run would end before compression starts; raise"
            + " --steps to at least 1020");
    assertFalse(Files.exists(json));
  }

  @Test
  void aRunEndingMidBlendIsRefusedUnlessAllowedAndThenReportsWhatTheModelReads() throws Exception {
    Path json = dir.resolve("t.json");
    String[] partial = {"--method", "lowrank", "--rank", "8", "--spec", "compression_frequency=20", "--steps", "200",
        "--json", json.toString()};
    Cli.run(args(partial)).refused("α reaches 0 at step 460");
    assertFalse(Files.exists(json));

    String[] allowed = java.util.Arrays.copyOf(partial, partial.length + 1);
    allowed[partial.length] = "--allow-partial";
    Cli.Run r = Cli.run(args(allowed));
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.err().contains("WARNING: --allow-partial: α reaches 0 at step 460"), r.err());
    JsonObject o = json(json);
    assertEquals("blending", o.get("final_phase").getAsString());
    // Updates at steps 80, 100, ..., 180 leave α = 0.7: the graph reads A, both factors and α of each hidden layer.
    long reads = DENSE + FACTORS + 2;
    assertEquals(4 * reads, o.get("compressed_bytes").getAsLong());
    assertEquals((double) DENSE / reads, o.get("compression_ratio").getAsDouble(), 1e-12);
    assertTrue(r.out().contains("final phase: blending"), r.out());
  }

  @Test
  void aRunThatNeverCompressedReportsOneToOne() throws Exception {
    Path json = dir.resolve("t.json");
    Cli.Run r = Cli.run(args("--method", "lowrank", "--rank", "8", "--spec", "begin_compression_step=1000",
        "--steps", "50", "--allow-partial", "--json", json.toString()));
    assertEquals(0, r.exit(), r.err());
    JsonObject o = json(json);
    assertEquals("dense", o.get("final_phase").getAsString());
    assertEquals(1.0, o.get("compression_ratio").getAsDouble(), 0);
  }

  @Test
  void theExportOfARunEndingMidBlendIsRefusedEvenWhenPartialIsAllowed() {
    Path export = dir.resolve("e");
    Cli.run(args("--method", "lowrank", "--rank", "8", "--spec", "compression_frequency=20", "--steps", "200",
        "--allow-partial", "--export", export.toString()))
        .refused("--export of a run that ends mid-blend would hold A and its factors");
    assertFalse(Files.exists(export));
  }

  @Test
  void theDefaultScheduleFinishesInAShortRunAndTheReportIsWhatTheExportHolds() throws Exception {
    Path json = dir.resolve("t.json");
    Path export = dir.resolve("e");
    Cli.Run r = Cli.run(args("--method", "lowrank", "--rank", "8", "--steps", "200", "--export", export.toString(),
        "--json", json.toString()));
    assertEquals(0, r.exit(), r.err());
    JsonObject o = json(json);
    assertEquals("compressed", o.get("final_phase").getAsString());
    assertEquals(4 * (FACTORS + 16 * 10), o.get("compressed_bytes").getAsLong());
    assertEquals(o.get("compressed_bytes").getAsLong() + 4 * BIASES, exportedBytes(export));
  }

  @Test
  void aPrunedExportHoldsTheValuesAndTheBitmapTheReportCounts() throws Exception {
    Path json = dir.resolve("t.json");
    Path export = dir.resolve("e");
    Cli.Run r = Cli.run(args("--method", "prune", "--steps", "200", "--export", export.toString(), "--json",
        json.toString()));
    assertEquals(0, r.exit(), r.err());
    JsonObject o = json(json);
    assertEquals("compressed", o.get("final_phase").getAsString());
    // 90 % of 784·32 and of 32·16 pruned: the kept values (float) plus a bitmap of one bit an entry, and logits.
    long kept1 = 784 * 32 - Math.round(0.9 * 784 * 32);
    long kept2 = 32 * 16 - Math.round(0.9 * 32 * 16);
    long expected = 4 * kept1 + 784 * 32 / 8 + 4 * kept2 + 32 * 16 / 8 + 4 * 16 * 10;
    assertEquals(expected, o.get("compressed_bytes").getAsLong());
    assertEquals(expected + 4 * BIASES, exportedBytes(export));
  }

  @Test
  void aSimhashExportStoresItsSignsOneBitAnEntry() throws Exception {
    Path json = dir.resolve("t.json");
    Path export = dir.resolve("e");
    Cli.Run r = Cli.run(args("--method", "simhash", "--rank", "8", "--steps", "200", "--export", export.toString(),
        "--json", json.toString()));
    assertEquals(0, r.exit(), r.err());
    JsonObject o = json(json);
    // R as its seed (two int32), D n in float, S 8×n in bits, per hidden layer; logits dense.
    long expected = 8 + 4 * 32 + 8 * 32 / 8 + 8 + 4 * 16 + 8 * 16 / 8 + 4 * 16 * 10;
    assertEquals(expected, o.get("compressed_bytes").getAsLong());
    assertEquals(expected + 4 * BIASES, exportedBytes(export));
  }

  @Test
  void aSettingThatWouldGrowAMatrixLeavesItDenseOrIsRefusedWhenTheLayerIsNamed() throws Exception {
    Path json = dir.resolve("t.json");
    // k = 1000 projections: dense2's (32x16) signs alone take 2 000 bytes, its dense kernel 2 048
    Cli.Run r = Cli.run(args("--method", "simhash", "--rank", "1000", "--steps", "200", "--json", json.toString()));
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.err().contains("dense2_kernel (32x16): simhash would store 2072 bytes, no fewer than its"
        + " 2048 dense: it stays dense"), r.err());
    assertFalse(r.err().contains("dense1_kernel (784x32)"), r.err()); // 4 136 bytes against 100 352: compressed
    JsonObject o = json(json);
    assertEquals(8 + 4 * 32 + 1000 * 32 / 8 + 4 * 32 * 16 + 4 * 16 * 10, o.get("compressed_bytes").getAsLong());
    Cli.Run named = Cli.run(args("--method", "simhash", "--rank", "1000", "--steps", "200", "--layers", "dense2"));
    assertEquals(2, named.exit(), named.err());
    assertEquals("matcomp train: dense2_kernel (32x16): simhash would store 2072 bytes, no fewer than its"
        + " 2048 dense; choose a smaller setting or leave it out of --layers", named.err().strip());
  }

  @Test
  void aSweepOfTwoPointsWritesItsRunsAndAPlot() throws Exception {
    Path sweepDir = dir.resolve("sweep");
    // block has one sweep setting, so the sweep is the dense baseline plus one block-diagonal run.
    Cli.Run r = Cli.run(args("--sweep", "--sweep-methods", "block", "--steps", "100", "--sweep-dir",
        sweepDir.toString()));
    assertEquals(0, r.exit(), r.err());
    JsonObject o = json(sweepDir.resolve("sweep.json"));
    assertEquals(100, o.get("steps").getAsLong());
    var runs = o.getAsJsonArray("runs");
    assertEquals(2, runs.size());
    JsonObject dense = runs.get(0).getAsJsonObject();
    JsonObject block = runs.get(1).getAsJsonObject();
    assertEquals("none", dense.get("setting").getAsString());
    assertEquals("block", block.get("setting").getAsString());
    assertEquals(DENSE, dense.get("dense_params").getAsLong());
    assertEquals(1.0, dense.get("compression_ratio").getAsDouble(), 0);
    // 4 diagonal blocks of dense1 (196×8) and dense2 (8×4), logits dense.
    long blockParams = 4 * (196 * 8) + 4 * (8 * 4) + 16 * 10;
    assertEquals(blockParams, block.get("compressed_params").getAsLong());
    assertEquals((double) DENSE / blockParams, block.get("compression_ratio").getAsDouble(), 1e-12);
    for (var run : runs) {
      // 100 steps of a small MLP: well above chance (10 %), not yet a good model.
      double accuracy = run.getAsJsonObject().get("accuracy").getAsDouble();
      assertTrue(accuracy > 0.3 && accuracy <= 1, "accuracy " + accuracy);
    }
    BufferedImage plot = ImageIO.read(sweepDir.resolve("sweep.png").toFile());
    assertNotNull(plot, "sweep.png does not decode");
    assertEquals(900, plot.getWidth());
    assertEquals(600, plot.getHeight());
  }

  @Test
  void theCnnCompressesItsFullyConnectedLayersAndLeavesTheConvolutionsDense() throws Exception {
    Path json = dir.resolve("cnn.json");
    Path export = dir.resolve("cnn");
    Cli.Run r = Cli.run("train", "--model", "cnn", "--method", "lowrank", "--rank", "8", "--steps", "60",
        "--no-progress", "--json", json.toString(), "--export", export.toString());
    assertEquals(0, r.exit(), r.err());
    JsonObject o = json(json);
    assertEquals("compressed", o.get("final_phase").getAsString());
    double accuracy = o.get("accuracy").getAsDouble();
    assertTrue(accuracy > 0.3 && accuracy <= 1, "60 steps: well above chance, " + accuracy);
    java.util.Map<String, String> methods = new java.util.LinkedHashMap<>();
    o.getAsJsonArray("matrices").forEach(m -> methods.put(m.getAsJsonObject().get("name").getAsString(),
        m.getAsJsonObject().get("method").getAsString()));
    assertEquals(java.util.Map.of("conv1_kernel", "none", "conv2_kernel", "none", "fc1_kernel", "lowrank",
        "fc2_kernel", "lowrank", "logits_kernel", "none"), methods);
    // fc1 is 3136×384 (7×7×64 pooled features): rank 8 stores 8·(3136 + 384) floats
    JsonObject fc1 = o.getAsJsonArray("matrices").get(2).getAsJsonObject();
    assertEquals(4L * 8 * (3136 + 384), fc1.get("bytes_after").getAsLong());
    // the export holds the filters, the factors, the logits kernel and the biases (64 + 64 + 384 + 192 + 10)
    assertEquals(4L * (25 * 64 + 1600 * 64 + 8 * (3136 + 384) + 8 * (384 + 192) + 192 * 10), o.get(
        "compressed_bytes").getAsLong());
    assertEquals(o.get("compressed_bytes").getAsLong() + 4L * (64 + 64 + 384 + 192 + 10), exportedBytes(export));
    Cli.run("train", "--model", "cnn", "--hidden", "64").refused("--hidden sizes the mlp");
    Cli.run("train", "--model", "cnn", "--sweep").refused("--sweep is for --model mlp");
  }

  @Test
  void thePtbLstmTrainsWithTheSelectedMatricesCompressed() throws Exception {
    Path ptb = SmallPtb.write(dir.resolve("ptb"));
    Path json = dir.resolve("lstm.json");
    // 2 epochs of about 30 steps: dense to 40 % of them, then 20 updates one step apart
    Cli.Run r = Cli.run("train", "--model", "ptb-lstm", "--data-dir", ptb.toString(), "--epochs", "2",
        "--method", "lowrank", "--rank", "16", "--layers", "embedding|softmax", "--no-progress", "--json",
        json.toString());
    assertEquals(0, r.exit(), r.err());
    JsonObject o = json(json);
    assertEquals("ptb-lstm", o.get("model").getAsString());
    assertEquals("compressed", o.get("final_phase").getAsString());
    assertEquals(2, o.getAsJsonArray("valid_perplexity_per_epoch").size());
    double ppl = o.get("test_perplexity").getAsDouble();
    assertTrue(ppl > 1 && ppl < 2000, "test perplexity " + ppl);
    java.util.Map<String, String> methods = new java.util.LinkedHashMap<>();
    o.getAsJsonArray("matrices").forEach(m -> methods.put(m.getAsJsonObject().get("name").getAsString(),
        m.getAsJsonObject().get("method").getAsString()));
    assertEquals(java.util.List.of("embedding", "lstm1_kernel", "lstm2_kernel", "softmax_kernel"),
        java.util.List.copyOf(methods.keySet()));
    assertEquals(java.util.List.of("lowrank", "none", "none", "lowrank"), java.util.List.copyOf(methods.values()));
    assertTrue(r.out().contains("test-ppl"), r.out());
    Cli.run("train", "--model", "ptb-lstm", "--data-dir", ptb.toString(), "--epochs", "0").refused(
        "--epochs 0 must be positive");
    Cli.run("train", "--model", "ptb-lstm", "--export", dir.resolve("x").toString()).refused(
        "--model ptb-lstm trains the reference's small configuration in one process");
    Cli.run("train", "--model", "ptb-lstm", "--steps", "100").refused("--steps does not apply to --model ptb-lstm");
    Cli.run("train", "--model", "cnn", "--epochs", "2").refused("--epochs does not apply to --model cnn");
  }

  @Test
  void aLanguageModelRunOfAFewStepsReportsItsPerplexityAndTheEmbeddingSizes() throws Exception {
    Path json = dir.resolve("lm.json");
    // 50 steps: dense to step 20, then 20 updates one step apart take α to 0 at step 39. A learning rate 10× the
    // default lets so short a run learn something. Most of the time goes to the two passes over the validation text.
    Cli.Run r = Cli.run("train", "--model", "ptb-lm", "--method", "lowrank", "--rank", "4", "--steps", "50",
        "--hidden", "16", "--embedding-dim", "8", "--lr", "0.01", "--no-progress", "--json", json.toString());
    assertEquals(0, r.exit(), r.err());
    JsonObject o = json(json);
    assertEquals("ptb-lm", o.get("model").getAsString());
    assertEquals("lowrank", o.get("method").getAsString());
    assertEquals("compressed", o.get("final_phase").getAsString());
    assertEquals(50, o.get("steps").getAsLong());
    // The 10 000×8 table against its rank-4 factors 10 000×4 and 4×8, in float32.
    assertEquals(4L * 10_000 * 8, o.get("embedding_bytes_before").getAsLong());
    assertEquals(4L * (10_000 * 4 + 4 * 8), o.get("embedding_bytes_after").getAsLong());
    assertEquals(8.0 * 10_000 / (10_000 * 4 + 4 * 8), o.get("compression_ratio").getAsDouble(), 1e-12);
    // Perplexities are numbers (the report writes NaN as null) above 1 and below the uniform guess's 10 000; by the
    // last step the model has learned enough to halve that (about 1000 when written).
    assertTrue(o.get("valid_perplexity_before_compression").isJsonPrimitive(), o.toString());
    double before = o.get("valid_perplexity_before_compression").getAsDouble();
    assertTrue(before > 1 && before < 10_000, "perplexity at the snapshot " + before);
    assertTrue(o.get("valid_perplexity").isJsonPrimitive(), o.toString());
    double after = o.get("valid_perplexity").getAsDouble();
    assertTrue(after > 1 && after < 5_000, "final perplexity " + after);
    assertTrue(r.out().contains("valid-ppl"), r.out());
  }

  /**
   * In a real process, with the progress bar on: {@code --json -} leaves stdout one JSON document, and the result
   * table and the progress bar (which writes to the stderr file descriptor itself) are on stderr.
   */
  @Test
  void jsonDashLeavesStdoutOneJsonDocumentAndTheProgressBarOnStderr() throws Exception {
    Path out = dir.resolve("stdout");
    Path err = dir.resolve("stderr");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), Main.class.getName(), "train", "--hidden", "32,16", "--method", "none",
        "--steps", "100", "--json", "-").redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertTrue(p.waitFor(300, java.util.concurrent.TimeUnit.SECONDS), "train finished");
    assertEquals(0, p.exitValue(), Files.readString(err));
    JsonObject o = JsonParser.parseString(Files.readString(out)).getAsJsonObject();
    assertEquals("none", o.get("method").getAsString());
    assertEquals(100, o.get("steps").getAsLong());
    String stderr = Files.readString(err);
    assertTrue(stderr.contains("100/100"), "the progress bar's last state: " + stderr);
    assertTrue(stderr.contains("dense-acc"), "the table: " + stderr);
  }

  @Test
  void layersMatchingNoLayerAreRefusedAsCompressRefusesThem() {
    Cli.run(args("--method", "lowrank", "--rank", "8", "--steps", "200", "--layers", "nomatch"))
        .refused("--layers 'nomatch' matches none of the weight matrices [dense1, dense2, logits]");
    Cli.run(args("--method", "lowrank", "--rank", "8", "--steps", "200", "--layers", "dense[")).refused(
        "--layers 'dense[' is not a valid regular expression: Unclosed character class at index 5");
  }

  @Test
  void aSeedFlagAndASpecSeedConflict() {
    Cli.run(args("--method", "lowrank", "--rank", "8", "--steps", "200", "--seed", "3", "--spec", "seed=4"))
        .refused("--seed 3 and --spec seed=4 both set it; give one");
  }
}
