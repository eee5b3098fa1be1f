package org.matcomp.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.matcomp.savedmodel.CompressOptions;
import org.matcomp.savedmodel.CompressReport;
import org.matcomp.savedmodel.MatrixOutcome;
import org.matcomp.savedmodel.SavedModelCompressor;
import org.matcomp.savedmodel.trace.SavedModelDirectory;
import org.matcomp.spec.CompressionSpec;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.random.RandomStandardNormal;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.matcomp.compressor.kmeans.KMeansMethod;
import org.matcomp.compressor.lowrank.LowRankMethod;
import org.matcomp.compressor.prune.PruneMethod;

/**
 * Serving cost of compressed SavedModels: latency (batch 1) and throughput (batch 256) through
 * {@code SavedModelBundle}, original against compressed, runs alternating so machine load hits both alike; plus the
 * on-disk shrink of {@code variables/}. The models: an n×n dense layer y = x·W + b that matcomp builds and exports
 * (compressed low-rank, and k-means when this build has that compressor), and the shared Python-trained models.
 */
public final class ServeBenchmark {
  private ServeBenchmark() {}

  public static JsonObject run(int size, int rank, int runs) throws IOException {
    return run(size, rank, 16, runs, Path.of("../shared/testdata/savedmodels"));
  }

  public static JsonObject run(int size, int rank, int clusters, int runs, Path sharedModels) throws IOException {
    Path work = Files.createTempDirectory("matcomp-serve-");
    try {
      JsonObject o = new JsonObject();
      o.addProperty("size", size);
      o.addProperty("rank", rank);
      o.addProperty("runs", runs);
      Path dense = work.resolve("dense");
      writeDenseModel(dense, size);
      JsonArray models = new JsonArray();

      JsonObject lr = compareCompressed("dense_" + size + "x" + size + "_lowrank_r" + rank, dense,
          work.resolve("dense-lowrank"), CompressionSpec.builder().method(LowRankMethod.INSTANCE)
              .absoluteRank(rank).build(), null, runs);
      double flopRatio = (double) size * size / ((double) rank * 2 * size);
      lr.addProperty("flop_ratio", flopRatio);
      lr.addProperty("speedup_over_flop_ratio_batch1", lr.get("speedup_batch1").getAsDouble() / flopRatio);
      lr.addProperty("speedup_over_flop_ratio_batch256", lr.get("speedup_batch256").getAsDouble() / flopRatio);
      models.add(lr);

      CompressionSpec kmeans = CompressionSpec.builder().method(KMeansMethod.INSTANCE).absoluteRank(clusters)
          .build();
      if (available(kmeans)) {
        models.add(compareCompressed("dense_" + size + "x" + size + "_kmeans_k" + clusters, dense,
            work.resolve("dense-kmeans"), kmeans, null, runs));
      } else {
        JsonObject k = new JsonObject();
        k.addProperty("model", "dense_" + size + "x" + size + "_kmeans_k" + clusters);
        k.addProperty("skipped", "no k-means compressor in this build");
        models.add(k);
      }

      // pruned to 99 %: served as its nonzeros when SparseTensorDenseMatMul is measured faster here, else dense
      models.add(compareCompressed("dense_" + size + "x" + size + "_prune_0.99", dense, work.resolve("dense-prune"),
          CompressionSpec.builder().method(PruneMethod.INSTANCE).methodParameter("target_sparsity", "0.99").build(),
          null, runs));

      Path mlp = sharedModels.resolve("keras_mnist_mlp_tf2.11");
      if (Files.isDirectory(mlp)) {
        models.add(compareCompressed("keras_mnist_mlp_tf2.11_lowrank_r20", mlp, work.resolve("mlp"),
            CompressionSpec.builder().method(LowRankMethod.INSTANCE).absoluteRank(20).build(), "^dense/kernel$",
            runs));
      }
      Path cnn = sharedModels.resolve("tf1_mnist_cnn_tf1.9");
      if (Files.isDirectory(cnn)) {
        // the 1176x200 layer has a flat spectrum: k-means (8-bit codes) when present, else pruning to half
        CompressionSpec best = available(kmeans)
            ? CompressionSpec.builder().method(KMeansMethod.INSTANCE).absoluteRank(256).build()
            : CompressionSpec.builder().method(PruneMethod.INSTANCE).methodParameter("target_sparsity", "0.5")
                .build();
        models.add(compareCompressed("tf1_mnist_cnn_tf1.9_" + best.method().name(), cnn, work.resolve("cnn"),
            best, "^Variable_6$", runs));
      }
      Path taxi = sharedModels.resolve("keras_taxifare_embedding_tf2.12");
      if (Files.isDirectory(taxi)) {
        models.add(compareCompressed("keras_taxifare_embedding_tf2.12_lowrank_r4", taxi, work.resolve("taxi"),
            CompressionSpec.builder().method(LowRankMethod.INSTANCE).absoluteRank(4).build(), "pd_embed", runs));
      }
      o.add("models", models);
      return o;
    } finally {
      deleteRecursively(work);
    }
  }

  private static boolean available(CompressionSpec spec) {
    try {
      spec.compressor();
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** y = x·W + b with W n×n ~ N(0, 1/n), exported by TF Java: the model a Java team would hand to compress. */
  static void writeDenseModel(Path dir, int n) throws IOException {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, n)));
      Variable<TFloat32> w = tf.withName("W").variable(tf.math.mul(tf.random.randomStandardNormal(
          tf.constant(new long[] {n, n}), TFloat32.class, RandomStandardNormal.seed(1L)),
          tf.constant((float) (1 / Math.sqrt(n)))));
      Variable<TFloat32> b = tf.withName("b").variable(tf.zeros(tf.constant(new long[] {n}), TFloat32.class));
      var y = tf.withName("y").nn.biasAdd(tf.linalg.matMul(x, w), b);
      try (Session s = new Session(g)) {
        s.initialize();
        SavedModelBundle.exporter(dir.toString()).withSession(s).withFunction(SessionFunction.create(
            Signature.builder().key("serving_default").input("x", x).output("y", y).build(), s)).export();
      }
    }
  }

  private static JsonObject compareCompressed(String name, Path model, Path out, CompressionSpec spec, String layers,
      int runs) throws IOException {
    CompressOptions opts = CompressOptions.of(model, out, spec);
    if (layers != null) {
      opts = opts.withLayers(layers);
    }
    long t0 = System.nanoTime();
    CompressReport report = SavedModelCompressor.run(opts);
    JsonObject o = new JsonObject();
    o.addProperty("model", name);
    o.addProperty("method", spec.method().name());
    o.addProperty("compress_seconds", (System.nanoTime() - t0) / 1e9);
    o.addProperty("variables_disk_bytes_before", report.variablesDiskBytesBefore());
    o.addProperty("variables_disk_bytes_after", report.variablesDiskBytesAfter());
    o.addProperty("disk_shrink", (double) report.variablesDiskBytesBefore() / report.variablesDiskBytesAfter());
    long before = report.matrices().stream().filter(MatrixOutcome::compressed).mapToLong(MatrixOutcome::bytesBefore)
        .sum();
    long after = report.matrices().stream().filter(MatrixOutcome::compressed).mapToLong(MatrixOutcome::bytesAfter)
        .sum();
    o.addProperty("matrix_bytes_ratio", (double) before / Math.max(1, after));
    o.addProperty("max_abs_diff", report.verify().total().max());
    o.addProperty("served_sparse", report.notes().stream().filter(n -> n.startsWith("sparse execution:")).count());
    try (SavedModelBundle a = SavedModelBundle.load(model.toString(), "serve");
        SavedModelBundle b = SavedModelBundle.load(out.toString(), "serve")) {
      SignatureDef sig = SavedModelDirectory.open(model, "serve").signatures().get("serving_default");
      for (int batch : new int[] {1, 256}) {
        Map<String, Tensor> feeds = randomFeeds(sig, batch, new Random(batch));
        try {
          StepTimer.Paired p = StepTimer.paired(3, runs, () -> call(a, feeds), () -> call(b, feeds));
          o.addProperty("original_ms_batch" + batch, 1e3 * p.medianA());
          o.addProperty("compressed_ms_batch" + batch, 1e3 * p.medianB());
          o.addProperty("speedup_batch" + batch, 1 / p.ratio());
          if (batch > 1) {
            o.addProperty("original_rows_per_s_batch" + batch, batch / p.medianA());
            o.addProperty("compressed_rows_per_s_batch" + batch, batch / p.medianB());
          }
        } finally {
          feeds.values().forEach(Tensor::close);
        }
      }
    }
    return o;
  }

  private static void call(SavedModelBundle model, Map<String, Tensor> feeds) {
    try (Result r = model.function("serving_default").call(feeds)) {
      r.size();
    }
  }

  private static Map<String, Tensor> randomFeeds(SignatureDef sig, int batch, Random rnd) {
    Map<String, Tensor> feeds = new LinkedHashMap<>();
    for (Map.Entry<String, TensorInfo> e : sig.getInputsMap().entrySet()) {
      List<Long> dims = new ArrayList<>();
      e.getValue().getTensorShape().getDimList().forEach(d -> dims.add(d.getSize() < 0 ? batch : d.getSize()));
      Shape shape = Shape.of(dims.stream().mapToLong(Long::longValue).toArray());
      DataType t = e.getValue().getDtype();
      Tensor tensor = switch (t) {
        case DT_FLOAT -> TFloat32.tensorOf(shape, v -> v.scalars().forEach(s -> s.setFloat(rnd.nextFloat())));
        case DT_INT32 -> TInt32.tensorOf(shape, v -> v.scalars().forEach(s -> s.setInt(rnd.nextInt(8))));
        case DT_INT64 -> TInt64.tensorOf(shape, v -> v.scalars().forEach(s -> s.setLong(rnd.nextInt(8))));
        default -> throw new IllegalArgumentException("input " + e.getKey() + " has dtype " + t);
      };
      feeds.put(e.getKey(), tensor);
    }
    return feeds;
  }

  private static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path f : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(f);
      }
    }
  }
}
