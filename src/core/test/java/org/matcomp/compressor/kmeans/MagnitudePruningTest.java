package org.matcomp.compressor.kmeans;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MagnitudePruningTest {
  @Test
  void prunesExactlyCeilOfTheFractionBreakingTiesByPosition() {
    float[] x = {0.5f, -0.1f, 0.1f, 0.3f, -0.1f, 2f, 0f};
    // ceil(7·0.5) = 4 pruned: the 0 and the three entries of magnitude 0.1; 0.3 survives.
    assertEquals(4, MagnitudePruning.pruneInPlace(x, 0.5));
    assertArrayEquals(new float[] {0.5f, 0f, 0f, 0.3f, 0f, 2f, 0f}, x);
    float[] ties = {1f, -1f, 1f, 1f};
    MagnitudePruning.pruneInPlace(ties, 0.5);
    assertArrayEquals(new float[] {0f, 0f, 1f, 1f}, ties);
  }

  @Test
  void zeroFractionPrunesNothing() {
    float[] x = {1f, 2f};
    assertEquals(0, MagnitudePruning.pruneInPlace(x, 0));
    assertArrayEquals(new float[] {1f, 2f}, x);
  }
}
