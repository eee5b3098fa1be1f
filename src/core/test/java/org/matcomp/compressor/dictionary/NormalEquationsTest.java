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
  void theCodesNormalEquationsAreZtZAndZtX() {
    Random rnd = new Random(4);
    double[][] x = new double[ROWS][DIM];
    float[] flat = new float[ROWS * DIM];
    int[] indices = new int[ROWS * WIDTH];
    double[] values = new double[ROWS * WIDTH];
    int[] counts = new int[ROWS];
    for (int r = 0; r < ROWS; r++) {
      for (int p = 0; p < DIM; p++) {
        flat[r * DIM + p] = (float) rnd.nextGaussian();
        x[r][p] = flat[r * DIM + p];
      }
      counts[r] = r % (WIDTH + 1);
      int[] atoms = rnd.ints(0, ATOMS).distinct().limit(WIDTH).toArray();
      for (int s = 0; s < counts[r]; s++) {
        indices[r * WIDTH + s] = atoms[s];
        values[r * WIDTH + s] = rnd.nextGaussian();
      }
    }
    NormalEquations ne = NormalEquations.ofCode(flat, ROWS, DIM, ATOMS, WIDTH, indices, values, counts);
    assertMatches(direct(x, indices, values, counts), ne);
    int[] uses = new int[ATOMS];
    for (int r = 0; r < ROWS; r++) {
      for (int s = 0; s < counts[r]; s++) {
        uses[indices[r * WIDTH + s]]++;
      }
    }
    assertArrayEquals(uses, ne.uses);
    assertEquals(ROWS / 4 * (0 + 1 + 2 + 3), java.util.Arrays.stream(ne.uses).sum(), "slots used in all");
  }
}
