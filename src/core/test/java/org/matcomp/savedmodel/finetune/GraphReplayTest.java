package org.matcomp.savedmodel.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.matcomp.savedmodel.TinyModels;
import org.matcomp.savedmodel.export.SampleInputs;
import org.matcomp.savedmodel.export.TensorValue;
import org.matcomp.savedmodel.trace.SavedModelDirectory;
import org.matcomp.savedmodel.trace.ServingGraph;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.proto.SignatureDef;

/**
 * A signature flattened and replayed into a fresh graph, every weight fed from the checkpoint, computes what the
 * SavedModel's own signature computes on the same inputs.
 */
class GraphReplayTest {
  static final Path SHARED = Path.of("../shared/testdata/savedmodels");
  /** Grappler may fuse ops differently in the function runtime than in a plain graph (oneDNN MatMul+BiasAdd). */
  static final double RELATIVE = 1e-6;

  /** Replays every signature of {@code model} on {@code feeds} (random when null) and compares with the bundle. */
  static void replaysLikeTheBundle(Path model, Path sampleInputs) throws Exception {
    SavedModelDirectory dir = SavedModelDirectory.open(model, "serve");
    ServingGraph serving = ServingGraph.of(dir);
    try (SavedModelBundle bundle = dir.load()) {
      for (Map.Entry<String, SignatureDef> sig : serving.signatures().entrySet()) {
        FlatGraph flat = FlatGraph.of(serving, sig.getKey());
        assertTrue(flat.nodesOfOp("StatefulPartitionedCall").isEmpty() && flat.nodesOfOp("PartitionedCall").isEmpty(),
            flat.toString());
        Map<String, TensorValue> feeds = sampleInputs != null
            ? SampleInputs.fromFiles(sig.getValue(), sampleInputs).feeds()
            : SampleInputs.random(sig.getValue(), 4, 17).orElseThrow().feeds();
        Map<String, TensorValue> expected = ReplayHarness.runBundle(bundle, sig.getKey(), feeds);
        Map<String, TensorValue> weights = ReplayHarness.weights(bundle, flat);
        try (ReplayHarness.Replayed r = ReplayHarness.replay(flat)) {
          Map<String, TensorValue> actual = ReplayHarness.runOutputs(r, feeds, weights);
          double worst = ReplayHarness.assertClose(expected, actual, RELATIVE, model.getFileName() + " "
              + sig.getKey());
          System.out.printf("replay %s %s: %d flat nodes, %d variables, worst relative difference %.3g%n",
              model.getFileName(), sig.getKey(), flat.nodes().size(), flat.variables().size(), worst);
        }
      }
    }
  }

  @Test
  void quickstartMlpReplaysLikeItsSignature() throws Exception {
    replaysLikeTheBundle(TinyModels.DIR.resolve("quickstart_mlp"), null);
  }

  @Test
  void tinyTf1GraphReplaysAllThreeSignatures() throws Exception {
    replaysLikeTheBundle(TinyModels.TF1, null);
  }

  @Test
  void tinyTf2FunctionsReplayWithTheEmbeddingGatheredFromTheGivenValue() throws Exception {
    replaysLikeTheBundle(TinyModels.TF2, null);
  }

  @Test
  void kerasMnistMlpReplaysLikeItsSignature() throws Exception {
    replaysLikeTheBundle(SHARED.resolve("keras_mnist_mlp_tf2.11"), null);
  }

  @Test
  void tf1MnistCnnReplaysLikeItsSignature() throws Exception {
    replaysLikeTheBundle(SHARED.resolve("tf1_mnist_cnn_tf1.9"), null);
  }

  @Test
  void refusesARefVariableAMissingWeightAndAWrongDtypeNamingTheVariable() {
    FlatGraph flat = FlatGraph.of(FunctionInlinerTest.nestedCalls(), FunctionInlinerTest.signature("x:0", "call:0"),
        "nested");
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Map<String, Operand<?>> x = Map.of("x", tf.constant(new float[][] {{1, 2, 3}, {4, 5, 6}}));
      Variable<TFloat32> ref = tf.withName("w_ref").variable(tf.constant(new float[][] {{1, 0}, {0, 1}, {1, 1}}));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> GraphReplay.replay(flat, g, "a", x, Map.of("w", ref)));
      assertTrue(e.getMessage().contains("w") && e.getMessage().contains("VariableV2"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> GraphReplay.replay(flat, g, "b", x, Map.of()));
      assertTrue(e.getMessage().contains("reads variables [w]"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> GraphReplay.replay(flat, g, "c", x, Map.of("w", tf.constant(new int[][] {{1, 0}}))));
      assertTrue(e.getMessage().contains("variable w is DT_FLOAT"), e.getMessage());
      // Identity of the ref is a value: accepted
      assertEquals(1, GraphReplay.replay(flat, g, "d", x, Map.of("w", tf.identity(ref))).size());
    }
  }
}
