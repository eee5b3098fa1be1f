package org.matcomp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.matcomp.io.Npy;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.savedmodel.DirectoryHash;
import org.matcomp.savedmodel.TinyModels;

/**
 * Every output path is checked against every input path and against the other outputs before any work: inputs are
 * never overwritten (the same file, a file inside MODEL_DIR, the same file through a symlink), and an output of the
 * wrong kind is refused before anything is written (issue 11, defects 1 and 7).
 */
class OutputPathsTest {
  @TempDir
  Path dir;

  private Path model() throws Exception {
    return DirectoryHash.copy(TinyModels.TF2, dir.resolve("m"));
  }

  private Path matrix() throws Exception {
    float[] v = new float[12 * 8];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) Math.sin(i);
    }
    Path a = dir.resolve("a.npy");
    Npy.write(a, FloatMatrix.of(12, 8, v));
    return a;
  }

  /** Everything in {@code dir} except the named entries: what a refused run must not have left. */
  private List<String> others(String... expected) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !List.of(expected).contains(n)).sorted().toList();
    }
  }

  @Test
  void compressRefusesAJsonReportOntoTheModelsOwnSavedModelPb() throws Exception {
    Path m = model();
    String before = DirectoryHash.of(m);
    Cli.run("compress", m.toString(), dir.resolve("out").toString(), "--method", "lowrank", "--rank", "2",
        "--layers", "kernel", "--json", m.resolve("saved_model.pb").toString())
        .refused("--json " + m.resolve("saved_model.pb") + " is inside MODEL_DIR " + m + ", which is only read");
    assertEquals(before, DirectoryHash.of(m), "MODEL_DIR changed");
    assertEquals(List.of(), others("m"), "nothing written");
  }

  @Test
  void inspectRefusesAJsonReportInsideTheModel() throws Exception {
    Path m = model();
    String before = DirectoryHash.of(m);
    Cli.run("inspect", m.toString(), "--json", m.resolve("variables/report.json").toString())
        .refused("is inside MODEL_DIR");
    assertEquals(before, DirectoryHash.of(m));
  }

  @Test
  void aSymlinkIntoTheModelIsTheModel() throws Exception {
    Path m = model();
    String before = DirectoryHash.of(m);
    Path link = Files.createSymbolicLink(dir.resolve("report.json"), m.resolve("saved_model.pb"));
    Cli.run("inspect", m.toString(), "--json", link.toString()).refused("is inside MODEL_DIR");
    Path dirLink = Files.createSymbolicLink(dir.resolve("alias"), m);
    Cli.run("compress", m.toString(), dirLink.resolve("out").toString(), "--rank", "2")
        .refused("OUT_DIR " + dirLink.resolve("out") + " is inside MODEL_DIR");
    assertEquals(before, DirectoryHash.of(m));
  }

  @Test
  void factorRefusesAJsonReportOntoItsInputMatrix() throws Exception {
    Path a = matrix();
    byte[] before = Files.readAllBytes(a);
    Cli.run("factor", "--method", "lowrank", "--rank", "2", "--input", a.toString(), "--output",
        dir.resolve("f").toString(), "--json", a.toString())
        .refused("--json " + a + " is the input --input " + a + "; inputs are never overwritten");
    assertArrayEquals(before, Files.readAllBytes(a));
    assertEquals(List.of(), others("a.npy"));
  }

  @Test
  void factorRefusesAnOutputDirectoryHoldingItsInput() throws Exception {
    Path a = matrix();
    Cli.run("factor", "--method", "lowrank", "--rank", "2", "--input", a.toString(), "--output", dir.toString())
        .refused("--output " + dir + " holds --input " + a + ", and would be replaced");
    assertTrue(Files.exists(a));
  }

  @Test
  void outputsMayNotCoincideOrNest() throws Exception {
    Cli.run("compress", TinyModels.TF2.toString(), dir.resolve("out").toString(), "--rank", "2", "--json",
        dir.resolve("out/saved_model.pb").toString())
        .refused("--json " + dir.resolve("out/saved_model.pb") + " is inside OUT_DIR " + dir.resolve("out"));
    assertEquals(List.of(), others());
  }

  @Test
  void compressRefusesAJsonPathThatIsADirectoryBeforeWritingOutDir() throws Exception {
    Path jsonDir = Files.createDirectories(dir.resolve("reports"));
    Cli.run("compress", TinyModels.TF2.toString(), dir.resolve("out").toString(), "--rank", "2", "--layers",
        "kernel", "--json", jsonDir.toString())
        .refused("--json " + jsonDir + " is a directory; give the path of a file");
    assertEquals(List.of(), others("reports"), "no OUT_DIR and no temporary leftovers");
  }

  @Test
  void trainRefusesAJsonPathThatIsADirectoryBeforeTraining() throws Exception {
    long t0 = System.nanoTime();
    Cli.run("train", "--method", "lowrank", "--steps", "200", "--no-progress", "--json", dir.toString())
        .refused("--json " + dir + " is a directory");
    assertTrue((System.nanoTime() - t0) / 1e9 < 5, "refused before loading data or training");
  }

  @Test
  void factorRefusesAnOutputThatIsAFileNamingIt() throws Exception {
    Path a = matrix();
    Path file = Files.writeString(dir.resolve("notadir"), "mine");
    Cli.run("factor", "--method", "lowrank", "--rank", "2", "--input", a.toString(), "--output", file.toString())
        .refused("--output " + file + " exists and is not a directory");
    assertEquals("mine", Files.readString(file));
  }

  @Test
  void anOutputUnderAFileCannotBeCreated() throws Exception {
    Path a = matrix();
    Cli.run("factor", "--method", "lowrank", "--rank", "2", "--input", a.toString(), "--json",
        a.resolve("r.json").toString()).refused("cannot be created: " + a + " is not a directory");
  }

  @Test
  void aReportReplacingAnOrdinaryFileIsFine() throws Exception {
    Path a = matrix();
    Path json = Files.writeString(dir.resolve("r.json"), "old");
    Cli.Run r = Cli.run("factor", "--method", "lowrank", "--rank", "2", "--input", a.toString(), "--json",
        json.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(Files.readString(json).contains("\"method\": \"lowrank\""));
    assertFalse(Files.readString(json).contains("old"));
  }
}
