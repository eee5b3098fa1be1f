package org.matcomp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.matcomp.savedmodel.TinyModels;

/** {@code bench serve ORIGINAL COMPRESSED} on the user's own directories: its fields, and its bad inputs. */
class BenchServeModelsTest {
  @TempDir
  Path dir;

  @Test
  void timesBothModelsAtEachBatchSizeAndWeighsTheirMemory() {
    Path out = dir.resolve("kmeans");
    assertEquals(0, Cli.run("compress", TinyModels.TF2.toString(), out.toString(), "--method", "kmeans",
        "--clusters", "4").exit());
    Cli.Run r = Cli.run("bench", "serve", TinyModels.TF2.toString(), out.toString(), "--batch-sizes", "1,4",
        "--runs", "3", "--threads", "1");
    assertEquals(0, r.exit(), r.err());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals(1, o.get("threads").getAsInt());
    assertTrue(o.get("original_rss_bytes_after_load").getAsLong() >= 0);
    var results = o.getAsJsonArray("results");
    // every signature of the tiny model at both batch sizes
    assertEquals(2 * TinySignatures.count(TinyModels.TF2), results.size());
    for (var e : results) {
      JsonObject x = e.getAsJsonObject();
      assertTrue(x.get("original_p50_ms").getAsDouble() > 0 && x.get("compressed_p99_ms").getAsDouble() > 0, x
          .toString());
      assertEquals(x.get("batch").getAsInt() / (x.get("compressed_p50_ms").getAsDouble() / 1e3),
          x.get("compressed_rows_per_s").getAsDouble(), 1e-6 * x.get("compressed_rows_per_s").getAsDouble());
    }
  }

  @Test
  void badInputsAreOneLineAndExitTwo() {
    String tf1 = TinyModels.TF1.toString();
    String tf2 = TinyModels.TF2.toString();
    assertRefused("every batch size must be positive", "bench", "serve", tf2, tf2, "--batch-sizes", "0,4");
    assertRefused("every batch size must be positive", "bench", "serve", tf2, tf2, "--batch-sizes", "-1");
    assertRefused("differ from ORIGINAL's", "bench", "serve", tf1, tf2);
    assertRefused("bench serve ORIGINAL needs COMPRESSED too", "bench", "serve", tf2);
    assertRefused("--threads 0 must be positive", "bench", "serve", tf2, tf2, "--threads", "0");
  }

  private static void assertRefused(String message, String... args) {
    Cli.Run r = Cli.run(args);
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains(message), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  /** How many signatures a tiny model has. */
  private static final class TinySignatures {
    static int count(Path model) {
      try {
        return org.matcomp.savedmodel.trace.SavedModelDirectory.open(model, "serve").signatures().size();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
