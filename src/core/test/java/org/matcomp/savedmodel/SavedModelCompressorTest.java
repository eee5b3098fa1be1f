package org.matcomp.savedmodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.matcomp.data.MnistTinyNpy;
import org.matcomp.spec.CompressionSpec;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.matcomp.compressor.dictionary.DictionaryMethod;
import org.matcomp.compressor.kmeans.KMeansMethod;
import org.matcomp.compressor.lowrank.LowRankMethod;
import org.matcomp.compressor.prune.PruneMethod;
import org.matcomp.savedmodel.rewrite.StoredFactor;
import org.matcomp.savedmodel.trace.SavedModelDirectory;
import org.matcomp.savedmodel.trace.VariableInfo;

/** End to end on the shared Python-trained models: compress, export, reload, compare. */
class SavedModelCompressorTest {
  static final Path SHARED = Path.of("../shared/testdata/savedmodels");
  static final Set<String> FORM_OPS = Set.of("MatMul", "Reshape", "GatherV2", "Const", "Cast", "Shape", "ConcatV2",
      "Conv2D", "ExpandDims", "Mul", "Sum", "ScatterNd", "RightShift", "BitwiseAnd", "Slice", "Cumsum",
      "ReadVariableOp", "VarHandleOp", "VariableV2", "Identity", "Placeholder", "SaveV2", "RestoreV2",
      "AssignVariableOp", "Assign", "NoOp");

  @TempDir
  Path dir;

  private static CompressionSpec lowRank(int rank) {
    return CompressionSpec.builder().name("t").method(LowRankMethod.INSTANCE).absoluteRank(rank).build();
  }

  /** {@code o} fed the mnist-tiny digits (pixels times {@code scale}) with their labels, as --inputs and --labels. */
  private CompressOptions withDigits(CompressOptions o, float scale) throws Exception {
    MnistTinyNpy.Labelled digits = MnistTinyNpy.write(dir, scale);
    return o.withVerify(true).withInputs(Optional.of(digits.inputs())).withLabels(Optional.of(digits.labels()));
  }

  private static Set<String> opTypes(GraphDef g) {
    Set<String> ops = new TreeSet<>();
    g.getNodeList().forEach(n -> ops.add(n.getOp()));
    for (FunctionDef f : g.getLibrary().getFunctionList()) {
      f.getNodeDefList().forEach(n -> ops.add(n.getOp()));
    }
    return ops;
  }

  private static GraphDef graphOf(Path model) throws Exception {
    return SavedModelDirectory.open(model, "serve").metaGraph().getGraphDef();
  }

  /** Every op of the export is the original's or one a form emits: no custom ops. */
  private static void assertStockOps(Path original, Path compressed) throws Exception {
    Set<String> allowed = new HashSet<>(opTypes(graphOf(original)));
    allowed.addAll(FORM_OPS);
    Set<String> extra = new TreeSet<>(opTypes(graphOf(compressed)));
    extra.removeAll(allowed);
    assertEquals(Set.of(), extra, "ops outside the original and the forms' stock set");
  }

  @Test
  void kerasMlpRank20KeepsAccuracyWithinTwoAndShrinksVariablesFourfold() throws Exception {
    Path model = SHARED.resolve("keras_mnist_mlp_tf2.11");
    String hash = DirectoryHash.of(model);
    Path out = dir.resolve("mlp");
    CompressReport r = SavedModelCompressor.run(withDigits(CompressOptions.of(model, out, lowRank(20))
        .withLayers("^dense/kernel$"), 1f / 255));

    assertEquals(hash, DirectoryHash.of(model), "MODEL_DIR must stay byte-for-byte unchanged");
    MatrixOutcome m = r.matrices().stream().filter(x -> x.name().equals("dense/kernel")).findFirst().orElseThrow();
    assertTrue(m.compressed());
    assertEquals(313_600, m.bytesBefore());
    assertEquals(4 * 20 * (784 + 100), m.bytesAfter());
    assertEquals(113.0 / 115, r.verify().accuracyBefore().getAsDouble(), 1e-9);
    assertTrue(r.verify().accuracyAfter().getAsDouble() * 115 >= 111 - 1e-9, "after: "
        + r.verify().accuracyAfter().getAsDouble() * 115);
    assertEquals(322_650, r.variablesDiskBytesBefore());
    assertTrue(r.variablesDiskBytesAfter() < 80_000, "variables/ after: " + r.variablesDiskBytesAfter());

    // same signatures, verbatim; the old kernel is gone from the graph; only stock ops
    SavedModelDirectory o = SavedModelDirectory.open(model, "serve");
    SavedModelDirectory c = SavedModelDirectory.open(out, "serve");
    assertEquals(o.signatures(), c.signatures());
    Set<String> vars = new TreeSet<>();
    for (NodeDef n : c.metaGraph().getGraphDef().getNodeList()) {
      if (VariableInfo.isVariable(n)) {
        vars.add(n.getName());
      }
    }
    assertEquals(Set.of("dense/bias", "dense_1/kernel", "dense_1/bias", "dense/kernel_lowrank_B",
        "dense/kernel_lowrank_C"), vars);
    assertStockOps(model, out);
    assertFalse(c.metaGraph().hasObjectGraphDef(), "a TF1-style export carries no object graph");
  }

  @Test
  void tf1CnnDefaultLowRankLeavesTheFlatLayerDenseAndRewritesConvolutions() throws Exception {
    Path model = SHARED.resolve("tf1_mnist_cnn_tf1.9");
    String hash = DirectoryHash.of(model);
    CompressReport r = SavedModelCompressor.run(withDigits(CompressOptions.of(model, dir.resolve("cnn"),
        CompressionSpec.builder().method(LowRankMethod.INSTANCE).build()).withRankByEnergy(0.95), 1f));
    assertEquals(hash, DirectoryHash.of(model));
    MatrixOutcome fc = r.matrices().stream().filter(x -> x.name().equals("Variable_6")).findFirst().orElseThrow();
    assertFalse(fc.compressed());
    assertTrue(fc.reason().startsWith("flat spectrum"), fc.reason());
    MatrixOutcome conv = r.matrices().stream().filter(x -> x.name().equals("Variable_2")).findFirst().orElseThrow();
    assertTrue(conv.compressed());
    assertEquals(3.0, conv.diagnostics().get("rank"));
    assertEquals(95.0 / 115, r.verify().accuracyBefore().getAsDouble(), 1e-9);
    assertTrue(r.variablesDiskBytesAfter() * 2 < r.variablesDiskBytesBefore(), "Momentum slots are dropped");
    assertStockOps(model, dir.resolve("cnn"));
  }

  @Test
  void taxifareEmbeddingRewritesTheResourceGather() throws Exception {
    Path model = SHARED.resolve("keras_taxifare_embedding_tf2.12");
    String hash = DirectoryHash.of(model);
    Path out = dir.resolve("taxi");
    CompressReport r = SavedModelCompressor.run(CompressOptions.of(model, out, lowRank(4))
        .withLayers("pd_embed").withVerify(true));
    assertEquals(hash, DirectoryHash.of(model));
    MatrixOutcome emb = r.matrices().get(r.matrices().size() - 1);
    assertEquals("pd_embed/embeddings", emb.name());
    assertEquals(4L * 4 * (10_000 + 10), emb.bytesAfter());
    assertTrue(r.variablesDiskBytesAfter() < 250_000, "after: " + r.variablesDiskBytesAfter());
    assertTrue(r.verify().total().count() > 0);
    assertStockOps(model, out);
    // the rewritten lookup gathers rows of B and multiplies them by C inside the copied model function
    GraphDef g = graphOf(out);
    assertTrue(g.getLibrary().getFunctionList().stream().anyMatch(f -> f.getSignature().getName().endsWith("_matcomp")
        && f.getNodeDefList().stream().anyMatch(n -> n.getName().equals("model/pd_embed/embedding_lookup")
        && n.getOp().equals("Reshape"))));
  }

  @Test
  void tinyTf1UnrewritableWeightIsReportedAndLeftDenseWhileTheRestCompresses() throws Exception {
    CompressReport r = SavedModelCompressor.run(CompressOptions.of(TinyModels.TF1, dir.resolve("t"), lowRank(2))
        .withVerify(true));
    MatrixOutcome reg = r.matrices().stream().filter(x -> x.name().equals("reg_w")).findFirst().orElseThrow();
    assertFalse(reg.compressed());
    assertEquals("read by Sum 'Sum' (input 0) in graph, which is not a matrix product matcomp rewrites", reg.reason());
    assertEquals(5, r.matrices().stream().filter(MatrixOutcome::compressed).count());
    assertEquals(3, r.verify().signatures().size(), "all three signatures ran");
    assertTrue(r.verify().signatures().stream().filter(s -> s.name().equals("regularized"))
        .allMatch(s -> s.outputs().get("y").max() == 0), "the dense layer's signature is unchanged");
  }

  @Test
  void tf1CnnPrunedHalfStoresValuesAndABitmapAndHoldsAccuracy() throws Exception {
    Path model = SHARED.resolve("tf1_mnist_cnn_tf1.9");
    CompressionSpec prune = CompressionSpec.builder().method(PruneMethod.INSTANCE)
        .methodParameter("target_sparsity", "0.5").build();
    CompressReport r = SavedModelCompressor.run(withDigits(CompressOptions.of(model, dir.resolve("cnn-p"), prune)
        .withLayers("^Variable_6$"), 1f));
    MatrixOutcome fc = r.matrices().stream().filter(x -> x.name().equals("Variable_6")).findFirst().orElseThrow();
    assertEquals(List.of("values", "mask"), fc.factors().stream().map(StoredFactor::role).toList());
    // 117 600 kept floats + 235 200 bits packed into 29 400 bytes
    assertEquals(4L * 117_600 + 29_400, fc.bytesAfter());
    double lost = (r.verify().accuracyBefore().getAsDouble() - r.verify().accuracyAfter().getAsDouble()) * 115;
    assertTrue(lost <= 2 + 1e-9, "lost " + lost + " of 115");
    assertStockOps(model, dir.resolve("cnn-p"));
  }

  @Test
  void taxifareDictionaryLooksUpCodeRowsOfTheEmbedding() throws Exception {
    Path model = SHARED.resolve("keras_taxifare_embedding_tf2.12");
    CompressionSpec dict = CompressionSpec.builder().method(DictionaryMethod.INSTANCE)
        .methodParameter("dl_atoms", "256").methodParameter("dl_nonzeros", "2").build();
    CompressReport r = SavedModelCompressor.run(CompressOptions.of(model, dir.resolve("taxi-d"), dict)
        .withLayers("pd_embed").withVerify(true));
    MatrixOutcome emb = r.matrices().stream().filter(MatrixOutcome::compressed).findFirst().orElseThrow();
    assertEquals(List.of("code_indices", "code_values", "dictionary"),
        emb.factors().stream().map(StoredFactor::role).toList());
    // float atoms and values, one-byte indices (256 atoms)
    assertEquals(4L * (256 * 10 + 2 * 10_000) + 2 * 10_000, emb.bytesAfter());
    assertTrue(r.verify().total().max() < 0.1, "fare moves by " + r.verify().total().max());
    assertStockOps(model, dir.resolve("taxi-d"));
  }

  @Test
  void cnnBestMethodKeepsAccuracyWithinTwoAtTwiceSmaller() throws Exception {
    CompressionSpec kmeans = CompressionSpec.builder().method(KMeansMethod.INSTANCE).absoluteRank(256).build();
    CompressReport r = SavedModelCompressor.run(withDigits(CompressOptions.of(SHARED.resolve("tf1_mnist_cnn_tf1.9"),
        dir.resolve("cnn-km"), kmeans).withLayers("^Variable_6$"), 1f));
    MatrixOutcome fc = r.matrices().stream().filter(x -> x.name().equals("Variable_6")).findFirst().orElseThrow();
    assertTrue(fc.bytesBefore() >= 2 * fc.bytesAfter());
    assertTrue(Math.abs(r.verify().accuracyBefore().getAsDouble() - r.verify().accuracyAfter().getAsDouble()) * 115
        <= 2 + 1e-9);
  }

  @Test
  void outputDirectoryAppearsOnlyComplete() throws Exception {
    Path out = dir.resolve("tiny");
    SavedModelCompressor.run(CompressOptions.of(TinyModels.TF2, out, lowRank(2)));
    assertTrue(Files.isRegularFile(out.resolve("saved_model.pb")));
    try (var s = Files.list(dir)) {
      assertEquals(List.of(out), s.toList(), "no temporary directory left beside OUT_DIR");
    }
  }
}
