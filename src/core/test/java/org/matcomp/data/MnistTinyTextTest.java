package org.matcomp.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.matcomp.Requirements;

class MnistTinyTextTest {
  @Test
  void readsSharedTinyFileWithRawPixels() throws IOException {
    Requirements.require(Files.isRegularFile(MnistTinyText.DEFAULT_PATH), "../shared/testdata (read in place)");
    Dataset d = MnistTinyText.read(MnistTinyText.DEFAULT_PATH);
    assertEquals(115, d.n());
    assertEquals(784, d.featureCount());
    // Counted with `cut -f1 | sort | uniq -c`: 105 zeros, three 1s, one 4, two 5s, two 6s, one 7, one 9.
    assertArrayEquals(new int[] {105, 3, 0, 0, 1, 2, 2, 1, 0, 1}, d.labelCounts(10));
    // Line 1 starts "0 784 153:38 154:195"; pixel 152 is absent, hence 0.
    assertEquals(38f, d.feature(0, 153));
    assertEquals(195f, d.feature(0, 154));
    assertEquals(0f, d.feature(0, 152));
    float max = 0;
    for (float v : d.copyFeatures()) {
      max = Math.max(max, v);
    }
    assertEquals(255f, max);
    assertEquals(1f, d.scaled(1f / 255f).feature(0, 153) * 255f / 38f, 1e-6f);
  }

  @Test
  void reportsFileAndLineOfMalformedEntries(@TempDir Path tmp) throws IOException {
    Path f = tmp.resolve("bad.txt");
    Files.writeString(f, "1\t4\t0:3\t2:5\n2\t4\t7:1\n");
    IOException e = assertThrows(IOException.class, () -> MnistTinyText.read(f));
    assertTrue(e.getMessage().contains(f + ":2:") && e.getMessage().contains("pixel index 7"), e.getMessage());
    Files.writeString(f, "1\t4\t0:3\n2\t5\t1:1\n");
    e = assertThrows(IOException.class, () -> MnistTinyText.read(f));
    assertTrue(e.getMessage().contains("differs"), e.getMessage());
  }

  @Test
  void parsesSparseRowsIntoDenseFeatures(@TempDir Path tmp) throws IOException {
    Path f = tmp.resolve("ok.txt");
    Files.writeString(f, "1\t4\t0:3\t2:5\n2\t4\n");
    Dataset d = MnistTinyText.read(f);
    assertArrayEquals(new float[] {3, 0, 5, 0, 0, 0, 0, 0}, d.copyFeatures());
    assertArrayEquals(new int[] {1, 2}, d.copyLabels());
  }
}
