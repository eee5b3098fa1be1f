package org.matcomp.compressor.kmeans;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.matcomp.linalg.FloatMatrix;

/**
 * matcomp's k-means objective against scikit-learn's on fixed inputs (testdata/kmeans, written by
 * python-interop/kmeans_goldens.py): never worse than sklearn's single run with the benchmark's settings, and for
 * scalars equal to the exact optimum that the script computes by dynamic programming.
 */
class KMeansGoldensTest {
  private static final Path DIR = Path.of("testdata", "kmeans");

  static Stream<Path> goldens() throws IOException {
    return Files.list(DIR).filter(p -> p.toString().endsWith(".json")).sorted();
  }

  @ParameterizedTest
  @MethodSource("goldens")
  void inertiaIsNoWorseThanScikitLearn(Path file) throws IOException {
    JsonObject g = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    int rows = g.get("rows").getAsInt();
    int cols = g.get("cols").getAsInt();
    double scale = g.get("scale").getAsDouble();
    JsonArray units = g.getAsJsonArray("units");
    float[] a = new float[rows * cols];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) (units.get(i).getAsInt() * scale);
    }
    int k = g.get("clusters").getAsInt();
    int block = g.get("block_size").getAsInt();
    KMeansFactorization f = KMeansCompressor.builder().clusters(k).blockSize(block).seed(0).build()
        .compress(file.getFileName().toString(), FloatMatrix.of(rows, cols, a));
    double ours = f.inertia();
    double sklearn = g.get("sklearn_inertia").getAsDouble();
    assertTrue(ours <= sklearn * (1 + 1e-6), file + ": inertia " + ours + " > sklearn's " + sklearn);
    if (g.has("optimal_inertia")) {
      double optimum = g.get("optimal_inertia").getAsDouble();
      assertTrue(ours <= optimum * (1 + 1e-6), file + ": inertia " + ours + " above the optimum " + optimum);
    }
  }
}
