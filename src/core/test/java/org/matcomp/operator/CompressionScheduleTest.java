package org.matcomp.operator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.matcomp.spec.CompressionSpec;

class CompressionScheduleTest {
  private static CompressionSchedule schedule(String hparams) {
    return new CompressionSchedule(CompressionSpec.parse(hparams));
  }

  @Test
  void updatesEveryFrequencyStepsInsideBeginAndEnd() {
    CompressionSchedule s = schedule("begin_compression_step=20,end_compression_step=50,compression_frequency=10");
    assertArrayEquals(new long[] {20, 30, 40, 50}, s.updateSteps(200));
  }

  @Test
  void negativeEndMeansNoEnd() {
    CompressionSchedule s = schedule("begin_compression_step=1000,end_compression_step=-1,compression_frequency=500");
    assertArrayEquals(new long[] {1000, 1500, 2000, 2500, 3000}, s.updateSteps(3000));
  }

  @Test
  void firstUpdateWaitsForFrequencyMinusOneLikeTheReference() {
    // lastUpdateStep starts at -1, so with begin 0 the first update needs -1 + 10 <= step.
    CompressionSchedule s = schedule("begin_compression_step=0,compression_frequency=10");
    assertArrayEquals(new long[] {9, 19, 29}, s.updateSteps(29));
  }

  @Test
  void skippedStepsUpdateAtTheNextCallAfterTheFrequency() {
    CompressionSchedule s = schedule("begin_compression_step=10,compression_frequency=10");
    assertFalse(s.isUpdateStep(9, CompressionSchedule.NEVER));
    assertTrue(s.isUpdateStep(13, CompressionSchedule.NEVER));
    assertFalse(s.isUpdateStep(22, 13));
    assertTrue(s.isUpdateStep(23, 13));
  }

  @Test
  void alphaReachesExactlyZeroAfterOneOverDecrementUpdates() {
    CompressionSchedule s = schedule("alpha_decrement_value=0.01");
    float a = 1f;
    int updates = 0;
    while (a > 0) {
      a = s.nextAlpha(a);
      updates++;
      assertEquals(Math.max(0, 1 - updates * 0.01), a, 1e-6);
    }
    assertEquals(100, updates);
    assertEquals(0f, s.nextAlpha(0f));
  }

  @Test
  void alphaAfterIsClampedAtZero() {
    CompressionSchedule s = schedule("alpha_decrement_value=0.3");
    assertEquals(0.7f, s.alphaAfter(1), 1e-7);
    assertEquals(0.4f, s.alphaAfter(2), 1e-7);
    assertEquals(0.1f, s.alphaAfter(3), 1e-6);
    assertEquals(0f, s.alphaAfter(4));
    assertEquals(4, s.updatesBehind(0f));
  }
}
