package org.matcomp.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .npy reader on damaged files: random truncations, bit flips, header edits and length-field edits of valid files
 * (every dtype, 0-D to 3-D, versions 1 to 3, Fortran order, big-endian) must give a correct array or an IOException
 * naming the file in one line — never another exception, an allocation the file cannot back, or a hang (issue 11,
 * "beyond the list"). Seeded, so a failure replays; about 6000 files in a few seconds.
 */
class NpyFuzzTest {
  private static final long SEED = 20261206L;
  private static final int CASES = 6000;
  private static final Path FIXTURES = Path.of("testdata/npy");

  @TempDir
  Path tmp;

  private static List<byte[]> seeds() throws IOException {
    List<byte[]> out = new ArrayList<>();
    out.add(Npy.toBytes(NpyArray.ofFloats(new long[] {3, 4}, new float[] {1, -2, 3.5f, 0, 5, 6, 7, 8, 9, 10, 11, 12})));
    out.add(Npy.toBytes(NpyArray.ofDoubles(new long[] {2, 2, 2}, new double[] {1, 2, 3, 4, 5, 6, 7, 8})));
    out.add(Npy.toBytes(NpyArray.ofInts(new long[] {5}, new int[] {1, -1, 7, 0, 1 << 30})));
    out.add(Npy.toBytes(NpyArray.ofLongs(new long[] {}, new long[] {42})));
    out.add(Npy.toBytes(NpyArray.ofShorts(new long[] {2, 3}, new short[] {1, 2, 3, -4, 5, 6})));
    out.add(Npy.toBytes(NpyArray.ofUnsignedBytes(new long[] {4, 1}, new byte[] {0, 1, (byte) 200, 9})));
    out.add(Npy.toBytes(NpyArray.ofBooleans(new long[] {3}, new boolean[] {true, false, true})));
    out.add(Npy.toBytes(NpyArray.ofFloats(new long[] {0, 3}, new float[0])));
    try (var files = Files.list(FIXTURES)) {
      for (Path p : files.filter(p -> p.toString().endsWith(".npy")).sorted().toList()) {
        out.add(Files.readAllBytes(p));
      }
    }
    return out;
  }

  /** Offset of the first data byte of a well-formed file. */
  private static int dataStart(byte[] b) {
    int major = b[6] & 0xFF;
    int len = major == 1 ? (b[8] & 0xFF) | (b[9] & 0xFF) << 8
        : (b[8] & 0xFF) | (b[9] & 0xFF) << 8 | (b[10] & 0xFF) << 16 | (b[11] & 0xFF) << 24;
    return (major == 1 ? 10 : 12) + len;
  }

  private static final String HEADER_CHARS = "{}()[],:'\" 0123456789-+eE.<>|=fiub8TrueFalsdcrhp\n\u00ff\u0663";

  /** One damaged copy of {@code b}; {@code dataOnly[0]} says whether only data bytes changed (so the header holds). */
  private static byte[] mutate(byte[] b, Random rnd, boolean[] dataOnly) {
    byte[] m = b.clone();
    int start = dataStart(b);
    dataOnly[0] = false;
    switch (rnd.nextInt(7)) {
      case 0 -> m = Arrays.copyOf(b, rnd.nextInt(b.length)); // truncation
      case 1 -> { // bit flips anywhere
        for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
          int i = rnd.nextInt(m.length);
          m[i] ^= (byte) (1 << rnd.nextInt(8));
        }
      }
      case 2 -> { // bit flips in the data only: must read back exactly
        if (start < m.length) {
          for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
            int i = start + rnd.nextInt(m.length - start);
            m[i] ^= (byte) (1 << rnd.nextInt(8));
          }
          dataOnly[0] = true;
        }
      }
      case 3 -> { // a header character replaced by one that means something in a dict literal
        int hs = b[6] == 1 ? 10 : 12;
        int i = hs + rnd.nextInt(Math.max(1, Math.min(start, m.length) - hs));
        m[i] = (byte) HEADER_CHARS.charAt(rnd.nextInt(HEADER_CHARS.length()));
      }
      case 4 -> { // the header length field set to anything
        m[8 + rnd.nextInt(2)] = (byte) rnd.nextInt(256);
      }
      case 5 -> { // the shape rewritten in place (same length, so the data offset holds)
        String h = new String(m, 0, Math.min(start, m.length), StandardCharsets.ISO_8859_1);
        int open = h.indexOf("'shape': (");
        if (open >= 0) {
          int from = open + 10;
          int to = h.indexOf(')', from);
          StringBuilder s = new StringBuilder();
          for (int i = from; i < to; i++) {
            char c = h.charAt(i);
            s.append(Character.isDigit(c) ? (char) ('0' + rnd.nextInt(10)) : c);
          }
          byte[] shape = s.toString().getBytes(StandardCharsets.ISO_8859_1);
          System.arraycopy(shape, 0, m, from, shape.length);
        }
      }
      default -> { // garbage appended or bytes dropped from the middle
        if (rnd.nextBoolean()) {
          m = Arrays.copyOf(b, b.length + 1 + rnd.nextInt(16));
        } else {
          int i = rnd.nextInt(b.length);
          int n = 1 + rnd.nextInt(Math.min(8, b.length - i));
          byte[] r = new byte[b.length - n];
          System.arraycopy(b, 0, r, 0, i);
          System.arraycopy(b, i + n, r, i, b.length - i - n);
          m = r;
        }
      }
    }
    return m;
  }

  @Test
  void damagedFilesGiveACorrectArrayOrOneLineNamingTheFile() throws Exception {
    List<byte[]> seeds = seeds();
    Random rnd = new Random(SEED);
    Path file = tmp.resolve("fuzzed.npy");
    int[] outcomes = new int[2];
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      for (int c = 0; c < CASES; c++) {
        byte[] original = seeds.get(rnd.nextInt(seeds.size()));
        boolean[] dataOnly = new boolean[1];
        byte[] m = mutate(original, rnd, dataOnly);
        Files.write(file, m);
        try {
          NpyArray a = Npy.read(file);
          outcomes[0]++;
          long n = 1;
          for (long d : a.shape()) {
            n *= d;
          }
          assertEquals(n, a.size(), "case " + c + ": shape and size agree");
          if (dataOnly[0]) {
            NpyArray before = Npy.read(writeTo(tmp.resolve("original.npy"), original));
            assertArrayEquals(before.shape(), a.shape(), "case " + c);
            assertEquals(before.dtype(), a.dtype(), "case " + c);
            if (a.dtype() != NpyDtype.BOOL && isCanonical(original)) {
              // Integers and floats come back bit for bit: re-encoding gives the damaged file itself.
              assertArrayEquals(m, Npy.toBytes(a), "case " + c + " read back other values than the file holds");
            }
          }
        } catch (IOException e) {
          outcomes[1]++;
          assertTrue(e.getMessage().startsWith(file.toString()), "case " + c + ": names the file: " + e.getMessage());
          assertEquals(1, e.getMessage().lines().count(), "case " + c + ": one line: " + e.getMessage());
        } catch (RuntimeException | OutOfMemoryError e) {
          fail("case " + c + " (seed " + SEED + "): " + e, e);
        }
      }
    });
    assertEquals(CASES, outcomes[0] + outcomes[1]);
    assertTrue(outcomes[0] > CASES / 20 && outcomes[1] > CASES / 2, "both outcomes exercised: " + Arrays.toString(
        outcomes));
  }

  private static Path writeTo(Path p, byte[] b) throws IOException {
    Files.write(p, b);
    return p;
  }

  /** Written as np.save writes (version 1, little-endian, C order), so re-encoding is byte-identical. */
  private static boolean isCanonical(byte[] b) throws IOException {
    try {
      return Arrays.equals(b, Npy.toBytes(Npy.read(writeTo(Files.createTempFile("canon", ".npy"), b))));
    } catch (IOException e) {
      return false;
    }
  }
}
