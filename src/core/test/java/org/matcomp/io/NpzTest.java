package org.matcomp.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NpzTest {
  /** Made by python-interop/make_finetune_fixtures.py, whose arrays the expectations below repeat. */
  private static final Path FIXTURES = Path.of("testdata/finetune");

  @TempDir
  Path tmp;

  private static final NpyArray X = NpyArray.ofFloats(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, -6.5f});
  private static final NpyArray LABELS = NpyArray.ofLongs(new long[] {2}, new long[] {1, 0});

  private static Map<String, NpyArray> arrays() {
    Map<String, NpyArray> m = new LinkedHashMap<>();
    m.put("x", X);
    m.put("labels", LABELS);
    return m;
  }

  @ParameterizedTest
  @ValueSource(ints = {ZipEntry.STORED, ZipEntry.DEFLATED})
  void readsStoredAndDeflatedEntriesByNameInArchiveOrder(int method) throws IOException {
    Map<String, NpyArray> read = Npz.read(NpzFiles.write(tmp.resolve("d.npz"), method, arrays()));
    assertEquals(List.of("x", "labels"), List.copyOf(read.keySet()));
    assertEquals(X, read.get("x"));
    assertEquals(LABELS, read.get("labels"));
  }

  @Test
  void readsWhatNumpySavezAndSavezCompressedWrite() throws IOException {
    float[] x = new float[24];
    for (int i = 0; i < x.length; i++) {
      x[i] = i / 8f; // np.arange(24).reshape(6, 4) / 8
    }
    long[] labels = {0, 1, 2, 2, 1, 0};
    Map<String, NpyArray> compressed = Npz.read(FIXTURES.resolve("classify_compressed.npz"));
    assertEquals(NpyArray.ofFloats(new long[] {6, 4}, x), compressed.get("x"));
    assertEquals(NpyArray.ofLongs(new long[] {6}, labels), compressed.get("labels"));
    Map<String, NpyArray> stored = Npz.read(FIXTURES.resolve("classify_stored.npz"));
    assertEquals(NpyDtype.FLOAT64, stored.get("x").dtype());
    double[] expected = new double[x.length];
    Arrays.setAll(expected, i -> x[i]);
    assertArrayEquals(expected, stored.get("x").doubleData());
    assertEquals(compressed.get("labels"), stored.get("labels"));
  }

  @Test
  void aFileThatIsNotAZipIsRefusedNamingIt() throws IOException {
    Path f = Files.write(tmp.resolve("x.npz"), Npy.toBytes(X)); // a .npy named .npz
    IOException e = assertThrows(IOException.class, () -> Npz.read(f));
    assertEquals(f + ": not a .npz (zip) archive: zip END header not found", e.getMessage());
  }

  @Test
  void aMissingFileIsNoSuchFileAsForNpy() {
    Path f = tmp.resolve("absent.npz");
    assertEquals(f.toString(), assertThrows(NoSuchFileException.class, () -> Npz.read(f)).getFile());
  }

  @Test
  void aMalformedEntryIsRefusedNamingFileAndEntry() throws IOException {
    Path f = archive("bad.npz", "labels.npy", "not an array".getBytes());
    IOException e = assertThrows(IOException.class, () -> Npz.read(f));
    assertEquals(f + " entry 'labels.npy': wrong magic, not a .npy file (starts with 6e6f7420616e)", e.getMessage());
  }

  @Test
  void entriesThatAreNotArraysAreRefusedNotSkipped() throws IOException {
    Path f = archive("readme.npz", "README.txt", "hello".getBytes());
    IOException e = assertThrows(IOException.class, () -> Npz.read(f));
    assertEquals(f + " entry 'README.txt' is not a .npy array (a .npz holds only <name>.npy entries)",
        e.getMessage());
  }

  @Test
  void aCorruptDeflatedEntryIsRefusedNamingFileAndEntry() throws IOException {
    Path f = NpzFiles.write(tmp.resolve("crc.npz"), ZipEntry.DEFLATED, Map.of("x", X));
    byte[] b = Files.readAllBytes(f);
    // Flip a byte of the deflate stream, which starts after the 30-byte local header and the name "x.npy".
    b[30 + 5 + 3] ^= 0x55;
    Files.write(f, b);
    IOException e = assertThrows(IOException.class, () -> Npz.read(f));
    // Which check notices depends on the flipped bit (a bad block, an early end, the CRC); each names the entry.
    assertEquals(true, e.getMessage().startsWith(f + " entry 'x.npy'"), e.getMessage());
  }

  @Test
  void aTruncatedArchiveIsRefusedNamingTheFile() throws IOException {
    Path f = NpzFiles.write(tmp.resolve("cut.npz"), ZipEntry.STORED, arrays());
    byte[] b = Files.readAllBytes(f);
    Files.write(f, Arrays.copyOf(b, b.length / 2));
    IOException e = assertThrows(IOException.class, () -> Npz.read(f));
    assertEquals(true, e.getMessage().startsWith(f + ": not a .npz (zip) archive"), e.getMessage());
  }

  @Test
  void aDirectoryIsRefusedNamingIt() {
    IOException e = assertThrows(IOException.class, () -> Npz.read(tmp));
    assertEquals(tmp + ": is a directory, not a .npz file", e.getMessage());
  }

  private Path archive(String file, String entry, byte[] bytes) throws IOException {
    Path f = tmp.resolve(file);
    try (OutputStream out = Files.newOutputStream(f); ZipOutputStream zip = new ZipOutputStream(out)) {
      NpzFiles.putEntry(zip, "x.npy", ZipEntry.DEFLATED, Npy.toBytes(X));
      NpzFiles.putEntry(zip, entry, ZipEntry.STORED, bytes);
    }
    return f;
  }
}
