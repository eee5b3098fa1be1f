package org.matcomp.compressor.dictionary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class NormalEquationsTest {
  private static final int ROWS = 20;
  private static final int DIM = 5;
  private static final int ATOMS = 6;
  private static final int WIDTH = 3;

  /** ZᵀZ and ZᵀX summed directly over a dense Z built from the slots. */
  private static double[][][] direct(double[][] x, int[] indices, double[] values, int[] counts) {
    double[][] z = new double[ROWS][ATOMS];
    for (int r = 0; r < ROWS; r++) {
      for (int s = 0; s < counts[r]; s++) {
        z[r][indices[r * WIDTH + s]] += values[r * WIDTH + s];
      }
    }
    double[][] a = new double[ATOMS][ATOMS];
    double[][] b = new double[ATOMS][DIM];
    for (int r = 0; r < ROWS; r++) {
      for (int i = 0; i < ATOMS; i++) {
        for (int j = 0; j < ATOMS; j++) {
          a[i][j] += z[r][i] * z[r][j];
        }
        for (int p = 0; p < DIM; p++) {
          b[i][p] += z[r][i] * x[r][p];
        }
      }
    }
    return new double[][][] {a, b};
  }

  private static void assertMatches(double[][][] expected, NormalEquations ne) {
    for (int i = 0; i < ATOMS; i++) {
      assertArrayEquals(expected[0][i], ne.a[i], 1e-12, "A row " + i);
      assertArrayEquals(expected[1][i], ne.b[i], 1e-12, "B row " + i);
    }
  }

  @Test
  void rowSharesSumToZtZAndZtXAndMoveWhenACodeChanges() {
    Random rnd = new Random(4);
    double[][] x = new double[ROWS][DIM];
    int[] indices = new int[ROWS * WIDTH];
    double[] values = new double[ROWS * WIDTH];
    int[] counts = new int[ROWS];
    for (int r = 0; r < ROWS; r++) {
      for (int p = 0; p < DIM; p++) {
        x[r][p] = rnd.nextGaussian();
      }
      counts[r] = r % (WIDTH + 1);
      int[] atoms = rnd.ints(0, ATOMS).distinct().limit(WIDTH).toArray();
      for (int s = 0; s < counts[r]; s++) {
        indices[r * WIDTH + s] = atoms[s];
        values[r * WIDTH + s] = rnd.nextGaussian();
      }
    }
    // Two threads' shares, summed.
    NormalEquations first = new NormalEquations(ATOMS, DIM);
    NormalEquations second = new NormalEquations(ATOMS, DIM);
    for (int r = 0; r < ROWS; r++) {
      (r < ROWS / 2 ? first : second).add(x[r], r * WIDTH, indices, values, counts[r], 1);
    }
    first.plus(second);
    assertMatches(direct(x, indices, values, counts), first);
    int[] uses = new int[ATOMS];
    for (int r = 0; r < ROWS; r++) {
      for (int s = 0; s < counts[r]; s++) {
        uses[indices[r * WIDTH + s]]++;
      }
    }
    assertArrayEquals(uses, first.uses);

    // Row 7 changes its code: out with the old share, in with the new.
    int r = 7;
    first.add(x[r], r * WIDTH, indices, values, counts[r], -1);
    counts[r] = 2;
    indices[r * WIDTH] = 5;
    values[r * WIDTH] = 1.5;
    indices[r * WIDTH + 1] = 0;
    values[r * WIDTH + 1] = -0.25;
    first.add(x[r], r * WIDTH, indices, values, counts[r], 1);
    assertMatches(direct(x, indices, values, counts), first);
    NormalEquations copy = first.copy();
    first.add(x[r], r * WIDTH, indices, values, counts[r], -1);
    assertEquals(1.5 * 1.5, copy.a[5][5] - first.a[5][5], 1e-12, "the copy keeps row 7's share of A[5][5]");
  }
}
