package org.matcomp.compressor.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.matcomp.compressor.prune.SparsityScheduleTest.assertMessage;

import java.util.Random;
import org.junit.jupiter.api.Test;

class NmMaskTest {
  @Test
  void twoOfFourAlongRowsKeepsEachGroupsTwoLargestWithTiesToTheFirst() {
    float[] s = {
        1, 4, 3, 2, 9, 9, 9, 9,
        0, 0, 5, 0, 7, 6, 8, 5};
    PruningMask mask = NmMask.of(2, 4, NmMask.Axis.ALONG_ROWS).select("W", s, 2, 8, 0.5);
    assertArrayEquals(new int[] {1, 2, 4, 5, 8, 10, 12, 14}, mask.keptIndices());
    // 3:4 drops one per group; among equal smallest the last goes.
    PruningMask threeOfFour = NmMask.of(3, 4, NmMask.Axis.ALONG_ROWS).select("W", s, 2, 8, 0.25);
    assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 13, 14}, threeOfFour.keptIndices());
  }

  @Test
  void randomMasksAreValidAlongRowsAndColumns() {
    Random rnd = new Random(5);
    int rows = 64;
    int cols = 96;
    float[] s = new float[rows * cols];
    for (int i = 0; i < s.length; i++) {
      s[i] = (float) Math.abs(rnd.nextGaussian());
    }
    PruningMask byRow = NmMask.of(2, 4, NmMask.Axis.ALONG_ROWS).select("W", s, rows, cols, 0.5);
    assertEquals(rows * cols / 2, byRow.keptCount());
    for (int i = 0; i < rows; i++) {
      for (int g = 0; g < cols; g += 4) {
        assertValidGroup(s, byRow, i * cols + g, 1, 4, 2);
      }
    }
    PruningMask byColumn = NmMask.of(3, 8, NmMask.Axis.ALONG_COLUMNS).select("W", s, rows, cols, 1 - 3.0 / 8);
    assertEquals(rows * cols / 8 * 3, byColumn.keptCount());
    for (int j = 0; j < cols; j++) {
      for (int g = 0; g < rows; g += 8) {
        assertValidGroup(s, byColumn, g * cols + j, cols, 8, 3);
      }
    }
    PruningMask fiveOfEight = NmMask.of(5, 8, NmMask.Axis.ALONG_COLUMNS).select("W", s, rows, cols, 1 - 5.0 / 8);
    for (int j = 0; j < cols; j++) {
      for (int g = 0; g < rows; g += 8) {
        assertValidGroup(s, fiveOfEight, g * cols + j, cols, 8, 5);
      }
    }
  }

  /** Exactly n kept in the group, and no pruned entry scores above a kept one. */
  private static void assertValidGroup(float[] s, PruningMask mask, int start, int stride, int m, int n) {
    int kept = 0;
    float minKept = Float.POSITIVE_INFINITY;
    float maxPruned = Float.NEGATIVE_INFINITY;
    for (int t = 0; t < m; t++) {
      int e = start + t * stride;
      if (mask.isKept(e)) {
        kept++;
        minKept = Math.min(minKept, s[e]);
      } else {
        maxPruned = Math.max(maxPruned, s[e]);
      }
    }
    assertEquals(n, kept, "group at " + start);
    assertTrue(minKept >= maxPruned, "group at " + start);
  }

  @Test
  void largeGroupsUseSelectionAndStillKeepExactlyN() {
    Random rnd = new Random(9);
    float[] s = new float[4 * 256];
    for (int i = 0; i < s.length; i++) {
      s[i] = rnd.nextInt(10);
    }
    PruningMask mask = NmMask.of(100, 128, NmMask.Axis.ALONG_ROWS).select("W", s, 4, 256, 1 - 100.0 / 128);
    for (int g = 0; g < s.length; g += 128) {
      assertValidGroup(s, mask, g, 1, 128, 100);
    }
  }

  @Test
  void aGradualScheduleTightensTowardsNButNeverBelow() {
    NmMask nm = NmMask.of(2, 4, NmMask.Axis.ALONG_ROWS);
    assertEquals(4, nm.keptPerGroup(0));
    assertEquals(3, nm.keptPerGroup(0.25));
    assertEquals(3, nm.keptPerGroup(0.3));
    assertEquals(2, nm.keptPerGroup(0.5));
    assertEquals(2, nm.keptPerGroup(0.9));
    assertEquals(1, NmMask.of(1, 3, NmMask.Axis.ALONG_ROWS).keptPerGroup(1 - 1.0 / 3));
  }

  @Test
  void rejectsBadGroupsNamingTheMatrix() {
    assertMessage("N:M needs 1 <= N <= M, got 5:4", () -> NmMask.of(5, 4, NmMask.Axis.ALONG_ROWS));
    assertMessage("N:M needs 1 <= N <= M, got 0:4", () -> NmMask.of(0, 4, NmMask.Axis.ALONG_ROWS));
    assertMessage("N:M '2-4' is not of the form N:M", () -> NmMask.parse("2-4", NmMask.Axis.ALONG_ROWS));
    assertMessage("attn/q: N:M 2:4 along rows needs M to divide the 6 columns of the 2x6 matrix",
        () -> NmMask.of(2, 4, NmMask.Axis.ALONG_ROWS).select("attn/q", new float[12], 2, 6, 0.5));
    assertMessage("attn/q: N:M 2:4 along columns needs M to divide the 6 rows",
        () -> NmMask.of(2, 4, NmMask.Axis.ALONG_COLUMNS).keptCount("attn/q", 6, 4, 0.5));
  }
}
