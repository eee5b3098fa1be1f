package org.matcomp.compressor.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.matcomp.compressor.prune.SparsityScheduleTest.assertMessage;

import org.junit.jupiter.api.Test;

class PruningScoreTest {
  private static final double TOL = 1e-6;

  @Test
  void magnitudeIsAbsoluteValue() {
    assertArrayEquals(new float[] {3, 0, 2.5f, 0}, new MagnitudeScore().scoresAtMaskUpdate("W",
        new float[] {-3, 0, 2.5f, -0f}, 2, 2));
    assertMessage("fc (1x2): weights have a non-finite entry NaN at [0, 1]",
        () -> new MagnitudeScore().scoresAtMaskUpdate("fc", new float[] {1, Float.NaN}, 1, 2));
  }

  @Test
  void firstOrderProxyFollowsAHandComputedThreeUpdateSequence() {
    FirstOrderWeightChangeScore score = new FirstOrderWeightChangeScore(0.5);
    // Update 1: old = 0, delta = [3, 4, 0] / 5, g = 0.5 * delta = [0.3, 0.4, 0], score = |w| * g.
    assertClose(new double[] {0.9, 1.6, 0}, score.scoresAtMaskUpdate("W", new float[] {3, 4, 0}, 1, 3));
    assertClose(new double[] {0.3, 0.4, 0}, score.movingAverage());
    // Update 2: delta = |[3, 1, 0] - [3, 4, 0]| = [0, 3, 0] / 3; g = [0.15, 0.2 + 0.5, 0].
    assertClose(new double[] {3 * 0.15, 1 * 0.7, 0}, score.scoresAtMaskUpdate("W", new float[] {3, 1, 0}, 1, 3));
    // Update 3: delta = |[-1, 1, 0] - [3, 1, 0]| = [4, 0, 0] / 4; g = [0.075 + 0.5, 0.35, 0].
    assertClose(new double[] {0.575, 0.35, 0}, score.scoresAtMaskUpdate("W", new float[] {-1, 1, 0}, 1, 3));
  }

  @Test
  void secondOrderProxyFollowsAHandComputedThreeUpdateSequence() {
    SecondOrderWeightChangeScore score = new SecondOrderWeightChangeScore(0.5);
    float[] w1 = {3, 4, 0};
    float[] w2 = {3, 1, 2};
    float[] w3 = {1, 1, 2};
    // Update 1: both snapshots 0, so delta = |w1| = [3, 4, 0] / 5 and g = [0.3, 0.4, 0].
    assertClose(new double[] {0.9, 1.6, 0}, score.scoresAtMaskUpdate("W", w1, 1, 3));
    // Update 2: delta = |w2 + 0 - 2 w1| = [3, 7, 2], norm sqrt(62).
    double r62 = Math.sqrt(62);
    double[] g2 = {0.15 + 1.5 / r62, 0.2 + 3.5 / r62, 1 / r62};
    assertClose(new double[] {3 * g2[0], 1 * g2[1], 2 * g2[2]}, score.scoresAtMaskUpdate("W", w2, 1, 3));
    // Update 3: delta = |w3 + w1 - 2 w2| = [2, 3, 2], norm sqrt(17).
    double r17 = Math.sqrt(17);
    double[] g3 = {g2[0] / 2 + 1 / r17, g2[1] / 2 + 1.5 / r17, g2[2] / 2 + 1 / r17};
    assertClose(new double[] {g3[0], g3[1], 2 * g3[2]}, score.scoresAtMaskUpdate("W", w3, 1, 3));
    assertClose(g3, score.movingAverage());
  }

  @Test
  void gradientSaliencySumsWeightTimesGradientSinceTheLastMaskUpdate() {
    GradientSaliencyScore score = new GradientSaliencyScore();
    assertTrue(score.needsLossGradient());
    score.observeStep("W", new float[] {2, -3}, new float[] {0.5f, 0.1f}, 1, 2);
    score.observeStep("W", new float[] {1, -3}, new float[] {-2, 0.2f}, 1, 2);
    assertEquals(2, score.observedSteps());
    // |2 * 0.5| + |1 * -2| = 3, |-3 * 0.1| + |-3 * 0.2| = 0.9
    assertClose(new double[] {3, 0.9}, score.scoresAtMaskUpdate("W", new float[] {1, -3}, 1, 2));
    // The sum restarted: a pruned weight (w = 0) earns nothing however large its gradient.
    score.observeStep("W", new float[] {0, -3}, new float[] {5, 1}, 1, 2);
    assertClose(new double[] {0, 3}, score.scoresAtMaskUpdate("W", new float[] {0, -3}, 1, 2));
  }

  @Test
  void gradientSaliencyWithoutObservedStepsIsAnError() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new GradientSaliencyScore().scoresAtMaskUpdate("lstm/w", new float[] {1, 2}, 1, 2));
    assertTrue(e.getMessage().startsWith("lstm/w: gradient saliency needs at least one observed training step"));
  }

  @Test
  void statefulScoresRejectAnotherShapeAndNonFiniteInputs() {
    FirstOrderWeightChangeScore score = new FirstOrderWeightChangeScore(0.99);
    score.scoresAtMaskUpdate("W", new float[] {1, 2, 3, 4}, 2, 2);
    assertMessage("V: this score tracks a 2x2 matrix, got 1x4",
        () -> score.scoresAtMaskUpdate("V", new float[] {1, 2, 3, 4}, 1, 4));
    assertMessage("W (1x2): weights have a non-finite entry Infinity at [0, 1]",
        () -> score.scoresAtMaskUpdate("W", new float[] {1, Float.POSITIVE_INFINITY}, 1, 2));
    assertMessage("W (1x2): loss gradients have a non-finite entry NaN at [0, 0]",
        () -> new GradientSaliencyScore().observeStep("W", new float[] {1, 2}, new float[] {Float.NaN, 0}, 1, 2));
    assertMessage("gradient_decay_rate=1.5", () -> new SecondOrderWeightChangeScore(1.5));
  }

  @Test
  void scoreKindsParseBothSpellings() {
    assertEquals(ScoreKind.MAGNITUDE, ScoreKind.parse("weight"));
    assertEquals(ScoreKind.FIRST_ORDER, ScoreKind.parse("first_order_gradient"));
    assertEquals(ScoreKind.SECOND_ORDER, ScoreKind.parse("second-order"));
    assertEquals(ScoreKind.LOSS_GRADIENT, ScoreKind.parse("saliency"));
    assertMessage("pruning score 'taylor'", () -> ScoreKind.parse("taylor"));
  }

  private static void assertClose(double[] expected, float[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], TOL, "entry " + i);
    }
  }
}
