package org.matcomp.savedmodel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.FunctionDefLibrary;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NameAttrList;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;
import org.tensorflow.proto.ResourceHandleProto;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.matcomp.savedmodel.export.ModelExporter;
import org.matcomp.savedmodel.export.OutputDirectory;
import org.matcomp.savedmodel.export.ResourceSaverBuilder;
import org.matcomp.savedmodel.export.TensorValue;
import org.matcomp.savedmodel.rewrite.Attrs;

/**
 * Generates the tiny SavedModels in {@code testdata/savedmodels/} (a few KB each) that the fast tests compress.
 * Regenerate with {@code mvn -q -o test-compile && java -cp "target/test-classes:target/classes:$(cat cp.txt)"
 * org.matcomp.savedmodel.TinyModels testdata/savedmodels} (cp.txt from {@code mvn dependency:build-classpath}).
 *
 * <ul>
 *   <li>{@code tiny_tf1_graph}: a TF-Java graph of VariableV2s (the TF1 layout) with three signatures — a Conv2D
 *       classifier whose second MatMul uses {@code transpose_b}; an embedding (GatherV2) projected by a weight on
 *       the left of a MatMul; and a layer whose weight a Sum also reads (unrewritable) — plus a Momentum slot with
 *       its train op and a global step that serving never reads.
 *   <li>{@code tiny_tf2_functions}: the TF2/Keras layout, hand-built: VarHandleOps at top level passed through a
 *       StatefulPartitionedCall wrapper into a model function that reads them (ReadVariableOp → MatMul,
 *       ResourceGather, a transposed MatMul) and calls a stateless PartitionedCall; an Adam slot and a metric
 *       variable that serving never reads.
 * </ul>
 */
public final class TinyModels {
  public static final Path DIR = Path.of("testdata/savedmodels");
  public static final Path TF1 = DIR.resolve("tiny_tf1_graph");
  public static final Path TF2 = DIR.resolve("tiny_tf2_functions");
  public static final Path ARCHITECTURES = DIR.resolve("tiny_architectures");

  private TinyModels() {}

  public static void main(String[] args) throws IOException {
    Path dir = args.length > 0 ? Path.of(args[0]) : DIR;
    writeTf1(dir.resolve("tiny_tf1_graph"));
    writeTf2(dir.resolve("tiny_tf2_functions"));
    writeArchitectures(dir.resolve("tiny_architectures"));
  }

  /**
   * The consumers of real architectures, on VariableV2 weights: Einsums with the weight second ('btd,de->bte'),
   * with its contracted axis in the middle ('btc,dce->btde') and first ('cd,btc->btd'); BatchMatMulV2-style products
   * of a 3-D input with a rank-2 weight, plain and adj_y; a depthwise convolution; and an Einsum that is no matrix
   * product of its weight ('btd,tde->bte': t is on every side).
   */
  static void writeArchitectures(Path dir) throws IOException {
    OutputDirectory.deleteRecursively(dir);
    Random rnd = new Random(11);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 4, 6)));
      Variable<TFloat32> e1 = tf.withName("einsum_right").variable(tf.constant(Shape.of(6, 8),
          DataBuffers.of(random(rnd, 48, 0.4f))));
      Variable<TFloat32> e2 = tf.withName("einsum_middle").variable(tf.constant(Shape.of(2, 6, 4),
          DataBuffers.of(random(rnd, 48, 0.4f))));
      Variable<TFloat32> e3 = tf.withName("einsum_left").variable(tf.constant(Shape.of(6, 8),
          DataBuffers.of(random(rnd, 48, 0.4f))));
      Variable<TFloat32> b1 = tf.withName("batched").variable(tf.constant(Shape.of(6, 8),
          DataBuffers.of(random(rnd, 48, 0.4f))));
      Variable<TFloat32> b2 = tf.withName("batched_adj").variable(tf.constant(Shape.of(8, 6),
          DataBuffers.of(random(rnd, 48, 0.4f))));
      Variable<TFloat32> dw = tf.withName("depthwise").variable(tf.constant(Shape.of(2, 4, 2, 2),
          DataBuffers.of(random(rnd, 32, 0.4f))));
      var y1 = tf.linalg.einsum(List.of(x, tf.withName("einsum_right_read").identity(e1)), "btd,de->bte");
      var y2 = tf.reshape(tf.linalg.einsum(List.of(x, tf.withName("einsum_middle_read").identity(e2)),
          "btc,dce->btde"), tf.constant(new int[] {-1, 4, 8}));
      var y3 = tf.linalg.einsum(List.of(tf.withName("einsum_left_read").identity(e3), x), "cd,btc->btd");
      var y4 = tf.train.batchMatMul(x, tf.withName("batched_read").identity(b1), TFloat32.class);
      var y5 = tf.train.batchMatMul(x, tf.withName("batched_adj_read").identity(b2), TFloat32.class,
          org.tensorflow.op.train.BatchMatMul.adjY(true));
      var image = tf.reshape(x, tf.constant(new int[] {-1, 4, 3, 2}));
      var y6 = tf.reshape(tf.nn.depthwiseConv2dNative(image, tf.withName("depthwise_read").identity(dw),
          List.of(1L, 1L, 1L, 1L), "SAME"), tf.constant(new int[] {-1, 4, 12}));
      // an Einsum whose weight shares the t axis with input and output: no matrix view, reported and left dense
      Variable<TFloat32> eb = tf.withName("einsum_batch").variable(tf.constant(Shape.of(4, 6, 2),
          DataBuffers.of(random(rnd, 48, 0.4f))));
      var y7 = tf.linalg.einsum(List.of(x, tf.withName("einsum_batch_read").identity(eb)), "btd,tde->bte");
      var y = tf.withName("y").concat(List.of(y1, y2, y3, y4, y5, y6, y7), tf.constant(2));
      try (Session s = new Session(g)) {
        s.initialize();
        SavedModelBundle.exporter(dir.toString()).withSession(s)
            .withFunction(SessionFunction.create(Signature.builder().key("serving_default").input("x", x)
                .output("y", y).build(), s))
            .export();
      }
    }
  }

  private static float[] random(Random rnd, int n, float scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rnd.nextGaussian() * scale;
    }
    return v;
  }

  static void writeTf1(Path dir) throws IOException {
    OutputDirectory.deleteRecursively(dir);
    Random rnd = new Random(7);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, 4, 4, 2)));
      Variable<TFloat32> convW = tf.withName("conv_w").variable(tf.constant(Shape.of(3, 3, 2, 8),
          DataBuffers.of(random(rnd, 144, 0.4f))));
      var conv = tf.nn.relu(tf.nn.conv2d(x, convW, List.of(1L, 1L, 1L, 1L), "SAME"));
      var flat = tf.reshape(conv, tf.constant(new int[] {-1, 128}));
      Variable<TFloat32> fc1W = tf.withName("fc1_w").variable(tf.constant(Shape.of(128, 16),
          DataBuffers.of(random(rnd, 2048, 0.1f))));
      var fc1Read = tf.withSubScope("fc1_w").withName("read").identity(fc1W);
      Variable<TFloat32> fc1B = tf.withName("fc1_b").variable(tf.constant(random(rnd, 16, 0.1f)));
      var h = tf.nn.relu(tf.math.add(tf.linalg.matMul(flat, fc1Read), fc1B));
      Variable<TFloat32> outW = tf.withName("out_w").variable(tf.constant(Shape.of(10, 16),
          DataBuffers.of(random(rnd, 160, 0.3f))));
      Variable<TFloat32> outB = tf.withName("out_b").variable(tf.constant(random(rnd, 10, 0.1f)));
      var logits = tf.math.add(tf.linalg.matMul(h, outW, MatMul.transposeB(true)), outB);
      var probs = tf.withName("probs").nn.softmax(logits);

      Placeholder<TInt32> ids = tf.withName("ids").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
      Variable<TFloat32> embW = tf.withName("emb_w").variable(tf.constant(Shape.of(50, 16),
          DataBuffers.of(random(rnd, 800, 1f))));
      var rows = tf.gather(tf.withSubScope("emb_w").withName("read").identity(embW), ids, tf.constant(0));
      Variable<TFloat32> projW = tf.withName("proj_w").variable(tf.constant(Shape.of(6, 16),
          DataBuffers.of(random(rnd, 96, 0.5f))));
      var projected = tf.withName("projected").linalg.matMul(projW, rows, MatMul.transposeB(true));

      Placeholder<TFloat32> z = tf.withName("z").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 16)));
      Variable<TFloat32> regW = tf.withName("reg_w").variable(tf.constant(Shape.of(16, 16),
          DataBuffers.of(random(rnd, 256, 0.2f))));
      var regularized = tf.withName("regularized").math.add(tf.linalg.matMul(z, regW),
          tf.sum(regW, tf.constant(new int[] {0, 1})));

      Variable<TFloat32> slot = tf.withName("fc1_w_Momentum").variable(tf.zeros(tf.constant(new int[] {128, 16}),
          TFloat32.class));
      tf.withName("train").train.applyMomentum(fc1W, slot, tf.constant(0.1f),
          tf.onesLike(fc1W), tf.constant(0.9f));
      tf.withName("global_step").variable(tf.constant(0L));

      try (Session s = new Session(g)) {
        s.initialize();
        SavedModelBundle.exporter(dir.toString()).withSession(s)
            .withFunction(SessionFunction.create(Signature.builder().key("serving_default").input("x", x)
                .output("probs", probs).build(), s))
            .withFunction(SessionFunction.create(Signature.builder().key("embed").input("ids", ids)
                .output("projected", projected).build(), s))
            .withFunction(SessionFunction.create(Signature.builder().key("regularized").input("z", z)
                .output("y", regularized).build(), s))
            .export();
      }
    }
  }

  // ---- TF2 layout, built as protos ----

  private static NodeDef.Builder node(String name, String op, String... inputs) {
    return NodeDef.newBuilder().setName(name).setOp(op).addAllInput(List.of(inputs));
  }

  private static OpDef.ArgDef arg(String name, DataType t) {
    return OpDef.ArgDef.newBuilder().setName(name).setType(t).build();
  }

  private static OpDef.ArgDef resource(String name, long... shape) {
    return OpDef.ArgDef.newBuilder().setName(name).setType(DataType.DT_RESOURCE)
        .addHandleData(ResourceHandleProto.DtypeAndShape.newBuilder().setDtype(DataType.DT_FLOAT)
            .setShape(Attrs.shapeProto(shape))).build();
  }

  private static AttrValue func(String name) {
    return AttrValue.newBuilder().setFunc(NameAttrList.newBuilder().setName(name)).build();
  }

  private static final AttrValue FLOAT = Attrs.type(DataType.DT_FLOAT);

  static GraphDef tf2Graph() {
    FunctionDef softmax = FunctionDef.newBuilder()
        .setSignature(OpDef.newBuilder().setName("__inference_softmax_11").addInputArg(arg("logits", DataType.DT_FLOAT))
            .addOutputArg(arg("identity", DataType.DT_FLOAT)))
        .addNodeDef(node("softmax/Softmax", "Softmax", "logits").putAttr("T", FLOAT))
        .putRet("identity", "softmax/Softmax:softmax:0").build();

    FunctionDef model = FunctionDef.newBuilder()
        .setSignature(OpDef.newBuilder().setName("__inference__wrapped_model_22").setIsStateful(true)
            .addInputArg(arg("x", DataType.DT_FLOAT)).addInputArg(arg("ids", DataType.DT_INT64))
            .addInputArg(resource("model_dense_matmul_readvariableop_resource", 8, 6))
            .addInputArg(resource("model_dense_biasadd_readvariableop_resource", 6))
            .addInputArg(resource("model_emb_embedding_lookup_resource", 20, 6))
            .addInputArg(resource("model_tied_matmul_readvariableop_resource", 6, 6))
            .addOutputArg(arg("identity", DataType.DT_FLOAT))
            .addAllControlOutput(List.of("model/dense/MatMul/ReadVariableOp", "model/dense/BiasAdd/ReadVariableOp",
                "model/emb/embedding_lookup", "model/tied/MatMul/ReadVariableOp")))
        .addNodeDef(node("model/dense/MatMul/ReadVariableOp", "ReadVariableOp",
            "model_dense_matmul_readvariableop_resource").putAttr("dtype", FLOAT))
        .addNodeDef(node("model/dense/MatMul", "MatMul", "x", "model/dense/MatMul/ReadVariableOp:value:0")
            .putAttr("T", FLOAT))
        .addNodeDef(node("model/dense/BiasAdd/ReadVariableOp", "ReadVariableOp",
            "model_dense_biasadd_readvariableop_resource").putAttr("dtype", FLOAT))
        .addNodeDef(node("model/dense/BiasAdd", "BiasAdd", "model/dense/MatMul:product:0",
            "model/dense/BiasAdd/ReadVariableOp:value:0").putAttr("T", FLOAT))
        .addNodeDef(node("model/dense/Relu", "Relu", "model/dense/BiasAdd:output:0").putAttr("T", FLOAT))
        .addNodeDef(node("model/emb/embedding_lookup", "ResourceGather", "model_emb_embedding_lookup_resource", "ids")
            .putAttr("dtype", FLOAT).putAttr("Tindices", Attrs.type(DataType.DT_INT64))
            .putAttr("batch_dims", Attrs.integer(0)).putAttr("validate_indices", Attrs.bool(true)))
        .addNodeDef(node("model/emb/Sum/axis", "Const").putAttr("dtype", Attrs.type(DataType.DT_INT32))
            .putAttr("value", Attrs.int32Scalar(1)))
        .addNodeDef(node("model/emb/Sum", "Sum", "model/emb/embedding_lookup:output:0",
            "model/emb/Sum/axis:output:0").putAttr("T", FLOAT).putAttr("Tidx", Attrs.type(DataType.DT_INT32))
            .putAttr("keep_dims", Attrs.bool(false)))
        .addNodeDef(node("model/add", "AddV2", "model/dense/Relu:activations:0", "model/emb/Sum:output:0")
            .putAttr("T", FLOAT))
        .addNodeDef(node("model/tied/MatMul/ReadVariableOp", "ReadVariableOp",
            "model_tied_matmul_readvariableop_resource").putAttr("dtype", FLOAT))
        .addNodeDef(node("model/tied/MatMul", "MatMul", "model/add:z:0", "model/tied/MatMul/ReadVariableOp:value:0")
            .putAttr("T", FLOAT).putAttr("transpose_b", Attrs.bool(true)))
        .addNodeDef(node("model/softmax", "PartitionedCall", "model/tied/MatMul:product:0")
            .putAttr("Tin", Attrs.types(List.of(DataType.DT_FLOAT))).putAttr("Tout", Attrs.types(List.of(DataType.DT_FLOAT)))
            .putAttr("f", func("__inference_softmax_11")))
        .addNodeDef(node("Identity", "Identity", "model/softmax:output:0", "^NoOp").putAttr("T", FLOAT))
        .addNodeDef(node("NoOp", "NoOp", "^model/dense/MatMul/ReadVariableOp", "^model/dense/BiasAdd/ReadVariableOp",
            "^model/emb/embedding_lookup", "^model/tied/MatMul/ReadVariableOp"))
        .putRet("identity", "Identity:output:0")
        .putControlRet("model/dense/MatMul/ReadVariableOp", "model/dense/MatMul/ReadVariableOp")
        .putControlRet("model/dense/BiasAdd/ReadVariableOp", "model/dense/BiasAdd/ReadVariableOp")
        .putControlRet("model/emb/embedding_lookup", "model/emb/embedding_lookup")
        .putControlRet("model/tied/MatMul/ReadVariableOp", "model/tied/MatMul/ReadVariableOp")
        .build();

    List<DataType> tin = List.of(DataType.DT_FLOAT, DataType.DT_INT64, DataType.DT_RESOURCE, DataType.DT_RESOURCE,
        DataType.DT_RESOURCE, DataType.DT_RESOURCE);
    FunctionDef wrapper = FunctionDef.newBuilder()
        .setSignature(OpDef.newBuilder().setName("__inference_signature_wrapper_33").setIsStateful(true)
            .addInputArg(arg("x", DataType.DT_FLOAT)).addInputArg(arg("ids", DataType.DT_INT64))
            .addInputArg(resource("unknown", 8, 6)).addInputArg(resource("unknown_0", 6))
            .addInputArg(resource("unknown_1", 20, 6)).addInputArg(resource("unknown_2", 6, 6))
            .addOutputArg(arg("identity", DataType.DT_FLOAT)).addControlOutput("StatefulPartitionedCall"))
        .addNodeDef(node("StatefulPartitionedCall", "StatefulPartitionedCall", "x", "ids", "unknown", "unknown_0",
            "unknown_1", "unknown_2").putAttr("Tin", Attrs.types(tin))
            .putAttr("Tout", Attrs.types(List.of(DataType.DT_FLOAT))).putAttr("f", func("__inference__wrapped_model_22"))
            .putAttr("_read_only_resource_inputs", Attrs.ints(2, 3, 4, 5)))
        .addNodeDef(node("Identity", "Identity", "StatefulPartitionedCall:output:0", "^NoOp").putAttr("T", FLOAT))
        .addNodeDef(node("NoOp", "NoOp", "^StatefulPartitionedCall"))
        .putRet("identity", "Identity:output:0")
        .putControlRet("StatefulPartitionedCall", "StatefulPartitionedCall").build();

    GraphDef.Builder g = GraphDef.newBuilder()
        .setLibrary(FunctionDefLibrary.newBuilder().addFunction(softmax).addFunction(model).addFunction(wrapper));
    g.addNode(node("serving_default_x", "Placeholder").putAttr("dtype", FLOAT)
        .putAttr("shape", Attrs.shape(new long[] {-1, 8})));
    g.addNode(node("serving_default_ids", "Placeholder").putAttr("dtype", Attrs.type(DataType.DT_INT64))
        .putAttr("shape", Attrs.shape(new long[] {-1, 2})));
    for (Map.Entry<String, long[]> v : tf2Variables().entrySet()) {
      g.addNode(node(v.getKey(), "VarHandleOp").putAttr("dtype", FLOAT).putAttr("shape", Attrs.shape(v.getValue()))
          .putAttr("shared_name", Attrs.string(v.getKey())).putAttr("container", Attrs.string("")));
    }
    g.addNode(node("StatefulPartitionedCall", "StatefulPartitionedCall", "serving_default_x", "serving_default_ids",
        "dense/kernel", "dense/bias", "emb/embeddings", "tied/kernel").putAttr("Tin", Attrs.types(tin))
        .putAttr("Tout", Attrs.types(List.of(DataType.DT_FLOAT))).putAttr("f", func("__inference_signature_wrapper_33"))
        .putAttr("_read_only_resource_inputs", Attrs.ints(2, 3, 4, 5)));
    return g.build();
  }

  static Map<String, long[]> tf2Variables() {
    Map<String, long[]> v = new LinkedHashMap<>();
    v.put("dense/kernel", new long[] {8, 6});
    v.put("dense/bias", new long[] {6});
    v.put("emb/embeddings", new long[] {20, 6});
    v.put("tied/kernel", new long[] {6, 6});
    v.put("Adam/m/dense/kernel", new long[] {8, 6});
    v.put("count", new long[0]);
    return v;
  }

  static SignatureDef tf2Signature() {
    return SignatureDef.newBuilder().setMethodName("tensorflow/serving/predict")
        .putInputs("x", TensorInfo.newBuilder().setName("serving_default_x:0").setDtype(DataType.DT_FLOAT)
            .setTensorShape(Attrs.shapeProto(new long[] {-1, 8})).build())
        .putInputs("ids", TensorInfo.newBuilder().setName("serving_default_ids:0").setDtype(DataType.DT_INT64)
            .setTensorShape(Attrs.shapeProto(new long[] {-1, 2})).build())
        .putOutputs("probs", TensorInfo.newBuilder().setName("StatefulPartitionedCall:0").setDtype(DataType.DT_FLOAT)
            .setTensorShape(Attrs.shapeProto(new long[] {-1, 6})).build())
        .build();
  }

  static void writeTf2(Path dir) throws IOException {
    writeTf2(dir, "", 0, 0f);
  }

  /**
   * {@code tiny_tf2_functions} written to {@code dir} with entry {@code index} (row-major) of {@code variable} set to
   * {@code value}: a model with a NaN or an infinity in one weight, as a broken training run leaves it.
   */
  public static Path tf2WithEntry(Path dir, String variable, int index, float value) throws IOException {
    writeTf2(dir, variable, index, value);
    return dir;
  }

  private static void writeTf2(Path dir, String variable, int index, float value) throws IOException {
    OutputDirectory.deleteRecursively(dir);
    Files.createDirectories(dir);
    Random rnd = new Random(11);
    Map<String, TensorValue> values = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> v : tf2Variables().entrySet()) {
      long n = 1;
      for (long d : v.getValue()) {
        n *= d;
      }
      float[] init = random(rnd, (int) n, 0.5f);
      if (v.getKey().equals(variable)) {
        init[index] = value;
      }
      values.put(v.getKey(), TensorValue.ofFloats(v.getValue(), init));
    }
    Path scratch = Files.createTempDirectory("tiny-tf2-");
    try {
      ModelExporter.export(ResourceSaverBuilder.addSaver(tf2Graph()), values, Map.of("serving_default",
          tf2Signature()), List.of("serve"), dir, scratch);
    } finally {
      OutputDirectory.deleteRecursively(scratch);
    }
  }

}
