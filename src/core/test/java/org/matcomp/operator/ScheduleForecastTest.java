package org.matcomp.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.compressor.prune.PruneMethod;

/** What a schedule reaches within a run, from the spec alone (issue 11, defect 2: refuse runs that cannot finish). */
class ScheduleForecastTest {
  private static final CompressionSpec LOW_RANK = CompressionSpec.parse("begin_compression_step=80,"
      + "compression_frequency=20,alpha_decrement_value=0.05,update_option=1,absolute_rank=4");

  @Test
  void twentyUpdatesTwentyStepsApartFromStep80EndAtStep460() {
    ScheduleForecast f = ScheduleForecast.of(LOW_RANK, 461);
    assertTrue(f.complete());
    assertEquals(Phase.COMPRESSED, f.finalPhase());
    assertEquals(461, f.stepsNeeded());
    assertEquals("α reaches 0 at step 460 (20 updates every 20 steps from step 80)", f.description());
  }

  @Test
  void oneStepShortEndsBlendingAtTheLastAlpha() {
    ScheduleForecast f = ScheduleForecast.of(LOW_RANK, 460);
    assertFalse(f.complete());
    assertEquals(Phase.BLENDING, f.finalPhase());
    assertEquals(461, f.stepsNeeded());
    assertTrue(f.description().endsWith("after the last step 459: the run would end blending (α = 0.05)"),
        f.description());
  }

  @Test
  void aRunEndingBeforeTheFirstUpdateNeverCompresses() {
    ScheduleForecast f = ScheduleForecast.of(LOW_RANK, 80);
    assertEquals(Phase.DENSE, f.finalPhase());
    assertTrue(f.description().endsWith("the run would end before compression starts"), f.description());
    assertEquals(Phase.BLENDING, ScheduleForecast.of(LOW_RANK, 81).finalPhase());
  }

  @Test
  void anEndStepThatStopsTheUpdatesEarlyCanNeverFinish() {
    ScheduleForecast f = ScheduleForecast.of(LOW_RANK.withHparams("end_compression_step=200"), 100_000);
    assertFalse(f.complete());
    assertEquals(-1, f.stepsNeeded());
    assertEquals(Phase.BLENDING, f.finalPhase());
    assertTrue(f.description().contains("stops the updates after 7 of the 20 updates"), f.description());
  }

  @Test
  void updateOptionNoneNeverLeavesA() {
    ScheduleForecast f = ScheduleForecast.of(LOW_RANK.withHparams("update_option=3"), 100_000);
    assertFalse(f.complete());
    assertEquals(Phase.DENSE, f.finalPhase());
  }

  @Test
  void pruningFinishesAtTheFirstMaskOnOrAfterTheRampsEnd() {
    // Masks every 50 steps (50, 100, 150, ...) from step 40; the sparsity ramps to 0.9 by step 120.
    CompressionSpec prune = CompressionSpec.parse("compression_option=1").toBuilder()
        .method(org.matcomp.compressor.prune.PruneMethod.INSTANCE).methodParameter("begin_pruning_step", "40")
        .methodParameter("sparsity_function_begin_step", "40").methodParameter("sparsity_function_end_step", "120")
        .methodParameter("pruning_frequency", "50").methodParameter("target_sparsity", "0.9").build();
    ScheduleForecast done = ScheduleForecast.of(prune, 151);
    assertTrue(done.complete(), done.description());
    assertEquals(151, done.stepsNeeded());
    ScheduleForecast early = ScheduleForecast.of(prune, 150);
    assertFalse(early.complete());
    assertEquals(Phase.COMPRESSED, early.finalPhase());
    assertTrue(early.description().endsWith(String.format("at sparsity %.4g", 0.9 - 0.9 * Math.pow(1 - 60.0 / 80, 3))),
        early.description());
  }

  @Test
  void structuredMethodsReadTheirFactorsFromTheFirstStep() {
    ScheduleForecast f = ScheduleForecast.of(CompressionSpec.parse("compression_option=10,update_option=1,"
        + "block_compression_factor=2"), 1);
    assertTrue(f.complete());
    assertEquals(Phase.COMPRESSED, f.finalPhase());
  }
}
