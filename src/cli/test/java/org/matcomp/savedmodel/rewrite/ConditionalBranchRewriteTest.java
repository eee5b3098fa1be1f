package org.matcomp.savedmodel.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.matcomp.compressor.Factorization;
import org.matcomp.compressor.Method;
import org.matcomp.compressor.MatrixCompressor;
import org.matcomp.compressor.kmeans.KMeansMethod;
import org.matcomp.compressor.lowrank.LowRankCompressor;
import org.matcomp.compressor.lowrank.LowRankMethod;
import org.matcomp.compressor.prune.PruneMethod;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.savedmodel.ConditionalModels;
import org.matcomp.savedmodel.export.TensorValue;
import org.matcomp.savedmodel.trace.SavedModelDirectory;
import org.matcomp.savedmodel.trace.ServingGraph;
import org.matcomp.savedmodel.trace.VariableInfo;
import org.matcomp.savedmodel.trace.WeightMatrix;
import org.matcomp.spec.CompressionSpec;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;

/**
 * A rewritten conditional is still the conditional: in the Python-made {@code cond_module} an If reads w1 and w2 in
 * both branches, w3 in one (and w1 again outside), and a StatelessCase reads w4's value in two of its three
 * branches. With every weight factored, each branch must compute what the same model computes with the factors'
 * dense products as its weights — for both values of the flag and every index — and a full-rank factorization must
 * reproduce the original.
 */
class ConditionalBranchRewriteTest {
  private static final double RELATIVE_TOLERANCE = 1e-4;

  @TempDir
  Path dir;

  static Stream<Arguments> methods() {
    return Stream.of(Arguments.of(LowRankMethod.INSTANCE, "absolute_rank=8"),
        Arguments.of(KMeansMethod.INSTANCE, "absolute_rank=16"),
        Arguments.of(PruneMethod.INSTANCE, "target_sparsity=0.5"));
  }

  @ParameterizedTest
  @MethodSource("methods")
  void everyBranchComputesTheDenseProductsOfItsFactoredWeights(Method method, String hparams) throws Exception {
    Path model = ConditionalModels.model("cond_module");
    MatrixCompressor c = CompressionSpec.builder().name("t").method(method).build().withHparams(hparams).compressor();
    Path rewritten = dir.resolve("rewritten");
    Path reference = dir.resolve("reference");
    rewriteEveryWeight(model, method, (name, m) -> c.compress(name, m), rewritten, reference);
    for (ConditionalModels.Case k : ConditionalModels.everyBranch()) {
      Map<String, TensorValue> want = ConditionalModels.runHere(reference, k);
      Map<String, TensorValue> got = ConditionalModels.runHere(rewritten, k);
      assertClose(want, got, method + " " + k.label());
      // the factored weights show in every branch that reads one (index 2 reads none)
      double moved = maxDiff(ConditionalModels.runHere(model, k).get("y"), got.get("y"));
      if (!k.label().equals("index=2")) {
        assertTrue(moved > 1e-3, method + " " + k.label() + ": y moved only " + moved + " from the original");
      } else {
        assertEquals(0.0, moved, k.label() + " reads no weight");
      }
    }
  }

  @Test
  void fullRankReproducesTheOriginalThroughEveryBranch() throws Exception {
    Path model = ConditionalModels.model("cond_module");
    Path rewritten = dir.resolve("rewritten");
    rewriteEveryWeight(model, LowRankMethod.INSTANCE,
        (name, m) -> LowRankCompressor.withRank(Math.min(m.rows(), m.cols())).compress(name, m), rewritten,
        dir.resolve("reference"));
    for (ConditionalModels.Case k : ConditionalModels.everyBranch()) {
      assertClose(ConditionalModels.runHere(model, k), ConditionalModels.runHere(rewritten, k),
          "full rank " + k.label());
    }
  }

  @Test
  void theIfAndTheCaseTakeTheFactorsWhileTheirOutputsStay() throws Exception {
    Path model = ConditionalModels.model("cond_module");
    Path rewritten = dir.resolve("rewritten");
    rewriteEveryWeight(model, LowRankMethod.INSTANCE,
        (name, m) -> LowRankCompressor.withRank(8).compress(name, m), rewritten, dir.resolve("reference"));
    GraphDef before = SavedModelDirectory.open(model, "serve").metaGraph().getGraphDef();
    GraphDef after = SavedModelDirectory.open(rewritten, "serve").metaGraph().getGraphDef();

    NodeDef ifBefore = node(before, "If");
    NodeDef ifAfter = node(after, "If");
    // w1, w2, w3 each keep their input for B and append C: 4 arguments become 7, the first four keep their types
    List<DataType> tin = ifAfter.getAttrOrThrow("Tin").getList().getTypeList();
    assertEquals(7, tin.size());
    assertEquals(ifBefore.getAttrOrThrow("Tin").getList().getTypeList(), tin.subList(0, 4));
    assertEquals(List.of(DataType.DT_RESOURCE, DataType.DT_RESOURCE, DataType.DT_RESOURCE), tin.subList(4, 7));
    assertEquals(ifBefore.getAttrOrThrow("Tout"), ifAfter.getAttrOrThrow("Tout"));
    assertEquals(ifBefore.getAttrOrThrow("output_shapes"), ifAfter.getAttrOrThrow("output_shapes"));
    assertEquals(8, ifAfter.getInputList().stream().filter(s -> !s.startsWith("^")).count());
    // read-only handles: B in the weights' inputs 1, 3, 4 as before, C appended at 5, 6, 7
    assertEquals(List.of(1L, 3L, 4L, 5L, 6L, 7L), ifAfter.getAttrOrThrow("_read_only_resource_inputs").getList()
        .getIList().stream().sorted().toList());
    for (String attr : List.of("then_branch", "else_branch")) {
      FunctionDef f = function(after, ifAfter.getAttrOrThrow(attr).getFunc().getName());
      assertTrue(f.getSignature().getName().endsWith("_matcomp"), f.getSignature().getName());
      assertEquals(tin, argTypes(f.getSignature()), attr + " takes what the If passes");
      assertEquals(1, f.getSignature().getOutputArgCount());
    }
    // the false branch does not read w3: both its arguments for w3's factors are there, unused
    FunctionDef falseBranch = function(after, ifAfter.getAttrOrThrow("else_branch").getFunc().getName());
    FunctionDef falseBefore = function(before, ifBefore.getAttrOrThrow("else_branch").getFunc().getName());
    String w3Slot = falseBefore.getSignature().getInputArg(3).getName();
    String w3Appended = falseBranch.getSignature().getInputArg(6).getName();
    for (String arg : List.of(w3Slot, w3Appended)) {
      assertFalse(falseBranch.getNodeDefList().stream().anyMatch(n -> n.getInputList().contains(arg)),
          "the false branch reads '" + arg + "'");
    }

    // the StatelessCase takes w4's value: B's value in its place, C's appended; three branches alike
    NodeDef caseAfter = node(after, "StatelessCase");
    List<DataType> caseTin = caseAfter.getAttrOrThrow("Tin").getList().getTypeList();
    assertEquals(List.of(DataType.DT_FLOAT, DataType.DT_FLOAT, DataType.DT_FLOAT), caseTin);
    assertEquals(node(before, "StatelessCase").getAttrOrThrow("Tout"), caseAfter.getAttrOrThrow("Tout"));
    assertEquals(3, caseAfter.getAttrOrThrow("branches").getList().getFuncCount());
    for (var fn : caseAfter.getAttrOrThrow("branches").getList().getFuncList()) {
      assertEquals(caseTin, argTypes(function(after, fn.getName()).getSignature()), fn.getName());
    }

    List<String> variables = after.getNodeList().stream().filter(VariableInfo::isVariable).map(NodeDef::getName)
        .toList();
    for (String w : ConditionalModels.WEIGHTS.keySet()) {
      assertFalse(variables.contains(w), w + " is still a variable: " + variables);
    }
  }

  /**
   * Exports {@code model} with every cond_module weight replaced by {@code factor}'s factorization ({@code rewritten})
   * and with each weight set to that factorization's dense product ({@code reference}).
   */
  private static void rewriteEveryWeight(Path model, Method method,
      BiFunction<String, FloatMatrix, Factorization> factor, Path rewritten, Path reference) throws Exception {
    ServingGraph graph = ServingGraph.of(SavedModelDirectory.open(model, "serve"));
    Map<String, Factorization> factored = new LinkedHashMap<>();
    Map<String, float[]> dense = new LinkedHashMap<>();
    for (String name : ConditionalModels.WEIGHTS.keySet()) {
      WeightMatrix m = graph.matrices().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
      assertTrue(m.compressible(), name + ": " + m.problems());
      Factorization f = factor.apply(name, FloatMatrix.of(m.rows(), m.cols(), RewriteHarness.weight(model, name)));
      factored.put(name, f);
      dense.put(name, f.product().copyData());
    }
    RewriteHarness.exportRewritten(model, factored, InferenceFormEquivalenceTest.form(method), rewritten);
    RewriteHarness.exportWithValues(model, dense, reference);
  }

  /** Every output within 1e-4 of its scale (max |want|, at least 1). */
  private static void assertClose(Map<String, TensorValue> want, Map<String, TensorValue> got, String what) {
    assertEquals(want.keySet(), got.keySet(), what);
    for (String out : want.keySet()) {
      assertTrue(java.util.Arrays.equals(want.get(out).shape(), got.get(out).shape()), what + " " + out + " shape");
      double scale = Math.max(1, maxAbs(want.get(out)));
      double d = maxDiff(want.get(out), got.get(out));
      assertTrue(d <= RELATIVE_TOLERANCE * scale, what + ": output " + out + " differs by " + d + " (scale "
          + scale + ")");
    }
  }

  private static double maxDiff(TensorValue a, TensorValue b) {
    double[] x = a.asDoubles();
    double[] y = b.asDoubles();
    assertEquals(x.length, y.length);
    double max = 0;
    for (int i = 0; i < x.length; i++) {
      max = Math.max(max, Math.abs(x[i] - y[i]));
    }
    return max;
  }

  private static double maxAbs(TensorValue a) {
    double max = 0;
    for (double v : a.asDoubles()) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }

  /** The one node of {@code op} in the graph's functions (cond_module has one If and one StatelessCase). */
  private static NodeDef node(GraphDef g, String op) {
    List<NodeDef> found = new ArrayList<>();
    g.getLibrary().getFunctionList().forEach(f -> f.getNodeDefList().stream().filter(n -> n.getOp().equals(op))
        .forEach(found::add));
    assertEquals(1, found.size(), "nodes of " + op);
    return found.get(0);
  }

  private static FunctionDef function(GraphDef g, String name) {
    return g.getLibrary().getFunctionList().stream().filter(f -> f.getSignature().getName().equals(name))
        .findFirst().orElseThrow(() -> new AssertionError("no function " + name));
  }

  private static List<DataType> argTypes(OpDef sig) {
    return sig.getInputArgList().stream().map(OpDef.ArgDef::getType).toList();
  }
}
