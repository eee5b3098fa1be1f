package org.matcomp.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweep plot is a real PNG of the chart's size, with something drawn on it, and nothing else is left behind. */
class SweepPlotTest {
  @TempDir
  Path dir;

  private static final List<SweepPlot.Point> SWEEP = List.of(
      new SweepPlot.Point("none", "none", 1.0, 0.894),
      new SweepPlot.Point("lowrank", "lowrank size=64", 3.9, 0.890),
      new SweepPlot.Point("lowrank", "lowrank size=16", 12.1, 0.871),
      new SweepPlot.Point("prune", "prune sparsity=0.8", 2.5, 0.889),
      new SweepPlot.Point("prune", "prune sparsity=0.95", 9.8, 0.862));

  private BufferedImage writeAndDecode(Path file, List<SweepPlot.Point> points) throws Exception {
    SweepPlot.write(file, "test sweep", "test accuracy", points);
    assertTrue(Files.size(file) > 10_000, "a 900×600 chart with axes, legend and lines: " + Files.size(file) + " B");
    BufferedImage image = ImageIO.read(file.toFile());
    assertNotNull(image, file + " does not decode as an image");
    return image;
  }

  @Test
  void writesAPngOfTheChartSizeThatDecodes() throws Exception {
    Path file = dir.resolve("sweep.png");
    BufferedImage image = writeAndDecode(file, SWEEP);
    assertEquals(900, image.getWidth());
    assertEquals(600, image.getHeight());
    byte[] magic = Arrays.copyOf(Files.readAllBytes(file), 8);
    assertEquals("\u0089PNG\r\n\u001a\n", new String(magic, java.nio.charset.StandardCharsets.ISO_8859_1));
    // Axes, text, a grid, three series: far more than a blank canvas's one or two colours.
    assertTrue(distinctColours(image) > 20, "distinct colours: " + distinctColours(image));
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(List.of(file), left.toList(), "only the plot remains (no work directory)");
    }
  }

  @Test
  void aSweepOfTheBaselineAloneStillPlots() throws Exception {
    BufferedImage image = writeAndDecode(dir.resolve("dense.png"), List.of(SWEEP.get(0)));
    assertEquals(900, image.getWidth());
  }

  @Test
  void anExistingPlotIsReplaced() throws Exception {
    Path file = dir.resolve("sweep.png");
    Files.writeString(file, "old");
    writeAndDecode(file, SWEEP);
  }

  private static int distinctColours(BufferedImage image) {
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 2) {
      for (int x = 0; x < image.getWidth(); x += 2) {
        colours.add(image.getRGB(x, y));
      }
    }
    return colours.size();
  }
}
