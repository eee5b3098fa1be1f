package org.matcomp.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.matcomp.io.Npy;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.compressor.kmeans.KMeansCompressor;
import org.matcomp.compressor.kmeans.KMeansFactorization;

/**
 * K-means side by side with scikit-learn on one 1024×1024 float32 matrix (0.05·N(0, 1)), written once to a .npy
 * file that both read: scalar k-means into 16 and 256 clusters and vector quantisation of 1×4 blocks into 256.
 * scikit-learn runs {@code KMeans(k, n_init=1, max_iter=50, algorithm='lloyd', random_state=0)}
 * (python-interop/kmeans_reference.py, one fit per workload, as the acceptance check does).
 *
 * <p>Our side reports the first call of each workload (what {@code matcomp factor} measures in a fresh JVM, though
 * here earlier workloads have warmed the shared code) and the best of the further calls (3); the speedup
 * is sklearn's seconds over our first call. The machine's load average is recorded because both sides share its
 * cores with whatever else runs.
 */
public final class KMeansBenchmark {
  static final long SEED = 1;

  /**
   * The matrix size (size × size), the calls timed after the first, and (clusters, block size) of each workload.
   * {@link #FULL} is the acceptance check's; {@link #SMOKE} runs every workload on a tiny matrix only to prove the
   * code path works (its timings mean nothing).
   */
  public record Sizes(int size, int repeats, List<Workload> workloads) {
    public static final Sizes FULL = new Sizes(1024, 3, Workload.ALL);
    public static final Sizes SMOKE = new Sizes(128, 1, Workload.ALL);
  }

  /** Clusters of 1 × {@code blockSize} blocks. */
  public record Workload(int clusters, int blockSize) {
    static final List<Workload> ALL = List.of(new Workload(16, 1), new Workload(256, 1), new Workload(256, 4));
  }

  private KMeansBenchmark() {}

  /** Runs side by side with python-interop/kmeans_reference.py in the project's Python environment. */
  public static JsonObject run(Path workDir) {
    return run(workDir, Sizes.FULL);
  }

  public static JsonObject run(Path workDir, Sizes sizes) {
    try {
      Files.createDirectories(workDir);
      int n = sizes.size();
      FloatMatrix a = FloatMatrix.adopt(n, n, PythonReference.gaussian(n * n, SEED, 0.05));
      Path npy = workDir.resolve("kmeans_W_" + n + ".npy");
      Npy.write(npy, a);

      JsonArray results = new JsonArray();
      for (Workload w : sizes.workloads()) {
        results.add(workload(a, w.clusters(), w.blockSize(), sizes.repeats(), npy));
      }
      JsonObject o = new JsonObject();
      o.addProperty("matrix", n + "x" + n + " float32, 0.05 * N(0,1), seed " + SEED);
      o.addProperty("sklearn", "KMeans(k, n_init=1, max_iter=50, algorithm='lloyd', random_state=0), float64 blocks");
      o.add("workloads", results);
      o.addProperty("cores", Runtime.getRuntime().availableProcessors());
      o.addProperty("load_average", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      return o;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the scikit-learn reference", e);
    }
  }

  private static JsonObject workload(FloatMatrix a, int clusters, int blockSize, int repeats, Path npy)
      throws IOException, InterruptedException {
    KMeansCompressor compressor = KMeansCompressor.builder().clusters(clusters).blockSize(blockSize).build();
    double[] seconds = new double[repeats + 1];
    KMeansFactorization f = null;
    for (int r = 0; r <= repeats; r++) {
      long t0 = System.nanoTime();
      f = compressor.compress("W", a);
      seconds[r] = (System.nanoTime() - t0) / 1e9;
    }
    double ourError = a.relativeErrorTo(f.product());
    double warm = Double.POSITIVE_INFINITY;
    for (int r = 1; r <= repeats; r++) {
      warm = Math.min(warm, seconds[r]);
    }
    JsonObject sk = PythonReference.runForJson("kmeans_reference.py", 600, npy.toString(), "--clusters",
        Integer.toString(clusters), "--block-size", Integer.toString(blockSize));
    double skSeconds = sk.get("seconds").getAsDouble();

    JsonObject o = new JsonObject();
    o.addProperty("workload", blockSize == 1 ? "scalar k-means, k=" + clusters
        : "vector quantisation of 1x" + blockSize + " blocks, k=" + clusters);
    o.addProperty("clusters", clusters);
    o.addProperty("block_size", blockSize);
    o.addProperty("our_seconds", seconds[0]);
    o.addProperty("our_seconds_warm", warm);
    o.addProperty("sklearn_seconds", skSeconds);
    o.addProperty("speedup", skSeconds / seconds[0]);
    o.addProperty("speedup_warm", skSeconds / warm);
    o.addProperty("our_rel_error", ourError);
    o.addProperty("sklearn_rel_error", sk.get("rel_error").getAsDouble());
    o.addProperty("our_inertia", f.inertia());
    o.addProperty("sklearn_inertia", sk.get("inertia").getAsDouble());
    o.addProperty("sklearn_iterations", sk.get("iterations").getAsInt());
    return o;
  }

}
