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
 * entries, masking a copy — best of {@value #REPEATS} runs; the JVM's first (JIT-cold) run is reported apart. Our full
 * {@link PruneCompressor#compress} (which also builds the factors) is timed too.
 */
public final class PruneBenchmark {
  static final int SIZE = 4096;
  static final double SPARSITY = 0.9;
  static final int REPEATS = 5;
  static final long SEED = 1;

  private PruneBenchmark() {}

  /** Runs side by side with python-interop/prune_reference.py in the project's Python environment. */
  public static JsonObject run(Path workDir) {
    try {
      Files.createDirectories(workDir);
      float[] w = PythonReference.gaussian(SIZE * SIZE, SEED, 0.05);
      FloatMatrix a = FloatMatrix.adopt(SIZE, SIZE, w);
      Path npy = workDir.resolve("prune_W_4096.npy");
      Npy.write(npy, a);

      double[] seconds = new double[REPEATS];
      float[] pruned = null;
      int kept = 0;
      for (int r = 0; r < REPEATS; r++) {
        long t0 = System.nanoTime();
        float[] scores = new MagnitudeScore().scoresAtMaskUpdate("W", w, SIZE, SIZE);
        PruningMask mask = MagnitudeMask.create().select("W", scores, SIZE, SIZE, SPARSITY);
        pruned = mask.apply(w);
        seconds[r] = (System.nanoTime() - t0) / 1e9;
        kept = mask.keptCount();
      }
      double javaError = a.relativeErrorTo(FloatMatrix.adopt(SIZE, SIZE, pruned));
      double[] compressSeconds = new double[REPEATS];
      PruneCompressor compressor = PruneCompressor.withSparsity(SPARSITY);
      for (int r = 0; r < REPEATS; r++) {
        long t0 = System.nanoTime();
        compressor.compress("W", a);
        compressSeconds[r] = (System.nanoTime() - t0) / 1e9;
      }

      JsonObject numpy = PythonReference.runForJson("prune_reference.py", 600, npy.toString(), Double.toString(SPARSITY),
          Integer.toString(REPEATS));
      double numpySeconds = numpy.get("seconds").getAsDouble();
      double numpyError = numpy.get("rel_error").getAsDouble();

      JsonObject o = new JsonObject();
      o.addProperty("workload", "magnitude pruning of a 4096x4096 float32 matrix (0.05 * N(0,1)) to sparsity 0.9");
      o.addProperty("rows", SIZE);
      o.addProperty("cols", SIZE);
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
