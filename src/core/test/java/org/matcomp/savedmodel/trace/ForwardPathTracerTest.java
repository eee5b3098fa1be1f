package org.matcomp.savedmodel.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.matcomp.savedmodel.trace.ConsumerKind;
import org.matcomp.savedmodel.trace.Location;
import org.matcomp.savedmodel.trace.SavedModelDirectory;
import org.matcomp.savedmodel.trace.ServingGraph;
import org.matcomp.savedmodel.trace.VariableInfo;
import org.matcomp.savedmodel.trace.WeightMatrix;
import org.matcomp.savedmodel.trace.WeightSite;
import org.matcomp.savedmodel.TinyModels;

/** The tracer finds weights by data flow through call frames, never by name or shape. */
class ForwardPathTracerTest {
  static final Path SHARED = Path.of("../shared/testdata/savedmodels");

  private static ServingGraph graph(Path model) throws Exception {
    return ServingGraph.of(SavedModelDirectory.open(model, "serve"));
  }

  private static Map<String, WeightMatrix> byName(ServingGraph g) {
    return g.matrices().stream().collect(Collectors.toMap(WeightMatrix::name, m -> m));
  }

  @Test
  void kerasMlpKernelsAreFoundInsideTheWrappedModelFunction() throws Exception {
    ServingGraph g = graph(SHARED.resolve("keras_mnist_mlp_tf2.11"));
    Map<String, WeightMatrix> m = byName(g);
    assertEquals(Set2.of("dense/kernel", "dense_1/kernel"), m.keySet());
    WeightSite s = m.get("dense/kernel").sites().get(0);
    assertEquals(ConsumerKind.MATMUL, s.kind());
    assertEquals("__inference__wrapped_model_5601", s.location().function());
    assertEquals("model/dense/MatMul", s.consumer());
    assertEquals(1, s.weightInput());
    assertArrayEquals(new long[] {784, 100}, s.variable().shape());
    assertEquals(784, m.get("dense/kernel").rows());
    assertTrue(g.path().functions().containsAll(List.of("__inference_signature_wrapper_5802",
        "__inference__wrapped_model_5601")));
    assertTrue(g.path().variables().keySet().containsAll(List.of("dense/bias", "dense_1/bias")));
    assertEquals(List.of("count", "total", "count_1", "total_1"),
        g.unusedVariables().stream().map(VariableInfo::name).toList());
  }

  @Test
  void adamSlotsWithTheEmbeddingsShapeAreNotWeights() throws Exception {
    ServingGraph g = graph(SHARED.resolve("keras_taxifare_embedding_tf2.12"));
    Map<String, WeightMatrix> m = byName(g);
    assertEquals(Set2.of("pd_embed/embeddings", "h0/kernel", "h1/kernel", "fare/kernel"), m.keySet());
    WeightSite emb = m.get("pd_embed/embeddings").sites().get(0);
    assertEquals(ConsumerKind.RESOURCE_GATHER, emb.kind());
    assertEquals("model/pd_embed/embedding_lookup", emb.consumer());
    List<String> unused = g.unusedVariables().stream().map(VariableInfo::name).toList();
    assertTrue(unused.contains("Adam/m/pd_embed/embeddings") && unused.contains("Adam/v/pd_embed/embeddings"));
    VariableInfo slot = g.unusedVariables().stream().filter(v -> v.name().equals("Adam/m/pd_embed/embeddings"))
        .findFirst().orElseThrow();
    assertArrayEquals(emb.variable().shape(), slot.shape(), "the slot has the weight's shape: only flow tells them apart");
    assertTrue(m.get("pd_embed/embeddings").compressible(), m.get("pd_embed/embeddings").problems().toString());
  }

  @Test
  void tf1CnnReachesTheFullyConnectedWeightThroughItsIdentityRead() throws Exception {
    ServingGraph g = graph(SHARED.resolve("tf1_mnist_cnn_tf1.9"));
    Map<String, WeightMatrix> m = byName(g);
    WeightMatrix fc = m.get("Variable_6");
    assertEquals(1176, fc.rows());
    assertEquals(200, fc.cols());
    assertEquals(Location.TOP, fc.sites().get(0).location());
    assertEquals("MatMul", fc.sites().get(0).consumer());
    assertEquals(ConsumerKind.CONV2D, m.get("Variable_4").sites().get(0).kind());
    assertEquals(192, m.get("Variable_4").rows(), "a 4x4x12x24 filter is a 192x24 matrix");
    assertFalse(g.usesFunctions());
    assertEquals(10, g.unusedVariables().stream().filter(v -> v.name().endsWith("/Momentum")).count());
    assertTrue(g.pruned().getNodeCount() < 80, "training ops pruned: " + g.pruned().getNodeCount());
  }

  @Test
  void tinyTf1RecordsOrientationAndBlocksAWeightAlsoReadBySum() throws Exception {
    Map<String, WeightMatrix> m = byName(graph(TinyModels.TF1));
    WeightSite proj = m.get("proj_w").sites().get(0);
    assertEquals(0, proj.weightInput(), "projected = proj_w · embᵀ");
    assertTrue(proj.transposeB());
    assertTrue(m.get("out_w").sites().get(0).transposeB());
    assertEquals(ConsumerKind.GATHER, m.get("emb_w").sites().get(0).kind());
    assertEquals(ConsumerKind.CONV2D, m.get("conv_w").sites().get(0).kind());
    assertFalse(m.get("reg_w").compressible());
    assertEquals(List.of("read by Sum 'Sum' (input 0) in graph, which is not a matrix product matcomp rewrites"), m.get("reg_w").problems());
    assertTrue(m.values().stream().filter(w -> !w.name().equals("reg_w")).allMatch(WeightMatrix::compressible));
  }

  @Test
  void tinyTf2FollowsResourcesThroughTwoCallFrames() throws Exception {
    ServingGraph g = graph(TinyModels.TF2);
    Map<String, WeightMatrix> m = byName(g);
    assertEquals(Set2.of("dense/kernel", "emb/embeddings", "tied/kernel"), m.keySet());
    for (WeightMatrix w : m.values()) {
      assertEquals("__inference__wrapped_model_22", w.sites().get(0).location().function());
      assertEquals(1, w.uses().sites().size(), w.name());
    }
    assertEquals(List.of("Adam/m/dense/kernel", "count"), g.unusedVariables().stream().map(VariableInfo::name)
        .toList());
  }

  /** Set.of with a readable failure message order. */
  static final class Set2 {
    static java.util.Set<String> of(String... s) {
      return java.util.Set.of(s);
    }
  }
}
