package org.matcomp.savedmodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.matcomp.savedmodel.export.ModelExporter;
import org.matcomp.savedmodel.export.SampleInputs;
import org.matcomp.savedmodel.export.VerifyReport;
import org.matcomp.savedmodel.rewrite.GraphRewriter;
import org.matcomp.savedmodel.trace.SavedModelDirectory;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.spec.Methods;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.proto.MetaGraphDef;

/**
 * The fast serving form against the compact one, per method and model kind (TF1 graph, TF2 functions, Conv2D,
 * Einsum and depthwise views): the same outputs, the weight materialised by the init op from stored factors only
 * (the dense weight is no saved variable), and low-rank left factored.
 */
class ServingFormTest {
  @TempDir
  Path dir;

  private CompressReport compress(Path model, String method, String hparams, ServingForm form) throws Exception {
    return compress(model, method, hparams, form, SparseExecution.DEFAULT);
  }

  private CompressReport compress(Path model, String method, String hparams, ServingForm form,
      SparseExecution sparse) throws Exception {
    CompressionSpec spec = CompressionSpec.builder().name("t").method(Methods.byName(method)).build()
        .withHparams(hparams);
    return SavedModelCompressor.run(CompressOptions.of(model, dir.resolve(form.name()), spec).withServingForm(form)
        .withSparseExecution(sparse));
  }

  private static double maxDifference(Path a, Path b) throws Exception {
    SavedModelDirectory sa = SavedModelDirectory.open(a, "serve");
    try (SavedModelBundle x = sa.load(); SavedModelBundle y = SavedModelDirectory.open(b, "serve").load()) {
      return org.matcomp.savedmodel.export.ModelVerifier.verify(x, y, sa.signatures(),
          key -> java.util.List.of(SampleInputs.random(sa.signatures().get(key), 5, 3).orElseThrow())).total().max();
    }
  }

  private static long opCount(Path model, String op) throws Exception {
    MetaGraphDef m = SavedModelDirectory.open(model, "serve").metaGraph();
    long n = m.getGraphDef().getNodeList().stream().filter(x -> x.getOp().equals(op)).count();
    for (var f : m.getGraphDef().getLibrary().getFunctionList()) {
      n += f.getNodeDefList().stream().filter(x -> x.getOp().equals(op)).count();
    }
    return n;
  }

  /**
   * Sparse execution on both layouts — TF1 ref variables at top level (a MatMul with transpose_b, a weight on the
   * left) and TF2 functions (the MatMul's {@code product} now a Transpose's {@code y}) — serves the compact form's
   * outputs; neither the weight nor its nonzeros are saved, only the stored factors.
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "TF1|prune|target_sparsity=0.9",
      "TF2|prune|target_sparsity=0.9",
      "TF2|prune+int8|target_sparsity=0.8",
      "TF1|prune+kmeans|target_sparsity=0.9,num_clusters=4"})
  void sparseExecutionServesTheCompactFormsOutputs(String model, String method, String hparams) throws Exception {
    Path m = model.equals("TF1") ? TinyModels.TF1 : TinyModels.TF2;
    SparseExecution always = new SparseExecution(SparseExecution.Mode.ALWAYS, java.util.List.of(1));
    CompressReport compact = compress(m, method, hparams, ServingForm.COMPACT);
    CompressReport sparse = compress(m, method, hparams, ServingForm.FAST, always);
    Path f = dir.resolve("FAST");
    long served = sparse.notes().stream().filter(n -> n.startsWith("sparse execution: ")).count();
    assertTrue(served > 0, sparse.notes().toString());
    assertTrue(opCount(f, "SparseTensorDenseMatMul") >= served, "a weight served sparse without its op");
    assertEquals(compact.matrices().stream().mapToLong(MatrixOutcome::bytesAfter).sum(),
        sparse.matrices().stream().mapToLong(MatrixOutcome::bytesAfter).sum(), "the same factors on disk");
    // within the checkpoint's index, which names other variables
    assertTrue(Math.abs(compact.variablesDiskBytesAfter() - sparse.variablesDiskBytesAfter()) < 64);
    Set<String> saved = savedVariables(f);
    for (String n : sparse.notes()) {
      if (n.startsWith("sparse execution: ")) {
        String var = n.substring("sparse execution: ".length(), n.indexOf(' ', "sparse execution: ".length()));
        assertFalse(saved.contains(var), var + " is saved");
        assertFalse(saved.contains(var + "_sparse_indices") || saved.contains(var + "_sparse_values"), saved
            .toString());
      }
    }
    double d = maxDifference(dir.resolve("COMPACT"), f);
    assertTrue(d <= 1e-5, method + " on " + model + ": sparse differs from compact by " + d);
  }

  @org.junit.jupiter.api.Test
  void neverLeavesEveryWeightDense() throws Exception {
    compress(TinyModels.TF2, "prune", "target_sparsity=0.9", ServingForm.FAST,
        new SparseExecution(SparseExecution.Mode.NEVER, java.util.List.of(1)));
    assertEquals(0, opCount(dir.resolve("FAST"), "SparseTensorDenseMatMul"));
  }

  private static Set<String> savedVariables(Path model) throws Exception {
    MetaGraphDef m = SavedModelDirectory.open(model, "serve").metaGraph();
    Set<String> names = new TreeSet<>();
    m.getGraphDef().getNodeList().stream().filter(n -> n.getName().equals("save/tensor_names")).findFirst()
        .orElseThrow().getAttrOrThrow("value").getTensor().getStringValList()
        .forEach(s -> names.add(s.toStringUtf8()));
    return names;
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "TF1|kmeans|absolute_rank=4",
      "TF1|prune|target_sparsity=0.9",
      "TF2|int8|name=t",
      "TF2|fp16|name=t",
      "TF2|prune+kmeans|target_sparsity=0.5,num_clusters=4",
      "ARCHITECTURES|kmeans|absolute_rank=4",
      "ARCHITECTURES|int8|name=t"})
  void fastServesTheCompactFormsOutputsFromWeightsItBuildsAtLoad(String model, String method, String hparams)
      throws Exception {
    Path m = switch (model) {
      case "TF1" -> TinyModels.TF1;
      case "TF2" -> TinyModels.TF2;
      default -> TinyModels.ARCHITECTURES;
    };
    CompressReport compact = compress(m, method, hparams, ServingForm.COMPACT);
    CompressReport fast = compress(m, method, hparams, ServingForm.FAST);
    Path c = dir.resolve("COMPACT");
    Path f = dir.resolve("FAST");
    long rebuilt = fast.matrices().stream().filter(MatrixOutcome::compressed).count();
    assertTrue(rebuilt > 0, "nothing compressed");
    assertEquals(compact.variablesDiskBytesAfter(), fast.variablesDiskBytesAfter(), "the same factors on disk");
    assertTrue(fast.notes().stream().anyMatch(n -> n.startsWith("serving form fast: " + rebuilt + " matrices")),
        fast.notes().toString());
    // the loader runs the init op that builds the weights; they are no saved variable
    MetaGraphDef meta = SavedModelDirectory.open(f, "serve").metaGraph();
    assertEquals(GraphRewriter.MATERIALIZE, meta.getSignatureDefOrThrow(ModelExporter.INIT_OP_KEY)
        .getOutputsOrThrow(ModelExporter.INIT_OP_KEY).getName());
    for (MatrixOutcome o : fast.matrices()) {
      if (o.compressed()) {
        assertFalse(savedVariables(f).contains(o.name()), o.name() + " is saved");
        assertTrue(savedVariables(c).stream().noneMatch(o.name()::equals));
      }
    }
    // outputs equal on the same inputs
    SavedModelDirectory sc = SavedModelDirectory.open(c, "serve");
    try (SavedModelBundle a = sc.load(); SavedModelBundle b = SavedModelDirectory.open(f, "serve").load()) {
      VerifyReport r = org.matcomp.savedmodel.export.ModelVerifier.verify(a, b, sc.signatures(),
          key -> java.util.List.of(SampleInputs.random(sc.signatures().get(key), 5, 3).orElseThrow()));
      assertTrue(r.total().max() <= 1e-6, method + " on " + model + ": fast differs from compact by "
          + r.total().max());
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"lowrank|absolute_rank=2", "lowrank+int8|absolute_rank=2"})
  void smallFactoredWeightsAreMaterialisedToo(String method, String hparams) throws Exception {
    CompressReport fast = compress(TinyModels.TF2, method, hparams, ServingForm.FAST);
    assertTrue(fast.notes().stream().anyMatch(n -> n.startsWith("serving form fast")), fast.notes().toString());
  }

  @org.junit.jupiter.api.Test
  void aLargeLowRankWeightStaysFactored() throws Exception {
    Path model = dir.resolve("dense");
    int n = 300;
    try (org.tensorflow.Graph g = new org.tensorflow.Graph()) {
      org.tensorflow.op.Ops tf = org.tensorflow.op.Ops.create(g);
      var x = tf.withName("x").placeholder(org.tensorflow.types.TFloat32.class,
          org.tensorflow.op.core.Placeholder.shape(org.tensorflow.ndarray.Shape.of(-1, n)));
      var w = tf.withName("W").variable(tf.random.randomStandardNormal(tf.constant(new long[] {n, n}),
          org.tensorflow.types.TFloat32.class, org.tensorflow.op.random.RandomStandardNormal.seed(1L)));
      var y = tf.withName("y").linalg.matMul(x, w);
      try (org.tensorflow.Session s = new org.tensorflow.Session(g)) {
        s.initialize();
        SavedModelBundle.exporter(model.toString()).withSession(s).withFunction(org.tensorflow.SessionFunction
            .create(org.tensorflow.Signature.builder().key("serving_default").input("x", x).output("y", y).build(),
                s)).export();
      }
    }
    CompressReport fast = compress(model, "lowrank", "absolute_rank=8", ServingForm.FAST);
    assertTrue(fast.matrices().get(0).compressed());
    assertTrue(fast.notes().stream().noneMatch(n2 -> n2.startsWith("serving form fast")), fast.notes().toString());
    assertFalse(SavedModelDirectory.open(dir.resolve("FAST"), "serve").metaGraph().getSignatureDefMap()
        .containsKey(ModelExporter.INIT_OP_KEY));
  }

  /** A Keras model has an init op of its own (a NoOp): the export keeps it, and the fast form runs it first. */
  @org.junit.jupiter.api.Test
  void theModelsOwnInitOpIsMergedNotReplaced() throws Exception {
    Path keras = SavedModelCompressorTest.SHARED.resolve("keras_mnist_mlp_tf2.11");
    org.matcomp.Requirements.require(java.nio.file.Files.isDirectory(keras), "the shared Keras MLP at " + keras);
    assertEquals(java.util.Optional.of("NoOp"), SavedModelDirectory.open(keras, "serve").initOp());
    compress(keras, "kmeans", "absolute_rank=16", ServingForm.FAST);
    compress(keras, "kmeans", "absolute_rank=16", ServingForm.COMPACT);
    MetaGraphDef fast = SavedModelDirectory.open(dir.resolve("FAST"), "serve").metaGraph();
    assertEquals(java.util.Optional.of(GraphRewriter.MATERIALIZE),
        SavedModelDirectory.open(dir.resolve("FAST"), "serve").initOp());
    assertTrue(fast.getGraphDef().getNodeList().stream().filter(n -> n.getName().equals(GraphRewriter.MATERIALIZE))
        .findFirst().orElseThrow().getInputList().contains("^NoOp"));
    assertEquals(java.util.Optional.of("NoOp"), SavedModelDirectory.open(dir.resolve("COMPACT"), "serve").initOp());
  }
}
