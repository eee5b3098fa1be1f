package org.matcomp.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.matcomp.linalg.FloatMatrix;

/** Fixtures come from python-interop/make_npy_fixtures.py; the expected values below repeat that script's arrays. */
class NpyTest {
  private static final Path FIXTURES = Path.of("testdata/npy");

  @TempDir
  Path tmp;

  private static NpyArray fixture(String name) throws IOException {
    return Npy.read(FIXTURES.resolve(name));
  }

  @Test
  void readsFloat32Matrix() throws IOException {
    NpyArray a = fixture("f4_2x3.npy");
    assertEquals(NpyDtype.FLOAT32, a.dtype());
    assertArrayEquals(new long[] {2, 3}, a.shape());
    assertArrayEquals(new float[] {1.5f, -2.0f, 3.25f, 0.0f, 1e-3f, -7.0f}, a.floatData());
    FloatMatrix m = a.toFloatMatrix("f4_2x3");
    assertEquals(2, m.rows());
    assertEquals(3.25f, m.get(0, 2));
  }

  @Test
  void readsVersion2And3HeadersLikeVersion1() throws IOException {
    NpyArray v1 = fixture("f4_2x3.npy");
    assertEquals(v1, fixture("f4_2x3_v2.npy"));
    assertEquals(v1, fixture("f4_2x3_v3.npy"));
  }

  @Test
  void reordersFortranFloat64ToRowMajor() throws IOException {
    NpyArray a = fixture("f8_3x2_fortran.npy");
    assertEquals(NpyDtype.FLOAT64, a.dtype());
    assertArrayEquals(new int[] {3, 2}, a.intShape());
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, -6.5}, a.doubleData());
    assertEquals(-6.5f, a.toFloatMatrix("f8").get(2, 1));
  }

  @Test
  void readsIntegerAndBooleanDtypes() throws IOException {
    assertArrayEquals(new int[] {1, -2, Integer.MAX_VALUE, Integer.MIN_VALUE}, fixture("i4_2x2.npy").intData());
    assertArrayEquals(new int[] {7, -1, 0}, fixture("i4_1d.npy").intData());
    NpyArray u1 = fixture("u1_2x3.npy");
    assertEquals(NpyDtype.UINT8, u1.dtype());
    assertArrayEquals(new int[] {0, 1, 127, 128, 254, 255}, u1.intData());
    assertArrayEquals(new long[] {1, -1, Long.MAX_VALUE, Long.MIN_VALUE}, fixture("i8_1d.npy").longData());
    NpyArray i2 = fixture("i2_1d.npy");
    assertEquals(NpyDtype.INT16, i2.dtype());
    assertArrayEquals(new int[] {1, -2, 32767, -32768}, i2.intData());
    NpyArray b1 = fixture("b1_1d.npy");
    assertEquals(NpyDtype.BOOL, b1.dtype());
    assertArrayEquals(new boolean[] {true, false, true}, b1.booleanData());
    assertArrayEquals(new int[] {1, 0, 1}, b1.intData());
  }

  @Test
  void readsBigEndianFloats() throws IOException {
    NpyArray f4 = fixture("be_f4_2x2.npy");
    assertEquals(NpyDtype.FLOAT32, f4.dtype());
    assertArrayEquals(new float[] {1.0f, -2.5f, 3.0f, 0.125f}, f4.floatData());
    assertArrayEquals(new double[] {1.0, -2.5}, fixture("be_f8_1d.npy").doubleData());
  }

  @Test
  void readsZeroRowMatrix() throws IOException {
    NpyArray a = fixture("f4_0x3.npy");
    assertArrayEquals(new long[] {0, 3}, a.shape());
    assertEquals(0, a.size());
    FloatMatrix m = a.toFloatMatrix("empty");
    assertEquals(0, m.rows());
    assertEquals(3, m.cols());
  }

  /** Every fixture that is little-endian and C-ordered must come back out of Npy byte for byte. */
  @ParameterizedTest
  @ValueSource(strings = {"f4_2x3.npy", "f4_1d.npy", "f4_0x3.npy", "i4_2x2.npy", "i4_1d.npy", "u1_2x3.npy",
      "i8_1d.npy", "i2_1d.npy", "b1_1d.npy"})
  void writesNumpysExactBytes(String name) throws IOException {
    byte[] numpy = Files.readAllBytes(FIXTURES.resolve(name));
    Path out = tmp.resolve(name);
    Npy.write(out, Npy.read(FIXTURES.resolve(name)));
    assertArrayEquals(numpy, Files.readAllBytes(out), name);
  }

  @Test
  void writesFromJavaValuesAsNumpyDoes() throws IOException {
    assertArrayEquals(Files.readAllBytes(FIXTURES.resolve("f4_2x3.npy")),
        Npy.toBytes(NpyArray.of(FloatMatrix.of(2, 3, new float[] {1.5f, -2.0f, 3.25f, 0.0f, 1e-3f, -7.0f}))));
    assertArrayEquals(Files.readAllBytes(FIXTURES.resolve("i4_1d.npy")),
        Npy.toBytes(NpyArray.ofInts(new long[] {3}, new int[] {7, -1, 0})));
    assertArrayEquals(Files.readAllBytes(FIXTURES.resolve("u1_2x3.npy")),
        Npy.toBytes(NpyArray.ofUnsignedBytes(new long[] {2, 3}, new byte[] {0, 1, 127, (byte) 128, (byte) 254,
            (byte) 255})));
    assertArrayEquals(Files.readAllBytes(FIXTURES.resolve("i8_1d.npy")),
        Npy.toBytes(NpyArray.ofLongs(new long[] {4}, new long[] {1, -1, Long.MAX_VALUE, Long.MIN_VALUE})));
    // Header + data start at a multiple of 64, as np.save aligns them.
    assertEquals(128, Files.size(FIXTURES.resolve("f4_0x3.npy")));
  }

  @Test
  void overwritesAtomicallyLeavingNoTemporaryFiles() throws IOException {
    Path out = tmp.resolve("w.npy");
    Npy.write(out, NpyArray.ofInts(new long[] {2}, new int[] {1, 2}));
    Npy.write(out, FloatMatrix.of(1, 2, new float[] {3f, 4f}));
    assertArrayEquals(new float[] {3f, 4f}, Npy.read(out).floatData());
    try (Stream<Path> files = Files.list(tmp)) {
      assertEquals(List.of(out), files.toList());
    }
  }

  @Test
  void rejectsNonMatrixConversionNamingTheSource() throws IOException {
    IllegalArgumentException dtype = assertThrows(IllegalArgumentException.class,
        () -> fixture("i4_2x2.npy").toFloatMatrix("weights.npy"));
    assertTrue(dtype.getMessage().contains("weights.npy") && dtype.getMessage().contains("INT32"),
        dtype.getMessage());
    IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
        () -> fixture("f4_1d.npy").toFloatMatrix("bias.npy"));
    assertTrue(rank.getMessage().contains("bias.npy") && rank.getMessage().contains("[4]"), rank.getMessage());
    IOException viaFile = assertThrows(IOException.class, () -> Npy.readFloatMatrix(FIXTURES.resolve("i8_1d.npy")));
    assertTrue(viaFile.getMessage().contains("i8_1d.npy"), viaFile.getMessage());
  }

  @Test
  void refusesLossyAccessors() throws IOException {
    assertThrows(IllegalStateException.class, () -> fixture("i8_1d.npy").doubleData());
    assertThrows(IllegalStateException.class, () -> fixture("f8_3x2_fortran.npy").floatData());
    assertThrows(IllegalStateException.class, () -> fixture("i4_1d.npy").byteData());
  }

  // ---- corrupt files: each must be an IOException naming the file and the defect ----

  private void assertCorrupt(byte[] contents, String expectedPhrase) throws IOException {
    Path f = tmp.resolve("bad.npy");
    Files.write(f, contents);
    IOException e = assertThrows(IOException.class, () -> Npy.read(f));
    assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(expectedPhrase), e.getMessage());
  }

  /** A version-1.0 file with {@code header} as its dict and {@code dataBytes} zero bytes of data. */
  private static byte[] npy(String header, int dataBytes) {
    byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer b = ByteBuffer.allocate(10 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length).put(h);
    return b.array();
  }

  @Test
  void rejectsWrongMagic() throws IOException {
    byte[] good = Files.readAllBytes(FIXTURES.resolve("f4_2x3.npy"));
    good[1] = 'X';
    assertCorrupt(good, "wrong magic");
  }

  @Test
  void rejectsFilesShorterThanThePreamble() throws IOException {
    assertCorrupt(new byte[0], "only 0 bytes");
    assertCorrupt(Arrays.copyOf(Files.readAllBytes(FIXTURES.resolve("f4_2x3.npy")), 9), "only 9 bytes");
  }

  @Test
  void rejectsTruncatedData() throws IOException {
    byte[] good = Files.readAllBytes(FIXTURES.resolve("f4_2x3.npy"));
    assertCorrupt(Arrays.copyOf(good, good.length - 3), "24 data bytes but only 21");
  }

  @Test
  void rejectsTruncatedHeader() throws IOException {
    byte[] good = Files.readAllBytes(FIXTURES.resolve("f4_2x3.npy"));
    assertCorrupt(Arrays.copyOf(good, 40), "runs past the end");
  }

  @Test
  void rejectsHugeClaimBeforeAllocating() throws IOException {
    // 4·10^12 bytes claimed: allocating first would die with OutOfMemoryError, not a message.
    assertCorrupt(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000), }\n", 16),
        "4000000000000 data bytes but only 16");
    assertCorrupt(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }\n", 0),
        "overflows");
  }

  @Test
  void rejectsTrailingBytes() throws IOException {
    byte[] good = Files.readAllBytes(FIXTURES.resolve("i4_1d.npy"));
    assertCorrupt(Arrays.copyOf(good, good.length + 4), "4 unexpected trailing bytes");
  }

  @Test
  void rejectsUnsupportedVersionDtypeAndMalformedHeaders() throws IOException {
    byte[] v4 = Files.readAllBytes(FIXTURES.resolve("f4_2x3.npy"));
    v4[6] = 4;
    assertCorrupt(v4, "unsupported format version 4.0");
    assertCorrupt(npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }\n", 8), "'<c8'");
    assertCorrupt(npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }\n", 4), "descr");
    assertCorrupt(npy("{'descr': '|f4', 'fortran_order': False, 'shape': (1,), }\n", 4), "no byte order");
    assertCorrupt(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }\n", 8), "malformed shape");
    assertCorrupt(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }\n", 0), "negative dimension");
    assertCorrupt(npy("{'descr': '<f4', 'shape': (1,), }\n", 4), "lacks");
    assertCorrupt(npy("garbage\n", 4), "not a Python dict");
  }

  @Test
  void reordersFortranArraysOfHigherRank() throws IOException {
    // A 2×3×2 array with entry [i][j][k] = 100i + 10j + k, laid out column-major (i fastest).
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    ByteBuffer b = ByteBuffer.allocate(12 * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int k = 0; k < 2; k++) {
      for (int j = 0; j < 3; j++) {
        for (int i = 0; i < 2; i++) {
          b.putInt(100 * i + 10 * j + k);
        }
      }
    }
    byte[] header = npy("{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3, 2), }\n", 0);
    data.write(header);
    data.write(b.array());
    Path f = tmp.resolve("f3.npy");
    Files.write(f, data.toByteArray());
    assertArrayEquals(new int[] {0, 1, 10, 11, 20, 21, 100, 101, 110, 111, 120, 121}, Npy.read(f).intData());
  }
}
