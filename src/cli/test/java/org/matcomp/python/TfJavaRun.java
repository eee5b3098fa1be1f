package org.matcomp.python;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.matcomp.io.Npy;
import org.matcomp.io.NpyArray;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The TF Java side of the round trip, written with TF Java's public API only (not matcomp's own loader): load a
 * SavedModel in a fresh bundle, run {@code serving_default} on {@code <input>.npy} files, write {@code <output>.npy}.
 */
final class TfJavaRun {
  private TfJavaRun() {}

  /**
   * {@code java ... TfJavaRun MODEL INPUTS OUT [MODEL INPUTS OUT ...]}: {@link #run} for each triple, in a process of
   * its own — a fresh JVM that has seen none of the compression, so nothing it kept can make the output load.
   */
  public static void main(String[] args) throws IOException {
    if (args.length % 3 != 0) {
      throw new IllegalArgumentException("expected MODEL INPUTS OUT triples, got " + args.length + " arguments");
    }
    for (int i = 0; i < args.length; i += 3) {
      run(Path.of(args[i]), Path.of(args[i + 1]), Path.of(args[i + 2]));
    }
  }

  /** Runs {@code main} in a child JVM with this test's classpath; fails with its output if it fails. */
  static void runInFreshProcess(java.util.List<String> triples) throws IOException, InterruptedException {
    java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), TfJavaRun.class.getName()));
    cmd.addAll(triples);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    Path log = Files.createTempFile("tfjava-run", ".log");
    try {
      Process p = pb.redirectOutput(log.toFile()).start();
      if (!p.waitFor(20, java.util.concurrent.TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IOException("the TF Java run did not finish in 20 minutes");
      }
      if (p.exitValue() != 0) {
        throw new IOException("the TF Java run failed (exit " + p.exitValue() + "):\n" + Files.readString(log));
      }
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** Runs {@code model}'s serving_default on the feeds in {@code inputs} and writes every output into {@code out}. */
  static void run(Path model, Path inputs, Path out) throws IOException {
    Files.createDirectories(out);
    try (SavedModelBundle bundle = SavedModelBundle.load(model.toString(), "serve")) {
      SessionFunction f = bundle.function("serving_default");
      Map<String, Tensor> feeds = new LinkedHashMap<>();
      try {
        for (String name : f.signature().inputNames()) {
          NpyArray a = Npy.read(inputs.resolve(fileKey(name) + ".npy"));
          feeds.put(name, tensor(a, f.signature().getInputs().get(name).dataType));
        }
        try (Result r = f.call(feeds)) {
          for (String name : f.signature().outputNames()) {
            Npy.write(out.resolve(fileKey(name) + ".npy"), array(r.get(name).orElseThrow()));
          }
        }
      } finally {
        feeds.values().forEach(Tensor::close);
      }
    }
  }

  /**
   * Seeded inputs for every signature input of {@code model} (floats uniform in [0, 1), integers in [0, 8), unknown
   * dimensions {@code batch} for the first and 1 elsewhere), written as {@code <input>.npy} into {@code dir}.
   */
  static void writeRandomInputs(Path model, int batch, long seed, Path dir) throws IOException {
    Files.createDirectories(dir);
    Random rnd = new Random(seed);
    try (SavedModelBundle bundle = SavedModelBundle.load(model.toString(), "serve")) {
      var sig = bundle.function("serving_default").signature();
      for (String name : sig.inputNames().stream().sorted().toList()) {
        var info = sig.getInputs().get(name);
        long[] dims = info.shape.asArray();
        long[] shape = dims == null ? new long[] {batch} : dims.clone();
        for (int i = 0; i < shape.length; i++) {
          shape[i] = shape[i] >= 0 ? shape[i] : i == 0 ? batch : 1;
        }
        int n = Math.toIntExact(Shape.of(shape).size());
        NpyArray a = switch (info.dataType) {
          case DT_FLOAT -> {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
              v[i] = rnd.nextFloat();
            }
            yield NpyArray.ofFloats(shape, v);
          }
          case DT_INT32 -> NpyArray.ofInts(shape, rnd.ints(n, 0, 8).toArray());
          case DT_INT64 -> NpyArray.ofLongs(shape, rnd.longs(n, 0, 8).toArray());
          default -> throw new IllegalArgumentException("cannot generate input '" + name + "' of " + info.dataType);
        };
        Npy.write(dir.resolve(fileKey(name) + ".npy"), a);
      }
    }
  }

  static String fileKey(String name) {
    return name.replace('/', '_');
  }

  private static Tensor tensor(NpyArray a, DataType type) {
    Shape shape = Shape.of(a.shape());
    return switch (type) {
      case DT_FLOAT -> TFloat32.tensorOf(shape, DataBuffers.of(a.floatData(), true, false));
      case DT_INT32 -> TInt32.tensorOf(shape, DataBuffers.of(a.intData(), true, false));
      case DT_INT64 -> TInt64.tensorOf(shape, DataBuffers.of(a.longData(), true, false));
      default -> throw new IllegalArgumentException("no .npy feeding for " + type);
    };
  }

  private static NpyArray array(Tensor t) {
    long[] shape = t.shape().asArray();
    int n = Math.toIntExact(t.shape().size());
    if (t instanceof TFloat32 f) {
      float[] v = new float[n];
      f.copyTo(DataBuffers.of(v, false, false));
      return NpyArray.ofFloats(shape, v);
    }
    if (t instanceof TInt32 i) {
      int[] v = new int[n];
      i.copyTo(DataBuffers.of(v, false, false));
      return NpyArray.ofInts(shape, v);
    }
    if (t instanceof TInt64 l) {
      long[] v = new long[n];
      l.copyTo(DataBuffers.of(v, false, false));
      return NpyArray.ofLongs(shape, v);
    }
    throw new IllegalArgumentException("no .npy output for " + t.dataType());
  }
}
