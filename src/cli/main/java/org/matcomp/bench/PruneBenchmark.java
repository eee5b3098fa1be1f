package org.matcomp.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.matcomp.compressor.prune.MagnitudeMask;
import org.matcomp.compressor.prune.MagnitudeScore;
import org.matcomp.compressor.prune.PruneCompressor;
import org.matcomp.compressor.prune.PruningMask;
import org.matcomp.io.Npy;
import org.matcomp.linalg.FloatMatrix;

/**
 * Magnitude pruning of a 4096×4096 float32 matrix to 90 % against numpy ({@code np.argpartition}) on the same
 * matrix, written once to a .npy file that both read. Both sides time the same work — |w|, selecting the kept
 * entries, masking a copy — best of 5 runs; the JVM's first (JIT-cold) run is reported apart. Our full
 * {@link PruneCompressor#compress} (which also builds the factors) is timed too.
 */
public final class PruneBenchmark {
  static final double SPARSITY = 0.9;
  static final long SEED = 1;

  /**
   * The matrix size (size × size) and the timed runs of each side. {@link #FULL} is the acceptance check's;
   * {@link #SMOKE} only proves the code path works (its timings mean nothing).
   */
  public record Sizes(int size, int repeats) {
    public static final Sizes FULL = new Sizes(4096, 5);
    public static final Sizes SMOKE = new Sizes(128, 2);
  }

  private PruneBenchmark() {}

  /** Runs side by side with python-interop/prune_reference.py in the project's Python environment. */
  public static JsonObject run(Path workDir) {
    return run(workDir, Sizes.FULL);
  }

  public static JsonObject run(Path workDir, Sizes sizes) {
    int n = sizes.size();
    int repeats = sizes.repeats();
    try {
      Files.createDirectories(workDir);
      float[] w = PythonReference.gaussian(n * n, SEED, 0.05);
      FloatMatrix a = FloatMatrix.adopt(n, n, w);
      Path npy = workDir.resolve("prune_W_" + n + ".npy");
      Npy.write(npy, a);

      double[] seconds = new double[repeats];
      float[] pruned = null;
      int kept = 0;
      for (int r = 0; r < repeats; r++) {
        long t0 = System.nanoTime();
        float[] scores = new MagnitudeScore().scoresAtMaskUpdate("W", w, n, n);
        PruningMask mask = MagnitudeMask.create().select("W", scores, n, n, SPARSITY);
        pruned = mask.apply(w);
        seconds[r] = (System.nanoTime() - t0) / 1e9;
        kept = mask.keptCount();
      }
      double javaError = a.relativeErrorTo(FloatMatrix.adopt(n, n, pruned));
      double[] compressSeconds = new double[repeats];
      PruneCompressor compressor = PruneCompressor.withSparsity(SPARSITY);
      for (int r = 0; r < repeats; r++) {
        long t0 = System.nanoTime();
        compressor.compress("W", a);
        compressSeconds[r] = (System.nanoTime() - t0) / 1e9;
      }

      JsonObject numpy = PythonReference.runForJson("prune_reference.py", 600, npy.toString(), Double.toString(SPARSITY),
          Integer.toString(repeats));
      double numpySeconds = numpy.get("seconds").getAsDouble();
      double numpyError = numpy.get("rel_error").getAsDouble();

      JsonObject o = new JsonObject();
      o.addProperty("workload",
          "magnitude pruning of a " + n + "x" + n + " float32 matrix (0.05 * N(0,1)) to sparsity " + SPARSITY);
      o.addProperty("rows", n);
      o.addProperty("cols", n);
      o.addProperty("sparsity", SPARSITY);
      o.addProperty("kept", kept);
      o.addProperty("java_seconds", min(seconds));
      o.addProperty("java_seconds_first_run", seconds[0]);
      o.add("java_seconds_each", array(seconds));
      o.addProperty("java_compress_seconds", min(compressSeconds));
      o.addProperty("java_rel_error", javaError);
      o.addProperty("numpy_seconds", numpySeconds);
      o.add("numpy_seconds_each", numpy.get("seconds_each"));
      o.addProperty("numpy_rel_error", numpyError);
      o.addProperty("numpy_kept", numpy.get("kept").getAsInt());
      o.addProperty("numpy_version", numpy.get("numpy").getAsString());
      o.addProperty("speedup_vs_numpy", numpySeconds / min(seconds));
      o.addProperty("rel_error_difference", Math.abs(javaError - numpyError));
      o.addProperty("errors_equal", Math.abs(javaError - numpyError) <= 1e-9 && kept == numpy.get("kept").getAsInt());
      o.addProperty("cores", Runtime.getRuntime().availableProcessors());
      return o;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the numpy reference", e);
    }
  }

  private static double min(double[] v) {
    double m = Double.POSITIVE_INFINITY;
    for (double x : v) {
      m = Math.min(m, x);
    }
    return m;
  }

  private static JsonArray array(double[] v) {
    JsonArray a = new JsonArray();
    for (double x : v) {
      a.add(x);
    }
    return a;
  }
}
