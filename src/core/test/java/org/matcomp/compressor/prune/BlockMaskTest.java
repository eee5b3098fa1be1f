package org.matcomp.compressor.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.matcomp.compressor.prune.SparsityScheduleTest.assertMessage;

import org.junit.jupiter.api.Test;

class BlockMaskTest {
  // Four 2x2 blocks: top-left [9 0; 0 0] (avg 2.25, max 9), top-right [3 3; 3 3] (avg 3, max 3),
  // bottom-left [2 2; 2 2] (avg 2, max 2), bottom-right [1 1; 1 5] (avg 2, max 5).
  private static final float[] SCORES = {
      9, 0, 3, 3,
      0, 0, 3, 3,
      2, 2, 1, 1,
      2, 2, 1, 5};

  @Test
  void averagePoolingKeepsTheTwoBlocksWithTheLargestMeans() {
    PruningMask mask = BlockMask.of(2, 2, Pooling.AVG).select("W", SCORES, 4, 4, 0.5);
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, mask.keptIndices());
  }

  @Test
  void maxPoolingKeepsTheTwoBlocksWithTheLargestPeaks() {
    PruningMask mask = BlockMask.of(2, 2, Pooling.MAX).select("W", SCORES, 4, 4, 0.5);
    assertArrayEquals(new int[] {0, 1, 4, 5, 10, 11, 14, 15}, mask.keptIndices());
  }

  @Test
  void partialEdgeBlocksAverageOnlyTheEntriesThatExist() {
    // 2x2 blocks over 3x3: [0..1]x[0..1] avg 1; [0..1]x[2] avg 2.5; [2]x[0..1] avg 4; [2]x[2] avg 3.
    // Counting padding as zeros would give 1, 1.25, 2, 0.75 and keep a different pair.
    float[] s = {
        1, 1, 5,
        1, 1, 0,
        4, 4, 3};
    assertArrayEquals(new int[] {6, 7, 8}, BlockMask.of(2, 2, Pooling.AVG).select("W", s, 3, 3, 0.5).keptIndices());
    assertArrayEquals(new int[] {2, 5, 6, 7}, BlockMask.of(2, 2, Pooling.MAX).select("W", s, 3, 3, 0.5)
        .keptIndices());
  }

  @Test
  void minusOneSpansTheWholeDimensionSoRowsArePrunedWhole() {
    float[] s = {
        1, 1, 1,
        5, 0, 0,
        2, 2, 2,
        0, 0, 0};
    // Row means 1, 5/3, 2, 0: keep the two largest rows (2 and 1).
    PruningMask mask = BlockMask.of(1, -1, Pooling.AVG).select("W", s, 4, 3, 0.5);
    assertArrayEquals(new int[] {3, 4, 5, 6, 7, 8}, mask.keptIndices());
    assertEquals(6, BlockMask.of(1, -1, Pooling.AVG).keptCount("W", 4, 3, 0.5));
  }

  @Test
  void keptCountNeedsDividingBlocksAndOtherwiseNamesTheMatrix() {
    assertEquals(8, BlockMask.of(2, 2, Pooling.AVG).keptCount("W", 4, 4, 0.5));
    assertMessage("dense/kernel: block 2x2 does not divide the 3x3 matrix",
        () -> BlockMask.of(2, 2, Pooling.AVG).keptCount("dense/kernel", 3, 3, 0.5));
    assertMessage("block_height=0", () -> BlockMask.of(0, 2, Pooling.AVG));
    assertMessage("block_pooling_function='MEDIAN'", () -> Pooling.parse("MEDIAN"));
  }
}
