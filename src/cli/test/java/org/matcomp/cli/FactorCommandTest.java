package org.matcomp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.matcomp.io.Npy;
import org.matcomp.io.NpyArray;
import org.matcomp.linalg.FloatMatrix;
import picocli.CommandLine;

class FactorCommandTest {
  @TempDir
  Path dir;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    java.io.PrintStream old = System.out;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setOut(new java.io.PrintStream(captured));
    try {
      int exit = cl.execute(args);
      return new Run(exit, out + captured.toString(), err.toString());
    } finally {
      System.setOut(old);
    }
  }

  private Path matrix(int m, int n, long seed) throws Exception {
    Random rnd = new Random(seed);
    float[] v = new float[m * n];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    Path p = dir.resolve("A.npy");
    Npy.write(p, FloatMatrix.of(m, n, v));
    return p;
  }

  @Test
  void lowRankWritesFactorsThatReproduceTheReportedError() throws Exception {
    Path a = matrix(30, 20, 1);
    Path out = dir.resolve("f");
    Path json = dir.resolve("r.json");
    long t0 = System.nanoTime();
    Run r = run("factor", "--method", "lowrank", "--rank", "5", "--input", a.toString(), "--output", out.toString(),
        "--json", json.toString());
    double wall = (System.nanoTime() - t0) / 1e9;
    assertEquals(0, r.exit(), r.err());
    JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    assertEquals("lowrank", o.get("method").getAsString());
    assertEquals(30, o.get("rows").getAsInt());
    assertEquals(20, o.get("cols").getAsInt());
    assertEquals(600.0 / (5 * 50), o.get("compression_ratio").getAsDouble(), 1e-12);
    // seconds times the factorisation alone: something was timed, and less than the whole command, which also read
    // the input and wrote the factors and this report.
    double seconds = o.get("seconds").getAsDouble();
    assertTrue(seconds > 0 && seconds < wall, "seconds " + seconds + " of a " + wall + " s command");

    FloatMatrix b = Npy.readFloatMatrix(out.resolve("B.npy"));
    FloatMatrix c = Npy.readFloatMatrix(out.resolve("C.npy"));
    assertArrayEquals(new int[] {30, 5, 5, 20}, new int[] {b.rows(), b.cols(), c.rows(), c.cols()});
    FloatMatrix original = Npy.readFloatMatrix(a);
    assertEquals(original.relativeErrorTo(b.times(c)), o.get("rel_error").getAsDouble(), 1e-6);
  }

  /** 16 clusters: 4-bit codes, written packed two a byte, so the files hold what compressed_bytes counts. */
  @Test
  void kmeansCodesAreWrittenPackedAsTheyAreCounted() throws Exception {
    Path a = matrix(31, 17, 4); // 527 codes: the last byte holds one code and four bits of padding
    Path out = dir.resolve("f");
    Path json = dir.resolve("r.json");
    Run r = run("factor", "--method", "kmeans", "--clusters", "16", "--input", a.toString(), "--output",
        out.toString(), "--json", json.toString());
    assertEquals(0, r.exit(), r.err());
    JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    assertEquals(16 * 4 + 264, o.get("compressed_bytes").getAsLong());
    NpyArray codes = Npy.read(out.resolve("codes.npy"));
    assertArrayEquals(new long[] {264}, codes.shape());
    assertEquals(264, codes.byteData().length);
    assertEquals("{\"bits\": 4, \"shape\": [31, 17]}", Files.readString(out.resolve("codes.packing.json")).strip());
    assertEquals(16 * 4, Npy.read(out.resolve("codebook.npy")).floatData().length * 4);
  }

  /**
   * Pruning to half of 31×17: the mask is written one bit an entry (527 bits in 66 bytes) with its packing beside it,
   * and the kept values and the mask bytes add up to compressed_bytes.
   */
  @Test
  void pruningMasksAreWrittenOneBitAnEntry() throws Exception {
    Path a = matrix(31, 17, 5);
    Path out = dir.resolve("p");
    Path json = dir.resolve("p.json");
    Run r = run("factor", "--method", "prune", "--sparsity", "0.5", "--input", a.toString(), "--output",
        out.toString(), "--json", json.toString());
    assertEquals(0, r.exit(), r.err());
    JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    NpyArray mask = Npy.read(out.resolve("mask.npy"));
    assertArrayEquals(new long[] {66}, mask.shape());
    assertEquals("{\"bits\": 1, \"shape\": [31, 17], \"dtype\": \"bool\"}",
        Files.readString(out.resolve("mask.packing.json")).strip());
    int kept = 0;
    for (byte b : mask.byteData()) {
      kept += Integer.bitCount(b & 0xFF);
    }
    NpyArray values = Npy.read(out.resolve("values.npy"));
    assertEquals(kept, values.floatData().length);
    assertEquals(4L * kept + 66, o.get("compressed_bytes").getAsLong());
  }

  @Test
  void specRankKeepsTheReferencePercentageMeaning() throws Exception {
    Path a = matrix(40, 16, 2);
    Path json = dir.resolve("r.json");
    Run r = run("factor", "--method", "lowrank", "--spec", "rank=400", "--input", a.toString(), "--json",
        json.toString());
    assertEquals(0, r.exit(), r.err());
    assertEquals(4, JsonParser.parseString(Files.readString(json)).getAsJsonObject().get("rank").getAsInt());
  }

  @Test
  void rankAboveTheSmallerDimensionFailsCleanlyWithoutOutput() throws Exception {
    Path a = matrix(10, 6, 3);
    Path out = dir.resolve("f");
    Run r = run("factor", "--method", "lowrank", "--rank", "7", "--input", a.toString(), "--output", out.toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("rank 7 exceeds min(10, 6)"), r.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void aOneDimensionalInputIsRejectedNamingTheFile() throws Exception {
    Path v = dir.resolve("vec.npy");
    Npy.write(v, NpyArray.ofFloats(new long[] {5}, new float[5]));
    Run r = run("factor", "--method", "lowrank", "--rank", "1", "--input", v.toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("vec.npy"), r.err());
  }

  @Test
  void aMissingInputIsRejectedNamingTheFile() {
    Run r = run("factor", "--method", "lowrank", "--rank", "1", "--input", dir.resolve("nope.npy").toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("nope.npy"), r.err());
  }

  @Test
  void anUnknownHparamIsRejectedNamingIt() throws Exception {
    Path a = matrix(4, 4, 4);
    Run r = run("factor", "--method", "lowrank", "--spec", "rnak=3", "--input", a.toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("unknown hparam 'rnak'"), r.err());
  }

  @Test
  void nanInTheInputIsRejectedWithItsPosition() throws Exception {
    float[] v = new float[12];
    v[5] = Float.NaN;
    Path a = dir.resolve("nan.npy");
    Npy.write(a, FloatMatrix.of(3, 4, v));
    Run r = run("factor", "--method", "lowrank", "--rank", "1", "--input", a.toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("NaN at [1, 1]"), r.err());
  }

  @Test
  void anExistingNonEmptyOutputDirectoryIsNotOverwritten() throws Exception {
    Path a = matrix(6, 6, 5);
    Path out = dir.resolve("f");
    Files.createDirectories(out);
    Files.writeString(out.resolve("keep.txt"), "mine");
    Run r = run("factor", "--method", "lowrank", "--rank", "2", "--input", a.toString(), "--output", out.toString());
    assertEquals(2, r.exit());
    assertEquals("mine", Files.readString(out.resolve("keep.txt")));
  }
}
