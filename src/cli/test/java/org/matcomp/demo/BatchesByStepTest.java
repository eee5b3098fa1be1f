package org.matcomp.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Step k's batch is the k-th the one-process sampler draws, in whatever order steps are asked, parts included. */
class BatchesByStepTest {
  private static List<int[]> drawn(int steps) {
    BatchSampler s = new BatchSampler(10, 4, new Random(3));
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      out.add(s.next().clone());
    }
    return out;
  }

  @Test
  void stepKIsTheKthDrawWhateverWasAskedBefore() {
    List<int[]> expected = drawn(12);
    BatchesByStep b = new BatchesByStep(10, 4, 3);
    for (int step : new int[] {0, 1, 5, 5, 11, 2, 3, 9}) { // skipped steps, a repeat, a step back (a restore)
      assertArrayEquals(expected.get(step), b.at(step, 0, 1), "step " + step);
    }
  }

  @Test
  void thePartsOfAStepAreItsBatchCutInOrder() {
    int[] whole = drawn(8).get(7);
    BatchesByStep b = new BatchesByStep(10, 4, 3);
    int[] first = b.at(7, 0, 3);
    int[] second = b.at(7, 1, 3);
    int[] third = b.at(7, 2, 3);
    int[] joined = IntStream.concat(IntStream.concat(IntStream.of(first), IntStream.of(second)), IntStream.of(third))
        .toArray();
    assertArrayEquals(whole, joined);
    assertArrayEquals(new int[] {1, 1, 2}, new int[] {first.length, second.length, third.length});
  }
}
