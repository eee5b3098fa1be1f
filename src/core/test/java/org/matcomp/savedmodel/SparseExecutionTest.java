package org.matcomp.savedmodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.savedmodel.SparseExecution.Mode;
import org.matcomp.savedmodel.serving.SparseMatMulTimer;
import org.matcomp.savedmodel.serving.SparseTiming;

/** The rule that picks sparse execution per matrix, and the timer that feeds it. */
class SparseExecutionTest {
  private static final SparseExecution MEASURED = new SparseExecution(Mode.MEASURED, List.of(1, 64));

  @Test
  void measuredServesSparseWhenClearlyFasterAtOneBatchSizeAndNowhereSlower() {
    // the zoo MLP's 784×256 layer pruned to 99 %: a tie at one example, twice as fast at 64
    assertTrue(MEASURED.choose(List.of(new SparseTiming(1, 0.128, 0.125), new SparseTiming(64, 0.378, 0.179))));
    assertTrue(MEASURED.choose(List.of(new SparseTiming(1, 0.200, 0.209), new SparseTiming(64, 10.7, 2.3))),
        "4.5 % slower at one example is within the noise");
    assertFalse(MEASURED.choose(List.of(new SparseTiming(1, 0.20, 0.24), new SparseTiming(64, 10.7, 2.3))),
        "20 % slower at one example");
    assertFalse(MEASURED.choose(List.of(new SparseTiming(1, 0.20, 0.19), new SparseTiming(64, 1.0, 0.95))),
        "5 % faster is no reason to change forms");
    assertFalse(MEASURED.choose(List.of()), "not timed: dense");
  }

  @Test
  void alwaysAndNeverIgnoreTimings() {
    List<SparseTiming> slower = List.of(new SparseTiming(1, 1, 2));
    assertTrue(new SparseExecution(Mode.ALWAYS, List.of(1)).choose(slower));
    assertFalse(new SparseExecution(Mode.NEVER, List.of(1)).choose(List.of(new SparseTiming(1, 2, 1))));
  }

  @Test
  void measuredTimesOnlyLargeWeightsThatAreMostlyZeros() {
    assertFalse(MEASURED.considers(0.49, 1 << 20));
    assertTrue(MEASURED.considers(SparseExecution.MIN_ZEROS, 1 << 20));
    assertFalse(MEASURED.considers(0.99, 256 * 128), "32 768 entries: a call's overhead, not its product");
    assertTrue(MEASURED.considers(0.99, 784 * 256));
    assertTrue(new SparseExecution(Mode.ALWAYS, List.of(1)).considers(0.1, 6));
    assertFalse(new SparseExecution(Mode.NEVER, List.of(1)).considers(0.99, 1 << 20));
  }

  @Test
  void batchSizesMustBePositiveAndModesNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SparseExecution(Mode.MEASURED, List.of(8, 0)));
    assertEquals("--batch-sizes 8,0: batch size 0 is not positive", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new SparseExecution(Mode.MEASURED, List.of()));
    assertEquals(Mode.ALWAYS, Mode.parse("Always"));
    assertThrows(IllegalArgumentException.class, () -> Mode.parse("auto"));
  }

  @Test
  void theTimerTimesBothFormsAtEachBatchSizeInOrder() {
    float[] w = new float[64 * 32];
    for (int i = 0; i < w.length; i += 10) {
      w[i] = 1 + i;
    }
    List<SparseTiming> t = SparseMatMulTimer.time(FloatMatrix.of(64, 32, w), List.of(3, 1));
    assertEquals(List.of(3, 1), t.stream().map(SparseTiming::batch).toList());
    assertTrue(t.stream().allMatch(x -> x.denseMs() > 0 && x.sparseMs() > 0), t.toString());
  }
}
