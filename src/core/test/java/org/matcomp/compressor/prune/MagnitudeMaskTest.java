package org.matcomp.compressor.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.matcomp.compressor.prune.SparsityScheduleTest.assertMessage;

import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MagnitudeMaskTest {
  private final MagnitudeMask rule = MagnitudeMask.create();

  @Test
  void keepsTheLargestMagnitudesOfAHandCase() {
    float[] w = {3, -1, 4, 1, -5, 9, 2, 6};
    PruningMask mask = rule.select("W", MagnitudeScore.abs(w), 2, 4, 0.5);
    assertArrayEquals(new int[] {2, 4, 5, 7}, mask.keptIndices());
    assertArrayEquals(new float[] {0, 0, 4, 0, -5, 9, 0, 6}, mask.apply(w));
  }

  @Test
  void breaksTiesTowardsTheLowerIndexAndTreatsBothZerosAlike() {
    float[] equal = new float[10];
    java.util.Arrays.fill(equal, 1f);
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6}, rule.select("W", equal, 2, 5, 0.3).keptIndices());
    float[] zeros = {-0f, 0f, -0f, 0f};
    assertArrayEquals(new int[] {0, 1}, rule.select("W", zeros, 1, 4, 0.5).keptIndices());
  }

  @Test
  void roundsTheKeptCountHalfToEvenLikeTfRound() {
    float[] s = {1, 2, 3, 4};
    // 4 * (1 - 0.375) = 2.5 -> 2; 4 * (1 - 0.125) = 3.5 -> 4.
    assertEquals(2, rule.select("W", s, 2, 2, 0.375).keptCount());
    assertEquals(4, rule.select("W", s, 2, 2, 0.125).keptCount());
    assertEquals(4, rule.select("W", s, 2, 2, 0).keptCount());
  }

  @Test
  void matchesASortOnRandomScoresWithTiesAndNegatives() {
    Random rnd = new Random(11);
    int[][] shapes = {{1, 1}, {3, 7}, {64, 65}, {300, 301}};
    double[] sparsities = {0, 0.1, 0.5, 0.9, 0.999};
    for (int[] shape : shapes) {
      int n = shape[0] * shape[1];
      for (int variant = 0; variant < 3; variant++) {
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
          double g = rnd.nextGaussian();
          // variant 0: distinct, 1: heavy ties (few levels), 2: signed with a constant run
          s[i] = switch (variant) {
            case 0 -> (float) Math.abs(g);
            case 1 -> (float) Math.floor(Math.abs(g) * 4);
            default -> i % 3 == 0 ? 0.5f : (float) g;
          };
        }
        for (double sp : sparsities) {
          int k = (int) Math.rint(n * (1 - sp));
          int[] expected = IntStream.range(0, n).boxed()
              .sorted(Comparator.<Integer>comparingDouble(i -> -s[i]).thenComparingInt(i -> i))
              .limit(k).mapToInt(Integer::intValue).sorted().toArray();
          assertArrayEquals(expected, rule.select("W", s, shape[0], shape[1], sp).keptIndices(),
              shape[0] + "x" + shape[1] + " variant " + variant + " sparsity " + sp);
        }
      }
    }
  }

  @Test
  void rejectsBadInputsNamingTheMatrix() {
    float[] s = {1, 2, Float.NaN, 4};
    assertMessage("dense1/kernel (2x2): scores have a non-finite entry NaN at [1, 0]",
        () -> rule.select("dense1/kernel", s, 2, 2, 0.5));
    float[] ok = {1, 2, 3, 4};
    assertMessage("dense1/kernel: sparsity 1.0 is outside [0, 1)", () -> rule.select("dense1/kernel", ok, 2, 2, 1));
    assertMessage("dense1/kernel: sparsity -0.1 is outside [0, 1)",
        () -> rule.select("dense1/kernel", ok, 2, 2, -0.1));
    assertMessage("dense1/kernel: scores hold 4 entries, the 3x2 matrix needs 6",
        () -> rule.select("dense1/kernel", ok, 3, 2, 0.5));
  }

  @Test
  void keepAllMaskCountsEveryEntryIncludingTheLastPartialWord() {
    PruningMask all = PruningMask.keepAll(7, 11);
    assertEquals(77, all.keptCount());
    assertEquals(0, all.sparsity());
    assertEquals(all, PruningMask.of(7, 11, filled(77)));
  }

  private static boolean[] filled(int n) {
    boolean[] b = new boolean[n];
    java.util.Arrays.fill(b, true);
    return b;
  }
}
