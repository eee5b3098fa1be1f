package org.matcomp.savedmodel;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.matcomp.io.Npy;
import org.matcomp.io.NpyArray;
import org.matcomp.python.PythonEnvironment;
import org.matcomp.savedmodel.export.TensorValue;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.proto.DataType;
import org.matcomp.CliRequirements;

/**
 * The Python-made SavedModels whose weights sit inside {@code tf.cond} / {@code tf.switch_case} branches
 * ({@code python-interop/cond_models.py}, built once per test run into {@code target/cond-models/}; the script keeps
 * its own cache), the feeds that take every branch, and the two ways of running them: TF Java in a fresh process and
 * Python TensorFlow.
 *
 * <p>{@code cond_module}: {@code serving_default(x, flag)} reads w1, w2 (both branches), w3 (true branch only) and
 * w1 again outside the If; {@code switch(x, index)} passes w4's value into a StatelessCase of three branches, two of
 * which read it. {@code cond_assign}: wa assigned in a branch, wb read outside, wc handed out by both branches.
 */
public final class ConditionalModels {
  static final Path DIR = Path.of("target", "cond-models");
  /** The original weights of cond_module and their shapes. */
  public static final Map<String, long[]> WEIGHTS = Map.of("w1", new long[] {64, 48}, "w2", new long[] {48, 32},
      "w3", new long[] {32, 32}, "w4", new long[] {64, 32});

  private static boolean built;

  private ConditionalModels() {}

  /** One signature run: which signature, and the feeds by input name. */
  public record Case(String label, String signature, Map<String, TensorValue> feeds) {}

  /** A model's directory, building the models first (skipped locally without the Python environment). */
  public static synchronized Path model(String name) throws IOException, InterruptedException {
    if (!built) {
      PythonEnvironment python = CliRequirements.python();
      python.runChecked(Duration.ofMinutes(10), List.of(
          python.interopDir().resolve("cond_models.py").toString(), "build", DIR.toString()));
      built = true;
    }
    return DIR.resolve(name);
  }

  /** serving_default with the flag both ways, and switch with each of its three branch indices. */
  public static List<Case> everyBranch() {
    List<Case> cases = new ArrayList<>();
    for (boolean flag : new boolean[] {true, false}) {
      cases.add(new Case("flag=" + flag, "serving_default", Map.of("x", x(), "flag",
          new TensorValue(DataType.DT_BOOL, new long[0], new byte[] {(byte) (flag ? 1 : 0)}))));
    }
    for (int index = 0; index < 3; index++) {
      cases.add(new Case("index=" + index, "switch", Map.of("x", x(), "index",
          TensorValue.ofInts(new long[0], new int[] {index}))));
    }
    return cases;
  }

  /** The flag cases alone (cond_assign has no switch signature). */
  public static List<Case> flagCases() {
    return everyBranch().stream().filter(c -> c.signature().equals("serving_default")).toList();
  }

  /** Five rows of seeded N(0, 1) inputs, the same on every call. */
  static TensorValue x() {
    Random rnd = new Random(17);
    float[] v = new float[5 * 64];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    return TensorValue.ofFloats(new long[] {5, 64}, v);
  }

  /**
   * What cond_module computes for case {@code k} with the weights {@code w} (row-major, by name), on the host in
   * double precision: the model's own formulas, written out.
   */
  public static Map<String, float[]> expected(Map<String, float[]> w, Case k) {
    float[] x = k.feeds().get("x").floats();
    int rows = 5;
    if (k.signature().equals("serving_default")) {
      boolean flag = k.feeds().get("flag").bytes()[0] != 0;
      double[] xw1 = matmul(toDouble(x), rows, 64, w.get("w1"), 48);
      double[] y;
      if (flag) {
        double[] h = xw1.clone();
        for (int i = 0; i < h.length; i++) {
          h[i] = Math.max(0, h[i]);
        }
        y = matmul(matmul(h, rows, 48, w.get("w2"), 32), rows, 32, w.get("w3"), 32);
      } else {
        double[] h = xw1.clone();
        for (int i = 0; i < h.length; i++) {
          h[i] *= 0.5;
        }
        y = matmul(h, rows, 48, w.get("w2"), 32);
      }
      return Map.of("y", toFloat(y), "z", toFloat(xw1));
    }
    int index = (int) k.feeds().get("index").asDoubles()[0];
    double[] y = new double[rows * 32];
    if (index == 0 || index == 1) {
      y = matmul(toDouble(x), rows, 64, w.get("w4"), 32);
      for (int i = 0; index == 1 && i < y.length; i++) {
        y[i] = 2 * Math.max(0, y[i]);
      }
    } else {
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < 32; c++) {
          y[r * 32 + c] = x[r * 64 + c];
        }
      }
    }
    return Map.of("y", toFloat(y));
  }

  private static double[] matmul(double[] a, int n, int k, float[] b, int m) {
    double[] c = new double[n * m];
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < k; p++) {
        double v = a[i * k + p];
        for (int j = 0; j < m; j++) {
          c[i * m + j] += v * b[p * m + j];
        }
      }
    }
    return c;
  }

  private static double[] toDouble(float[] a) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i];
    }
    return d;
  }

  private static float[] toFloat(double[] a) {
    float[] f = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      f[i] = (float) a[i];
    }
    return f;
  }

  /** Runs {@code model}'s signature on the feeds in this JVM; outputs by name. */
  public static Map<String, TensorValue> runHere(Path model, Case c) {
    try (SavedModelBundle b = SavedModelBundle.load(model.toString(), "serve")) {
      return run(b, c.signature(), c.feeds());
    }
  }

  private static Map<String, TensorValue> run(SavedModelBundle b, String signature, Map<String, TensorValue> in) {
    Map<String, Tensor> feeds = new LinkedHashMap<>();
    try {
      in.forEach((k, v) -> feeds.put(k, v.toTensor()));
      try (Result r = b.function(signature).call(feeds)) {
        Map<String, TensorValue> out = new TreeMap<>();
        for (Map.Entry<String, Tensor> e : r) {
          out.put(e.getKey(), TensorValue.of(e.getValue()));
        }
        return out;
      }
    } finally {
      feeds.values().forEach(Tensor::close);
    }
  }

  /**
   * Runs every case on {@code model} in a fresh TF Java process (nothing the compression kept in this JVM can help
   * it load) and in Python TensorFlow; returns per case label the outputs of each, as {@code java} / {@code python}.
   */
  public static Map<String, Map<String, Map<String, float[]>>> runJavaAndPython(Path model, List<Case> cases,
      Path work) throws IOException, InterruptedException {
    PythonEnvironment python = CliRequirements.python();
    Files.createDirectories(work);
    List<String> javaArgs = new ArrayList<>();
    JsonArray jobs = new JsonArray();
    for (Case c : cases) {
      Path in = work.resolve(c.label() + ".inputs");
      Files.createDirectories(in);
      for (Map.Entry<String, TensorValue> e : c.feeds().entrySet()) {
        Npy.write(in.resolve(e.getKey() + ".npy"), npy(e.getValue()));
      }
      javaArgs.addAll(List.of(model.toString(), c.signature(), in.toString(),
          work.resolve(c.label() + ".java").toString()));
      JsonObject j = new JsonObject();
      j.addProperty("model", model.toAbsolutePath().toString());
      j.addProperty("signature", c.signature());
      j.addProperty("inputs", in.toAbsolutePath().toString());
      j.addProperty("out", work.resolve(c.label() + ".python").toAbsolutePath().toString());
      jobs.add(j);
    }
    runInFreshProcess(javaArgs);
    Path jobsFile = work.resolve("jobs.json");
    Files.writeString(jobsFile, jobs.toString());
    python.runChecked(Duration.ofMinutes(10), List.of(python.interopDir().resolve("cond_models.py").toString(),
        "run", jobsFile.toAbsolutePath().toString()));
    Map<String, Map<String, Map<String, float[]>>> out = new LinkedHashMap<>();
    for (Case c : cases) {
      Map<String, Map<String, float[]>> sides = new LinkedHashMap<>();
      for (String side : List.of("java", "python")) {
        Map<String, float[]> outputs = new TreeMap<>();
        try (var files = Files.list(work.resolve(c.label() + "." + side))) {
          for (Path f : files.sorted().toList()) {
            String name = f.getFileName().toString().replaceFirst("\\.npy$", "");
            outputs.put(name, Npy.read(f).floatData());
          }
        }
        sides.put(side, outputs);
      }
      out.put(c.label(), sides);
    }
    return out;
  }

  private static NpyArray npy(TensorValue v) {
    return switch (v.dtype()) {
      case DT_FLOAT -> NpyArray.ofFloats(v.shape(), v.floats());
      case DT_INT32 -> NpyArray.ofInts(v.shape(), java.util.Arrays.stream(v.asDoubles()).mapToInt(d -> (int) d)
          .toArray());
      case DT_BOOL -> {
        boolean[] b = new boolean[(int) v.elements()];
        for (int i = 0; i < b.length; i++) {
          b[i] = v.bytes()[i] != 0;
        }
        yield NpyArray.ofBooleans(v.shape(), b);
      }
      default -> throw new IllegalArgumentException("no .npy for " + v.dtype());
    };
  }

  private static void runInFreshProcess(List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), ConditionalModels.class.getName()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    Path log = Files.createTempFile("cond-models", ".log");
    try {
      Process p = pb.redirectOutput(log.toFile()).start();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IOException("the TF Java run did not finish in 10 minutes");
      }
      if (p.exitValue() != 0) {
        throw new IOException("the TF Java run failed (exit " + p.exitValue() + "):\n" + Files.readString(log));
      }
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** {@code MODEL SIGNATURE INPUTS OUT ...}: runs each and writes {@code <output>.npy} into OUT. */
  public static void main(String[] args) throws IOException {
    for (int i = 0; i + 3 < args.length; i += 4) {
      Path in = Path.of(args[i + 2]);
      Map<String, TensorValue> feeds = new LinkedHashMap<>();
      try (var files = Files.list(in)) {
        for (Path f : files.toList()) {
          NpyArray a = Npy.read(f);
          String name = f.getFileName().toString().replaceFirst("\\.npy$", "");
          feeds.put(name, switch (a.dtype()) {
            case FLOAT32 -> TensorValue.ofFloats(a.shape(), a.floatData());
            case INT32 -> TensorValue.ofInts(a.shape(), a.intData());
            case BOOL -> new TensorValue(DataType.DT_BOOL, a.shape(), a.byteData());
            default -> throw new IllegalArgumentException(f + ": " + a.dtype());
          });
        }
      }
      Path out = Files.createDirectories(Path.of(args[i + 3]));
      try (SavedModelBundle b = SavedModelBundle.load(args[i], "serve")) {
        for (Map.Entry<String, TensorValue> e : run(b, args[i + 1], feeds).entrySet()) {
          Npy.write(out.resolve(e.getKey() + ".npy"), NpyArray.ofFloats(e.getValue().shape(), e.getValue().floats()));
        }
      }
    }
  }
}
