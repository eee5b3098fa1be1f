package org.matcomp.compressor.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.matcomp.spec.CompressionSpec;

class SparsityScheduleTest {
  private final SparsitySchedule schedule = SparsitySchedule.builder()
      .initialSparsity(0.1)
      .targetSparsity(0.8)
      .sparsityFunctionBeginStep(10)
      .sparsityFunctionEndStep(60)
      .sparsityFunctionExponent(2)
      .build();

  @Test
  void sparsityFollowsThePolynomialAtHandPickedSteps() {
    assertEquals(0.1, schedule.sparsityAt(0), 1e-15);
    assertEquals(0.1, schedule.sparsityAt(10), 1e-15);
    // p = 0.2: 0.8 - 0.7 * 0.8^2
    assertEquals(0.352, schedule.sparsityAt(20), 1e-12);
    // p = 0.5: 0.8 - 0.7 * 0.25
    assertEquals(0.625, schedule.sparsityAt(35), 1e-12);
    assertEquals(0.8, schedule.sparsityAt(60), 1e-15);
    assertEquals(0.8, schedule.sparsityAt(1000), 1e-15);
  }

  @Test
  void referenceDefaultsGiveCubicRampToOneHalfOverHundredSteps() {
    SparsitySchedule d = SparsitySchedule.builder().build();
    // p = 0.5: 0.5 - 0.5 * 0.5^3
    assertEquals(0.4375, d.sparsityAt(50), 1e-12);
    assertEquals(0.5 - 0.5 * 0.9 * 0.9 * 0.9, d.sparsityAt(10), 1e-12);
    assertEquals(0.5, d.sparsityAt(100), 0);
  }

  @Test
  void maskHitsTheScheduledZeroCountAtEveryStep() {
    int rows = 37;
    int cols = 53;
    int size = rows * cols;
    Random rnd = new Random(7);
    float[] w = new float[size];
    for (int i = 0; i < size; i++) {
      w[i] = (float) rnd.nextGaussian();
    }
    for (long step = 0; step <= 70; step++) {
      double p = Math.min(1, Math.max(0, (step - 10) / 50.0));
      double expected = 0.8 + (0.1 - 0.8) * (1 - p) * (1 - p);
      double s = schedule.sparsityAt(step);
      assertEquals(expected, s, 1e-12, "step " + step);
      PruningMask mask = MagnitudeMask.create().select("W", MagnitudeScore.abs(w), rows, cols, s);
      assertEquals(size - Math.rint(size * (1 - expected)), mask.prunedCount(), "step " + step);
      assertEquals(Math.round(size * expected), mask.prunedCount(), 1, "step " + step);
    }
    // Step 35 by hand: 1961 * 0.375 = 735.375 kept -> 735, so 1226 zeros.
    assertEquals(1226,
        MagnitudeMask.create().select("W", MagnitudeScore.abs(w), rows, cols, schedule.sparsityAt(35))
            .prunedCount());
  }

  @Test
  void masksUpdateEveryFrequencyStepsInsideTheWindowWithTheClockStartingAtZero() {
    SparsitySchedule s = SparsitySchedule.builder().beginPruningStep(20).endPruningStep(80).pruningFrequency(15)
        .build();
    assertEquals(List.of(20L, 35L, 50L, 65L, 80L), updateSteps(s, 120));
    // Reference defaults: begin 0, frequency 10, last update starting at 0, so the first mask is made at step 10.
    assertEquals(List.of(10L, 20L, 30L), updateSteps(SparsitySchedule.builder().build(), 35));
    assertTrue(s.inPruningRange(80));
    assertFalse(s.inPruningRange(81));
    assertFalse(s.inPruningRange(19));
  }

  private static List<Long> updateSteps(SparsitySchedule s, long lastStep) {
    List<Long> steps = new ArrayList<>();
    long last = SparsitySchedule.INITIAL_LAST_MASK_UPDATE_STEP;
    for (long t = 0; t <= lastStep; t++) {
      if (s.isMaskUpdateStep(t, last)) {
        steps.add(t);
        last = t;
      }
    }
    return steps;
  }

  @Test
  void readsTheReferenceHparamsFromASpec() {
    CompressionSpec spec = CompressionSpec.parse("name=p,target_sparsity=0.9,initial_sparsity=0.2,"
        + "sparsity_function_end_step=200,sparsity_function_exponent=1,pruning_frequency=5,begin_pruning_step=3,"
        + "end_pruning_step=300").toBuilder().method(PruneMethod.INSTANCE).build();
    SparsitySchedule s = SparsitySchedule.of((spec).parametersFor(PruneMethod.INSTANCE));
    assertEquals(0.9, s.targetSparsity());
    assertEquals(0.2, s.initialSparsity());
    assertEquals(200, s.sparsityFunctionEndStep());
    assertEquals(5, s.pruningFrequency());
    assertEquals(3, s.beginPruningStep());
    assertEquals(300, s.endPruningStep());
    assertEquals(0.55, s.sparsityAt(100), 1e-12);
  }

  @Test
  void rejectsOutOfRangeHparamsNamingThem() {
    assertMessage("initial_sparsity=1.0", () -> SparsitySchedule.builder().initialSparsity(1.0).build());
    assertMessage("target_sparsity=-0.1", () -> SparsitySchedule.builder().targetSparsity(-0.1).build());
    assertMessage("target_sparsity=NaN", () -> SparsitySchedule.builder().targetSparsity(Double.NaN).build());
    assertMessage("sparsity_function_begin_step=100",
        () -> SparsitySchedule.builder().sparsityFunctionBeginStep(100).build());
    assertMessage("sparsity_function_exponent=0.0",
        () -> SparsitySchedule.builder().sparsityFunctionExponent(0).build());
    assertMessage("pruning_frequency=0", () -> SparsitySchedule.builder().pruningFrequency(0).build());
    assertMessage("end_pruning_step=5",
        () -> SparsitySchedule.builder().beginPruningStep(5).endPruningStep(5).build());
    CompressionSpec bad = CompressionSpec.parse("target_sparsity=lots");
    assertMessage("target_sparsity='lots'", () -> SparsitySchedule.of((bad).parametersFor(PruneMethod.INSTANCE)));
  }

  static void assertMessage(String fragment, org.junit.jupiter.api.function.Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' lacks '" + fragment + "'");
  }
}
