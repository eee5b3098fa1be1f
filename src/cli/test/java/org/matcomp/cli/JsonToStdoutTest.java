package org.matcomp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.matcomp.io.Npy;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.savedmodel.TinyModels;
import picocli.CommandLine;

/**
 * Results go to stdout, everything else to stderr, both through the writers picocli was given; {@code --json -}
 * makes stdout one JSON document and nothing else, so {@code matcomp ... --json - | jq} works.
 */
class JsonToStdoutTest {
  @TempDir
  Path dir;

  /** An 8×6 matrix of rank 2: rank 2 factors it exactly. */
  private Path matrix() throws Exception {
    float[] v = new float[8 * 6];
    for (int i = 0; i < 8; i++) {
      for (int j = 0; j < 6; j++) {
        v[i * 6 + j] = (i + 1) * (j % 3) + (i % 2) * j;
      }
    }
    Path a = dir.resolve("a.npy");
    Npy.write(a, FloatMatrix.of(8, 6, v));
    return a;
  }

  @Test
  void factorReportsThroughTheWriterItWasGivenNotSystemOut() throws Exception {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    PrintStream old = System.out;
    ByteArrayOutputStream direct = new ByteArrayOutputStream();
    System.setOut(new PrintStream(direct, true, StandardCharsets.UTF_8));
    int exit;
    try {
      exit = cl.execute("factor", "--method", "lowrank", "--rank", "2", "--input", matrix().toString());
    } finally {
      System.setOut(old);
    }
    assertEquals(0, exit, err.toString());
    assertEquals("", direct.toString(StandardCharsets.UTF_8), "nothing on System.out directly");
    assertEquals("lowrank", JsonParser.parseString(out.toString()).getAsJsonObject().get("method").getAsString());
    assertEquals("", err.toString());
  }

  @Test
  void factorJsonDashIsOneJsonDocumentOnStdout() throws Exception {
    Cli.Run r = Cli.run("factor", "--method", "lowrank", "--rank", "2", "--input", matrix().toString(), "--json",
        "-");
    assertEquals(0, r.exit(), r.err());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject(); // throws if anything else is there
    assertEquals("lowrank", o.get("method").getAsString());
    assertEquals(8, o.get("rows").getAsInt());
    assertEquals(6, o.get("cols").getAsInt());
    assertEquals(0, o.get("rel_error").getAsDouble(), 1e-5, "rank 2 of a rank-2 matrix");
    assertEquals(48 * 4.0 / ((8 + 6) * 2 * 4), o.get("compression_ratio").getAsDouble(), 1e-9);
    assertEquals(2, o.getAsJsonArray("factors").size(), "B and C");
    assertEquals("", r.err());
    assertFalse(Files.exists(dir.resolve("-")));
  }

  @Test
  void inspectJsonDashSendsTheTextToStderr() {
    Cli.Run r = Cli.run("inspect", TinyModels.TF2.toString(), "--json", "-");
    assertEquals(0, r.exit(), r.err());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertTrue(o.has("signatures") && o.has("matrices"), o.keySet().toString());
    assertTrue(r.err().contains("signature serving_default"), r.err());
  }

  @Test
  void aJsonFileStillGetsTheAtomicWriteAndStdoutTheText() throws Exception {
    Path json = dir.resolve("r.json");
    Cli.Run r = Cli.run("inspect", TinyModels.TF2.toString(), "--json", json.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("signature serving_default"), r.out());
    assertTrue(JsonParser.parseString(Files.readString(json)).getAsJsonObject().has("signatures"));
    try (var s = Files.list(dir)) {
      assertEquals(List.of("r.json"), s.map(p -> p.getFileName().toString()).toList(), "no work directory left");
    }
  }
}
