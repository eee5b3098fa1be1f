package org.matcomp.savedmodel.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.matcomp.savedmodel.TinyModels;
import org.matcomp.savedmodel.export.TensorValue;
import org.matcomp.savedmodel.rewrite.Attrs;
import org.matcomp.savedmodel.trace.SavedModelDirectory;
import org.matcomp.savedmodel.trace.ServingGraph;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.FunctionDefLibrary;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NameAttrList;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;

/** Function calls become one flat graph: names, argument and output mapping, nested calls, blocked control flow. */
class FunctionInlinerTest {
  private static final AttrValue FLOAT = Attrs.type(DataType.DT_FLOAT);

  private static NodeDef.Builder node(String name, String op, String... inputs) {
    return NodeDef.newBuilder().setName(name).setOp(op).addAllInput(List.of(inputs));
  }

  private static OpDef.ArgDef arg(String name, DataType t) {
    return OpDef.ArgDef.newBuilder().setName(name).setType(t).build();
  }

  private static AttrValue func(String name) {
    return AttrValue.newBuilder().setFunc(NameAttrList.newBuilder().setName(name)).build();
  }

  /**
   * {@code call = StatefulPartitionedCall(x, w) → outer}; outer reads w, multiplies, and calls
   * {@code inner = PartitionedCall(x·W) → (row 1, −row 0)} whose Unpack output list is read at index 1 and 0;
   * outer returns row 1 − row 0 of x·W through {@code inner:output:0 + inner:output:1}.
   */
  static GraphDef nestedCalls() {
    FunctionDef inner = FunctionDef.newBuilder()
        .setSignature(OpDef.newBuilder().setName("inner").addInputArg(arg("a", DataType.DT_FLOAT))
            .addOutputArg(arg("second", DataType.DT_FLOAT)).addOutputArg(arg("minus_first", DataType.DT_FLOAT)))
        .addNodeDef(node("rows", "Unpack", "a").putAttr("T", FLOAT).putAttr("num", Attrs.integer(2))
            .putAttr("axis", Attrs.integer(0)))
        .addNodeDef(node("neg", "Neg", "rows:output:0").putAttr("T", FLOAT))
        .putRet("second", "rows:output:1").putRet("minus_first", "neg:y:0").build();
    FunctionDef outer = FunctionDef.newBuilder()
        .setSignature(OpDef.newBuilder().setName("outer").setIsStateful(true).addInputArg(arg("x", DataType.DT_FLOAT))
            .addInputArg(arg("w", DataType.DT_RESOURCE)).addOutputArg(arg("y", DataType.DT_FLOAT))
            .addControlOutput("read"))
        .addNodeDef(node("read", "ReadVariableOp", "w").putAttr("dtype", FLOAT))
        .addNodeDef(node("mm", "MatMul", "x", "read:value:0").putAttr("T", FLOAT))
        .addNodeDef(node("inner", "PartitionedCall", "mm:product:0")
            .putAttr("Tin", Attrs.types(List.of(DataType.DT_FLOAT)))
            .putAttr("Tout", Attrs.types(List.of(DataType.DT_FLOAT, DataType.DT_FLOAT))).putAttr("f", func("inner")))
        .addNodeDef(node("sum", "AddV2", "inner:output:0", "inner:output:1").putAttr("T", FLOAT))
        .putRet("y", "sum:z:0").putControlRet("read", "read").build();
    return GraphDef.newBuilder().setLibrary(FunctionDefLibrary.newBuilder().addFunction(inner).addFunction(outer))
        .addNode(node("x", "Placeholder").putAttr("dtype", FLOAT).putAttr("shape", Attrs.shape(new long[] {2, 3})))
        .addNode(node("w", "VarHandleOp").putAttr("dtype", FLOAT).putAttr("shape", Attrs.shape(new long[] {3, 2}))
            .putAttr("shared_name", Attrs.string("w")))
        .addNode(node("call", "StatefulPartitionedCall", "x", "w")
            .putAttr("Tin", Attrs.types(List.of(DataType.DT_FLOAT, DataType.DT_RESOURCE)))
            .putAttr("Tout", Attrs.types(List.of(DataType.DT_FLOAT))).putAttr("f", func("outer")))
        .build();
  }

  static SignatureDef signature(String input, String output) {
    return SignatureDef.newBuilder().putInputs("x", TensorInfo.newBuilder().setName(input).build())
        .putOutputs("y", TensorInfo.newBuilder().setName(output).build()).build();
  }

  @Test
  void nestedCallsInlineUnderTheirCallNamesWithListOutputsIndexedFlat() {
    FlatGraph flat = FlatGraph.of(nestedCalls(), signature("x:0", "call:0"), "nested");
    assertTrue(flat.nodesOfOp("StatefulPartitionedCall").isEmpty() && flat.nodesOfOp("PartitionedCall").isEmpty());
    assertEquals("call/sum:0", flat.outputs().get("y"), "the signature output is what outer returns");
    assertEquals("x:0", flat.inputs().get("x"));
    assertEquals(List.of("call/inner/rows:1", "call/inner/neg"), flat.node("call/sum").getInputList(),
        "inner:output:0 is Unpack output 1, inner:output:1 is Neg's");
    assertEquals(List.of("call/mm"), flat.node("call/inner/rows").getInputList(), "inner's argument a is outer's mm");
    assertEquals(List.of("x", "call/read"), flat.node("call/mm").getInputList(), "outer's argument x is the graph's x");
    assertEquals(List.of("w"), flat.node("call/read").getInputList(), "the resource argument is the VarHandleOp");
    assertEquals(List.of("call/read"), flat.variables().get("w").reads());
    assertTrue(flat.trainable());
    assertEquals(0, flat.graph().getLibrary().getFunctionCount(), "no function is left to call");

    // y = row 1 − row 0 of x·W
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Map<String, Output<?>> out = GraphReplay.replay(flat, g, "fwd",
          Map.of("x", tf.constant(new float[][] {{1, 2, 3}, {4, 5, 6}})),
          Map.of("w", tf.constant(new float[][] {{1, 0}, {0, 1}, {1, 1}})));
      try (org.tensorflow.Session s = new org.tensorflow.Session(g);
          var r = s.runner().fetch(out.get("y")).run()) {
        // x·W = [[4, 5], [10, 11]]; row 1 − row 0 = [6, 6]
        assertArrayEquals(new float[] {6, 6}, TensorValue.of(r.get(0)).floats());
      }
    }
  }

  @Test
  void aControlInputOnTheCallWaitsForItsReturnValuesAndControlRet() {
    GraphDef g = nestedCalls().toBuilder()
        .addNode(node("after", "Identity", "x", "^call").putAttr("T", FLOAT)).build();
    FlatGraph flat = FlatGraph.of(g, signature("x:0", "after:0"), "control");
    assertEquals("NoOp", flat.node("call").getOp());
    assertEquals(List.of("^call/sum", "^call/read"), flat.node("call").getInputList());
  }

  @Test
  void multiOutputArgumentsCountListLengthsFromTheOpDef() {
    // CTCBeamSearchDecoder: decoded_indices, decoded_values, decoded_shape are top_paths tensors each
    NodeDef ctc = node("ctc", "CTCBeamSearchDecoder").putAttr("top_paths", Attrs.integer(2)).build();
    OpDef op = OpArgs.registered("CTCBeamSearchDecoder").orElseThrow();
    assertEquals(6, OpArgs.flatOutput(ctc, op, "log_probability", 0));
    assertEquals(5, OpArgs.flatOutput(ctc, op, "decoded_shape", 1));
    assertThrows(IllegalArgumentException.class, () -> OpArgs.flatOutput(ctc, op, "decoded_values", 2));
  }

  @Test
  void tinyTf2WrapperModelAndSoftmaxFunctionsInlineThreeLevelsDeep() throws Exception {
    FlatGraph flat = FlatGraph.of(ServingGraph.of(SavedModelDirectory.open(TinyModels.TF2, "serve")),
        "serving_default");
    assertEquals("StatefulPartitionedCall/Identity:0", flat.outputs().get("probs"));
    assertEquals("Softmax",
        flat.node("StatefulPartitionedCall/StatefulPartitionedCall/model/softmax/softmax/Softmax").getOp());
    assertEquals(List.of("StatefulPartitionedCall/StatefulPartitionedCall/model/emb/embedding_lookup"),
        flat.variables().get("emb/embeddings").reads());
    assertEquals(List.of("StatefulPartitionedCall/StatefulPartitionedCall/model/dense/MatMul/ReadVariableOp"),
        flat.variables().get("dense/kernel").reads());
    assertEquals(List.of("dense/kernel", "dense/bias", "emb/embeddings", "tied/kernel"),
        List.copyOf(flat.variables().keySet()), "Adam slots and metrics are not on the path");
    try (Graph g = new Graph()) {
      g.importGraphDef(flat.graph()); // TensorFlow accepts the flat GraphDef as it stands
    }
  }

  /**
   * Keras LSTM / GRU read their kernels inside a While body: reported, naming the loop, and refused by a replay. Run
   * on the zoo by the CLI module's ZooFlatGraphTest, which builds the zoo.
   */
  static void recurrentModelIsBlockedByItsLoop(Path model) throws Exception {
    String name = model.getFileName().toString();
    FlatGraph flat = FlatGraph.of(ServingGraph.of(SavedModelDirectory.open(model, "serve")), "serving_default");
    assertFalse(flat.trainable());
    TrainingBlocker loop = flat.blockers().stream().filter(b -> b.op().endsWith("While")).findFirst().orElseThrow(
        () -> new AssertionError("no loop among " + flat.blockers()));
    assertFalse(loop.variables().isEmpty(), loop.toString());
    String why = flat.whyNotTrainable().orElseThrow();
    assertTrue(why.contains(loop.node()) && why.contains("use compress (post hoc)"), why);
    System.out.println(name + ": " + why);
    try (Graph g = new Graph()) {
      Map<String, Output<?>> inputs = Map.of(flat.inputs().keySet().iterator().next(),
          ReplayHarness.placeholder(g, "tokens", DataType.DT_INT32));
      Map<String, Output<?>> vars = new java.util.LinkedHashMap<>();
      int i = 0;
      for (FlatVariable v : flat.variables().values()) {
        vars.put(v.name(), ReplayHarness.placeholder(g, "w" + i++, v.variable().dtype()));
      }
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> GraphReplay.replay(flat, g, "fwd", inputs, vars));
      assertTrue(e.getMessage().contains("While"), e.getMessage());
    }
  }
}
