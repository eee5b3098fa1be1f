package org.matcomp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.matcomp.io.Npy;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.savedmodel.TinyModels;

/**
 * Outputs are as readable as anything else the user creates — the umask decides, as for other tools — so a server
 * running as another user (TF Serving) can read them; an existing directory being replaced keeps its mode (issue 11,
 * defect 12).
 */
class OutputModesTest {
  @TempDir
  Path dir;

  private String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void compressOutputAndReportGetTheUmasksModeNotOwnerOnly() throws Exception {
    String dirMode = mode(Files.createDirectory(dir.resolve("by-hand")));
    String fileMode = mode(Files.createFile(dir.resolve("by-hand.txt")));
    Path out = dir.resolve("out");
    Path json = dir.resolve("r.json");
    Cli.Run r = Cli.run("compress", TinyModels.TF2.toString(), out.toString(), "--rank", "2", "--json",
        json.toString());
    assertEquals(0, r.exit(), r.err());
    assertEquals(dirMode, mode(out));
    assertEquals(dirMode, mode(out.resolve("variables")));
    assertEquals(fileMode, mode(json));
  }

  @Test
  void factorIntoAnExistingEmptyDirectoryKeepsItsMode() throws Exception {
    float[] v = new float[8 * 6];
    for (int i = 0; i < v.length; i++) {
      v[i] = i % 5;
    }
    Path a = dir.resolve("a.npy");
    Npy.write(a, FloatMatrix.of(8, 6, v));
    Path out = Files.createDirectory(dir.resolve("f"));
    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-x--x"));
    Cli.Run r = Cli.run("factor", "--method", "lowrank", "--rank", "2", "--input", a.toString(), "--output",
        out.toString());
    assertEquals(0, r.exit(), r.err());
    assertEquals("rwxr-x--x", mode(out));
    assertEquals(mode(Files.createFile(dir.resolve("by-hand.npy"))), mode(out.resolve("B.npy")));
  }
}
