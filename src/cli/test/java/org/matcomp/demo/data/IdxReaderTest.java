package org.matcomp.demo.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.matcomp.data.Dataset;

class IdxReaderTest {
  @TempDir
  Path tmp;

  private static byte[] idx(int magic, int[] dims, byte[] payload) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(magic);
    for (int d : dims) {
      out.writeInt(d);
    }
    out.write(payload);
    return bytes.toByteArray();
  }

  private static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(raw);
    }
    return bytes.toByteArray();
  }

  private Path file(String name, byte[] contents) throws IOException {
    Path p = tmp.resolve(name);
    Files.write(p, contents);
    return p;
  }

  @Test
  void readsGzippedAndPlainFilesAlike() throws IOException {
    byte[] labels = idx(0x0801, new int[] {3}, new byte[] {9, 0, (byte) 255});
    assertArrayEquals(new int[] {9, 0, 255}, IdxReader.readLabels(file("l.gz", gzip(labels))));
    assertArrayEquals(new int[] {9, 0, 255}, IdxReader.readLabels(file("l", labels)));
  }

  @Test
  void flattensImagesRowMajorAndScales() throws IOException {
    Path images = file("i.gz", gzip(idx(0x0803, new int[] {2, 1, 2}, new byte[] {0, 51, (byte) 255, 102})));
    Path labels = file("l.gz", gzip(idx(0x0801, new int[] {2}, new byte[] {4, 7})));
    Dataset d = IdxReader.readDataset(images, labels, 255f);
    assertEquals(2, d.n());
    assertEquals(2, d.featureCount());
    assertArrayEquals(new float[] {0f, 0.2f, 1f, 0.4f}, d.copyFeatures());
    assertArrayEquals(new int[] {4, 7}, d.copyLabels());
  }

  private void assertBad(Path f, String phrase) {
    IOException e = assertThrows(IOException.class, () -> IdxReader.readLabels(f));
    assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains(phrase), e.getMessage());
  }

  @Test
  void rejectsImagesReadAsLabels() throws IOException {
    assertBad(file("i", idx(0x0803, new int[] {1, 1, 1}, new byte[] {0})), "magic 0x00000803, expected 0x00000801");
  }

  @Test
  void rejectsTruncatedPayloadAndHugeClaims() throws IOException {
    assertBad(file("t.gz", gzip(idx(0x0801, new int[] {5}, new byte[] {1, 2}))), "need 5 bytes, the file ends after 2");
    // Claims 2 GB; the incremental read must fail on the 2 real bytes instead of allocating the claim.
    assertBad(file("h", idx(0x0801, new int[] {Integer.MAX_VALUE - 16}, new byte[] {1, 2})), "truncated");
    assertBad(file("n", idx(0x0801, new int[] {-1}, new byte[0])), "negative dimension");
  }

  @Test
  void rejectsTrailingBytesAndBrokenGzip() throws IOException {
    assertBad(file("x", idx(0x0801, new int[] {1}, new byte[] {1, 2})), "trailing bytes");
    byte[] gz = gzip(idx(0x0801, new int[] {100}, new byte[100]));
    assertBad(file("cut.gz", Arrays.copyOf(gz, gz.length - 10)), "truncated");
    assertBad(file("short", new byte[] {0, 0}), "truncated");
  }

  @Test
  void rejectsMismatchedImageAndLabelCounts() throws IOException {
    Path images = file("i", idx(0x0803, new int[] {2, 1, 1}, new byte[] {0, 1}));
    Path labels = file("l", idx(0x0801, new int[] {3}, new byte[] {0, 1, 2}));
    IOException e = assertThrows(IOException.class, () -> IdxReader.readDataset(images, labels, 1f));
    assertTrue(e.getMessage().contains("2 images") && e.getMessage().contains("3 labels"), e.getMessage());
  }
}
