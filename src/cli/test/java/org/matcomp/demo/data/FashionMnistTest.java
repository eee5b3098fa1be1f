package org.matcomp.demo.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.matcomp.CliRequirements;

/** Against the installed dataset; expected values were computed with numpy from the same gzipped IDX files. */
class FashionMnistTest {
  private static FashionMnist data;

  @BeforeAll
  static void load() throws IOException {
    CliRequirements.fashionMnist();
    data = FashionMnist.load();
  }

  @Test
  void hasUpstreamSplitSizesAndBalancedClasses() {
    assertEquals(60000, data.train().n());
    assertEquals(10000, data.test().n());
    assertEquals(784, data.train().featureCount());
    int[] trainCounts = new int[10];
    java.util.Arrays.fill(trainCounts, 6000);
    assertArrayEquals(trainCounts, data.train().labelCounts(FashionMnist.CLASSES));
    int[] testCounts = new int[10];
    java.util.Arrays.fill(testCounts, 1000);
    assertArrayEquals(testCounts, data.test().labelCounts(FashionMnist.CLASSES));
  }

  @Test
  void firstExamplesMatchNumpy() {
    assertArrayEquals(new int[] {9, 0, 0, 3, 0}, java.util.Arrays.copyOf(data.train().copyLabels(), 5));
    assertArrayEquals(new int[] {9, 2, 1, 1, 6}, java.util.Arrays.copyOf(data.test().copyLabels(), 5));
    // numpy: train image 0 has pixel sum 76247, pixel 406 = 217, pixel 417 = 255 (its maximum).
    double sum = 0;
    for (int j = 0; j < 784; j++) {
      sum += data.train().feature(0, j);
    }
    assertEquals(76247 / 255.0, sum, 1e-3);
    assertEquals(217f / 255f, data.train().feature(0, 406));
    assertEquals(1f, data.train().feature(0, 417));
  }

  @Test
  void pixelsAreScaledToUnitInterval() {
    float min = Float.MAX_VALUE;
    float max = -Float.MAX_VALUE;
    for (float v : data.train().copyFeatures()) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    assertEquals(0f, min);
    assertEquals(1f, max);
  }

  @Test
  void missingDirectoryTellsHowToInstall(@TempDir Path empty) {
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> FashionMnist.load(empty));
    assertTrue(e.getMessage().contains("apt-get install -y dataset-fashion-mnist"), e.getMessage());
    assertTrue(e.getMessage().contains("train-images-idx3-ubyte.gz"), e.getMessage());
  }
}
