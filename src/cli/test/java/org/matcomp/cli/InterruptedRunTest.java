package org.matcomp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.matcomp.data.MnistTinyNpy;
import org.matcomp.io.WorkDirectory;
import org.matcomp.savedmodel.TinyModels;

/**
 * A {@code compress} killed while it exports leaves nothing behind: SIGTERM runs the cleanup at once, and what a
 * {@code kill -9} left is removed by the next run that writes into the same directory (issue 11, defect 3). The
 * runs are real child JVMs, killed while their work directory holds the export.
 */
class InterruptedRunTest {
  private static final Path CNN = Path.of("../shared/testdata/savedmodels/tf1_mnist_cnn_tf1.9");

  @TempDir
  Path dir;

  /** Where the labelled digits go, apart from {@code dir}, whose every entry the tests account for. */
  @TempDir
  Path data;

  private List<String> names() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private Optional<Path> workDirectory() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith(WorkDirectory.PREFIX)).findFirst();
    }
  }

  /**
   * Starts a compress of the CNN into {@code dir/o3} and returns it once its work directory holds the export. The
   * labelled digits (raw pixels, as the CNN was trained) make the run long enough to catch it exporting.
   */
  private Process startedExporting() throws Exception {
    MnistTinyNpy.Labelled digits = MnistTinyNpy.write(data, 1f);
    for (int attempt = 0; attempt < 5; attempt++) {
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
          System.getProperty("java.class.path"), Main.class.getName(), "compress", CNN.toString(),
          dir.resolve("o3").toString(), "--method", "kmeans", "--clusters", "256", "--verify", "--inputs",
          digits.inputs().toString(), "--labels", digits.labels().toString())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      while (p.isAlive()) {
        Optional<Path> w = workDirectory();
        if (w.isPresent() && Files.exists(w.get().resolve("model/variables"))) {
          return p;
        }
        Thread.sleep(2);
      }
      // It finished before we saw the export: start over in a clean directory.
      for (String n : names()) {
        org.matcomp.io.WorkDirectory.deleteRecursively(dir.resolve(n));
      }
    }
    fail("never caught the child while it exported");
    return null;
  }

  @Test
  void sigtermDuringTheExportRemovesTheWorkAtOnce() throws Exception {
    Process p = startedExporting();
    p.destroy(); // SIGTERM
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(List.of(), names(), "no OUT_DIR, no temporary directory");
  }

  @Test
  void whatAKilledRunLeftIsRemovedByTheNextRunInTheSameDirectory() throws Exception {
    Process p = startedExporting();
    p.destroyForcibly(); // SIGKILL: no hook runs
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertTrue(workDirectory().isPresent(), "a killed run leaves its work directory: " + names());
    Cli.Run r = Cli.run("compress", TinyModels.TF2.toString(), dir.resolve("o4").toString(), "--rank", "2");
    assertEquals(0, r.exit(), r.err());
    assertEquals(List.of("o4"), names());
    assertFalse(Files.exists(dir.resolve("o3")));
  }
}
