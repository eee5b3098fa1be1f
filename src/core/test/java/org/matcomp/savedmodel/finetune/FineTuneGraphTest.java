package org.matcomp.savedmodel.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.matcomp.compressor.lowrank.LowRankMethod;
import org.matcomp.savedmodel.export.TensorValue;
import org.matcomp.savedmodel.rewrite.Attrs;
import org.matcomp.spec.CompressionSpec;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;

/** A model with an op TensorFlow cannot differentiate on the path is bad input, named, with the alternative. */
class FineTuneGraphTest {
  private static final AttrValue FLOAT = AttrValue.newBuilder().setType(DataType.DT_FLOAT).build();

  private static NodeDef.Builder node(String name, String op, String... inputs) {
    return NodeDef.newBuilder().setName(name).setOp(op).addAllInput(List.of(inputs));
  }

  @Test
  void anOpWithoutAGradientIsRefusedNamingItAndCompress() {
    // y = IdentityN(x·W): TF 2.18 has no C++ gradient for IdentityN
    GraphDef g = GraphDef.newBuilder()
        .addNode(node("x", "Placeholder").putAttr("dtype", FLOAT).putAttr("shape", Attrs.shape(new long[] {-1, 2})))
        .addNode(node("w", "VarHandleOp").putAttr("dtype", FLOAT).putAttr("shape", Attrs.shape(new long[] {2, 2}))
            .putAttr("shared_name", Attrs.string("w")))
        .addNode(node("read", "ReadVariableOp", "w").putAttr("dtype", FLOAT))
        .addNode(node("mm", "MatMul", "x", "read").putAttr("T", FLOAT))
        .addNode(node("y", "IdentityN", "mm").putAttr("T", Attrs.types(List.of(DataType.DT_FLOAT))))
        .build();
    SignatureDef sig = SignatureDef.newBuilder().putInputs("x", TensorInfo.newBuilder().setName("x:0")
        .setDtype(DataType.DT_FLOAT).build()).putOutputs("y", TensorInfo.newBuilder().setName("y:0")
        .setDtype(DataType.DT_FLOAT).build()).build();
    FlatGraph flat = FlatGraph.of(g, sig, "s");
    TrainedOutput output = TrainedOutput.choose(sig, java.util.Optional.empty());
    CompressionSpec spec = SavedModelFineTuner.scheduleDefaults(100).method(LowRankMethod.INSTANCE).absoluteRank(1)
        .build();
    Map<String, TensorValue> values = Map.of("w", TensorValue.ofFloats(new long[] {2, 2}, new float[] {1, 2, 3, 4}));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FineTuneGraph(flat, sig,
        output, Loss.parse("mse", OutputForm.LOGITS), values, Map.of(), Map.of(), Map.of("w", spec), DataType.DT_FLOAT, false,
        1e-3f, org.matcomp.cluster.VariablePlacement.local(), 0).close());
    assertEquals("the model cannot be trained from the JVM: TensorFlow has no C++ gradient for op IdentityN on the"
        + " path from the weights to the output; use compress (post hoc) for this model", e.getMessage());
  }
}
