package org.matcomp.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The native stderr filter ({@code native/stderr_filter.c}): the line logic on bytes through {@code nFilter}, which
 * runs the same C code the installed filter runs on each read from its pipe, and the installed filter on a child
 * JVM's real fd 2, under {@code -Xcheck:jni}.
 */
class StderrFilterTest {
  /** The two lines TF 2.18 leaves on stderr at any TF_CPP_MIN_LOG_LEVEL, copied from a run. */
  static final String META = "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n";
  static final String MLIR = "I0000 00:00:1796534536.459505    8407 mlir_graph_optimization_pass.cc:401] MLIR V1"
      + " optimization pass is not enabled\n";
  /** absl's format once initialized, with each severity. */
  static final String WARNING = "W1206 05:22:16.049408  12 cpu_allocator.cc:82] Allocation exceeds 10% of memory\n";
  static final String ERROR = "E1206 05:22:16.5 12 graph.cc:7] something failed\n";
  static final String FATAL = "F1206 05:22:16.5 12 check.cc:9] Check failed: x\n";

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /** What the filter passes on, after each chunk and at the end, as text. */
  private static List<String> run(int level, String... chunks) {
    byte[][] in = Arrays.stream(chunks).map(StderrFilterTest::bytes).toArray(byte[][]::new);
    List<String> out = new ArrayList<>();
    for (byte[] b : StderrFilter.filter(in, level)) {
      out.add(text(b));
    }
    assertEquals(chunks.length + 1, out.size());
    return out;
  }

  /** Everything the filter passes on for {@code input} in one chunk. */
  private static String filtered(int level, String input) {
    return String.join("", run(level, input));
  }

  @Test
  void abslLinesBelowTheLevelAreDroppedAndTheRestKeptInOrder() {
    NativeLoaderTest.requireLibrary();
    String input = "start\n" + META + MLIR + "between\n" + WARNING + ERROR + FATAL + "end\n";
    assertEquals(input, filtered(0, input), "level 0 drops nothing");
    assertEquals("start\nbetween\n" + WARNING + ERROR + FATAL + "end\n", filtered(1, input));
    assertEquals("start\nbetween\n" + ERROR + FATAL + "end\n", filtered(2, input));
    assertEquals("start\nbetween\n" + FATAL + "end\n", filtered(3, input));
    assertEquals("start\nbetween\n" + FATAL + "end\n", filtered(7, input), "above 3 is 3: FATAL always stays");
  }

  @Test
  void linesThatOnlyLookLikeLogLinesPassByteForByte() {
    NativeLoaderTest.requireLibrary();
    List<String> kept = List.of(
        "I0000 hello\n",                                          // absl's first field, then prose
        "I0000 00:00:1796534536.459505 8407 no-line-number] x\n", // no :line before ]
        "I0000 00:00:1796534536.459505 8407 :401] x\n",           // no file before :line
        "I0000 00:00:1796534536 8407 a.cc:401] x\n",              // no fraction
        "I0000 00:00:1796534536.459505 8407 a.cc:401]x\n",        // no space after ]
        "I0000 00:00:1796534536.459505 8407\n",                   // ends early
        " I0000 00:00:1796534536.459505 8407 a.cc:401] x\n",      // not at the start of the line
        "WARNING: All\n",
        "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR!\n",
        "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\r\n",
        "Epoch 1/3 \u2014 loss 0.25 \u00b5s\n");
    for (String line : kept) {
      assertEquals(line, filtered(3, line), "kept at level 3");
    }
    String all = String.join("", kept);
    assertEquals(all, filtered(3, all));
  }

  @Test
  void partialLinesPassAsSoonAsTheyCannotBeDropped() {
    NativeLoaderTest.requireLibrary();
    // a progress bar: no newline, redrawn with \r; each redraw comes out with the chunk that wrote it
    assertEquals(List.of("50% \r", "60% \r", "done\n", ""), run(1, "50% \r", "60% \r", "done\n"));
    // held while it may still be an absl INFO line, passed whole at the first byte that rules it out
    assertEquals(List.of("", "", "I0000 00:00:17x", " more\n", ""), run(1, "I0000 ", "00:00:17", "x", " more\n"));
    assertEquals(List.of("", "WARNING: All done\n", ""), run(1, "WARNING: All", " done\n"));
    // the meta line's last byte decides: it is held until the newline, then dropped
    String meta = META.substring(0, META.length() - 1);
    assertEquals(List.of("", "", "after\n", ""), run(1, meta, "\n", "after\n"));
    // at level 1 a WARNING line cannot be dropped, so it passes at once, even unfinished
    assertEquals(List.of("W1206 05:22", ":16.0 12 a.cc:1] w\n", ""), run(1, "W1206 05:22", ":16.0 12 a.cc:1] w\n"));
    // a line still undecided when the stream ends was not a dropped line
    assertEquals(List.of("x\n", "I0000 00:00:17"), run(1, "x\nI0000 00:00:17"));
  }

  @Test
  void aLogLineWrittenDuringAProgressBarRedrawIsDropped() {
    NativeLoaderTest.requireLibrary();
    assertEquals("step 1\rstep 2\rdone\n", filtered(1, "step 1\r" + MLIR + "step 2\r" + META + "done\n"));
    assertEquals(List.of("step 1\r", "", "step 2\r", ""), run(1, "step 1\r", MLIR, "step 2\r"));
  }

  @Test
  void aLongPrefixIsNotHeldBackForever() {
    NativeLoaderTest.requireLibrary();
    String header = "I0000 00:00:1796534536.459505 8407 ";
    String end = ".cc:1] "; // the space completes absl's header
    String longest = header + "a".repeat(NativeAbi.STDERR_FILTER_HOLD_MAX - header.length() - end.length()) + end;
    assertEquals(NativeAbi.STDERR_FILTER_HOLD_MAX, longest.length());
    assertEquals(List.of("", "", ""), run(1, longest.substring(0, 300), longest.substring(300) + "x\n"),
        "a header of HOLD_MAX bytes is held until it is complete, then dropped");
    String tooLong = header + "a" + longest.substring(header.length()) + "x\n";
    assertEquals(List.of("", tooLong, ""),
        run(1, tooLong.substring(0, 300), tooLong.substring(300)), "one byte longer: passed at the cap");
  }

  @Test
  void chunkBoundariesChangeNothing() {
    NativeLoaderTest.requireLibrary();
    String kept = "report line 1\n50%\r75%\r100%\nI0000 not a log line\n\u00e9t\u00e9 \u2713\nWARNING: All is well\n";
    String input = META + "report line 1\n" + MLIR + "50%\r75%\r" + MLIR + "100%\n" + "I0000 not a log line\n"
        + MLIR + "\u00e9t\u00e9 \u2713\n" + "WARNING: All is well\n" + MLIR;
    byte[] raw = bytes(input);
    Random random = new Random(42);
    for (int trial = 0; trial < 200; trial++) {
      List<byte[]> chunks = new ArrayList<>();
      for (int at = 0; at < raw.length; ) {
        int n = trial == 0 ? 1 : 1 + random.nextInt(trial < 100 ? 8 : 200);
        int end = Math.min(raw.length, at + n);
        chunks.add(Arrays.copyOfRange(raw, at, end));
        at = end;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (byte[] b : StderrFilter.filter(chunks.toArray(byte[][]::new), 1)) {
        out.writeBytes(b);
      }
      assertEquals(kept, out.toString(StandardCharsets.UTF_8), "chunks of trial " + trial);
    }
  }

  @Test
  void arbitraryBytesPassUnchanged() {
    NativeLoaderTest.requireLibrary();
    byte[] raw = new byte[4096];
    new Random(7).nextBytes(raw);
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == 'I' || raw[i] == 'W') {
        raw[i] = 0; // no byte may begin a droppable line at level 2
      }
    }
    byte[][] out = StderrFilter.filter(new byte[][] {Arrays.copyOf(raw, 1000), Arrays.copyOfRange(raw, 1000, 4096)}, 2);
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    Arrays.stream(out).forEach(joined::writeBytes);
    assertEquals(HexFormat.of().formatHex(raw), HexFormat.of().formatHex(joined.toByteArray()));
  }

  @Test
  void installRefusesALevelThatDropsNothing() {
    assertThrows(IllegalArgumentException.class, () -> StderrFilter.install(0));
  }

  // ---- the installed filter, in a child JVM ----

  /** What the child writes to fd 2 after installing: each element one write(2) call, some through System.err. */
  static final List<String> CHILD_WRITES = List.of("plain line\n", META, MLIR.substring(0, 20), MLIR.substring(20),
      "50% \r", "100%\n", WARNING, "I0000 looks like a log line, is not\n", ERROR, FATAL);
  /** What arrives at level 1, and after it the bulk the child writes just before System.exit. */
  static final String CHILD_EXPECTED = "plain line\n50% \r100%\n" + WARNING + "I0000 looks like a log line, is not\n"
      + ERROR + FATAL;
  static final int BULK_LINES = 20_000;
  static final int CHILD_EXIT = 3;

  static String bulkLine(int i) {
    return "bulk " + i + (i % 100 == 0 ? "\n" + MLIR : "\n");
  }

  /**
   * The child: installs the filter (args[0] is the level), writes {@link #CHILD_WRITES} one write at a time, then a
   * bulk of lines, and exits with {@link #CHILD_EXIT} right away: the shutdown hook must drain the pipe first.
   */
  public static void main(String[] args) throws Exception {
    int level = Integer.parseInt(args[0]);
    System.out.println("installed=" + StderrFilter.install(level) + " again=" + StderrFilter.install(level));
    System.out.println("filter=" + text(StderrFilter.filter(new byte[][] {bytes(MLIR + "kept\n")}, level)[0]));
    System.out.flush();
    FileOutputStream fd2 = new FileOutputStream(FileDescriptor.err);
    for (int i = 0; i < CHILD_WRITES.size(); i++) {
      if (i % 2 == 0) {
        fd2.write(bytes(CHILD_WRITES.get(i)));
      } else {
        System.err.print(CHILD_WRITES.get(i));
        System.err.flush();
      }
    }
    StringBuilder bulk = new StringBuilder();
    for (int i = 0; i < BULK_LINES; i++) {
      bulk.append(bulkLine(i));
    }
    System.err.print(bulk);
    System.exit(CHILD_EXIT);
  }

  private record Child(int exit, String out, String err) {}

  private static Child child(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xcheck:jni", "-cp", System.getProperty("java.class.path"), StderrFilterTest.class.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).start();
    CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
      try {
        return p.getInputStream().readAllBytes();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    String err = text(p.getErrorStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return new Child(p.exitValue(), text(out.get(60, TimeUnit.SECONDS)), err);
  }

  @Test
  void theInstalledFilterDropsWhatTheLevelSaysAndLosesNothingAtExit() throws Exception {
    NativeLoaderTest.requireLibrary();
    Child c = child("1");
    assertEquals(CHILD_EXIT, c.exit(), c.out() + c.err());
    assertTrue(c.out().contains("installed=true again=true"), c.out());
    assertTrue(c.out().contains("filter=kept\n"), c.out());
    for (String stream : List.of(c.out(), c.err())) {
      // -Xcheck:jni reports on stdout or stderr, depending on the check
      assertFalse(stream.contains("WARNING in native method") || stream.contains("FATAL ERROR in native method")
          || stream.contains("JNI local refs") || stream.contains("handler modified"), stream);
    }
    StringBuilder bulk = new StringBuilder();
    for (int i = 0; i < BULK_LINES; i++) {
      bulk.append("bulk ").append(i).append('\n');
    }
    assertEquals(CHILD_EXPECTED + bulk, c.err(), "stderr of the child at level 1");
  }

  @Test
  void atLevelTwoWarningsGoToo() throws Exception {
    NativeLoaderTest.requireLibrary();
    Child c = child("2");
    assertEquals(CHILD_EXIT, c.exit(), c.out() + c.err());
    String err = c.err();
    assertTrue(err.startsWith(CHILD_EXPECTED.replace(WARNING, "")), err.substring(0, Math.min(err.length(), 2000)));
    assertTrue(err.endsWith("bulk " + (BULK_LINES - 1) + "\n"), "the last line written before exit arrives");
    assertFalse(err.contains("mlir_graph_optimization_pass"));
  }
}
