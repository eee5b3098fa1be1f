package org.matcomp.compressor.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.matcomp.compressor.prune.SparsityScheduleTest.assertMessage;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.matcomp.compressor.CompressedSize;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorType;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.spec.CompressionSpec;

class PruneCompressorTest {
  private static FloatMatrix gaussian(int rows, int cols, long seed) {
    Random rnd = new Random(seed);
    float[] a = new float[rows * cols];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) (0.05 * rnd.nextGaussian());
    }
    return FloatMatrix.adopt(rows, cols, a);
  }

  /** sqrt(sum of the smallest pruned w^2 / sum of all w^2), from a plain sort. */
  private static double optimalError(FloatMatrix a, double sparsity) {
    double[] sq = Arrays.stream(toDouble(a.copyData())).map(v -> v * v).sorted().toArray();
    int zeros = sq.length - (int) Math.rint(sq.length * (1 - sparsity));
    double pruned = 0;
    double total = 0;
    for (int i = 0; i < sq.length; i++) {
      total += sq[i];
      if (i < zeros) {
        pruned += sq[i];
      }
    }
    return Math.sqrt(pruned / total);
  }

  private static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  @Test
  void magnitudePruningReachesTheOptimalRelativeError() {
    FloatMatrix a = gaussian(200, 300, 1);
    for (double s : new double[] {0.5, 0.9, 0.97}) {
      PrunedFactorization f = PruneCompressor.withSparsity(s).compress("W", a);
      assertEquals(optimalError(a, s), a.relativeErrorTo(f.product()), 1e-9, "sparsity " + s);
    }
  }

  @Test
  void errorGrowsAsTheKeptBudgetShrinks() {
    FloatMatrix a = gaussian(64, 80, 2);
    double previous = -1;
    for (double s : new double[] {0, 0.3, 0.6, 0.9}) {
      double e = a.relativeErrorTo(PruneCompressor.withSparsity(s).compress("W", a).product());
      assertTrue(e > previous || (s == 0 && e == 0), "sparsity " + s + " error " + e);
      previous = e;
    }
  }

  @Test
  void productIsTheMaskedMatrixAndFactorsRebuildIt() {
    FloatMatrix a = gaussian(30, 40, 3);
    PrunedFactorization f = PruneCompressor.withSparsity(0.75).compress("W", a);
    float[] expected = f.mask().apply(a.copyData());
    assertArrayEquals(expected, f.product().copyData());
    assertEquals(300, f.keptCount());
    assertEquals(f.product(), PrunedFactorization.fromFactors(30, 40, f.factors()).product());
  }

  @Test
  void positionsUseTheSmallerOfBitmapAndIndicesAndSizeCountsThem() {
    FloatMatrix a = gaussian(64, 64, 4);
    // 10 % kept: 410 indices would take 1640 bytes, the bitmap 512.
    PrunedFactorization dense = PruneCompressor.withSparsity(0.9).compress("W", a);
    assertEquals(PrunedFactorization.Positions.BITMAP, dense.positions());
    // the 4096-bit bitmap counts as 128 32-bit words of parameters and 512 bytes
    assertEquals(new CompressedSize(4096, 16384, 410 + 128, 4 * 410 + 512), dense.size());
    // 1 % kept: 41 indices take 164 bytes, less than the bitmap.
    PrunedFactorization sparse = PruneCompressor.withSparsity(0.99).compress("W", a);
    assertEquals(PrunedFactorization.Positions.INDICES, sparse.positions());
    assertEquals(FactorType.INT32, sparse.factor(PrunedFactorization.INDICES).spec().type());
    assertEquals(new CompressedSize(4096, 16384, 82, 328), sparse.size());
    assertEquals(sparse.product(), PrunedFactorization.fromFactors(64, 64, sparse.factors()).product());
    assertTrue(sparse.factor(PrunedFactorization.VALUES).spec().trainable());
  }

  @Test
  void layoutMatchesTheFactorsForEveryRule() {
    FloatMatrix a = gaussian(16, 32, 5);
    List<PruneCompressor> compressors = List.of(
        PruneCompressor.withSparsity(0.8),
        PruneCompressor.builder().sparsity(0.5).blocks(4, 8, Pooling.MAX).build(),
        PruneCompressor.builder().nm(2, 4, NmMask.Axis.ALONG_ROWS).build(),
        PruneCompressor.builder().nm(1, 4, NmMask.Axis.ALONG_COLUMNS).score(ScoreKind.SECOND_ORDER).build());
    for (PruneCompressor c : compressors) {
      PrunedFactorization f = c.compress("W", a);
      assertEquals(c.layout("W", 16, 32), f.factors().stream().map(Factor::spec).toList(), c.toString());
    }
  }

  @Test
  void applyToMatchesTheDenseProductOnBothPaths() {
    FloatMatrix a = gaussian(96, 70, 6);
    FloatMatrix x = gaussian(5, 96, 7);
    for (double s : new double[] {0.95, 0.5, 0.2}) {
      PrunedFactorization f = PruneCompressor.withSparsity(s).compress("W", a);
      assertTrue(x.times(f.product()).maxAbsDifference(f.applyTo(x)) < 1e-6, "sparsity " + s);
    }
    assertMessage("input has 3 columns, the pruned matrix 96 rows",
        () -> PruneCompressor.withSparsity(0.9).compress("W", a).applyTo(FloatMatrix.zeros(2, 3)));
  }

  @Test
  void fromSpecReadsTheReferencePruningHparams() {
    CompressionSpec base = CompressionSpec.parse("name=p,target_sparsity=0.8,block_height=2,block_width=4,"
        + "block_pooling_function=MAX,prune_option=second_order_gradient,gradient_decay_rate=0.9")
        .toBuilder().method(PruneMethod.INSTANCE).build();
    PruneCompressor c = PruneCompressor.of((base).parametersFor(PruneMethod.INSTANCE));
    assertEquals(0.8, c.sparsity());
    BlockMask rule = assertInstanceOf(BlockMask.class, c.rule());
    assertEquals(List.of(2, 4, Pooling.MAX), List.of(rule.blockHeight(), rule.blockWidth(), rule.pooling()));
    assertEquals(ScoreKind.SECOND_ORDER, c.score());
    assertEquals(0.5, PruneCompressor.of((CompressionSpec.builder().method(PruneMethod.INSTANCE).build()).parametersFor(PruneMethod.INSTANCE))
        .sparsity());

    CompressionSpec nm = CompressionSpec.builder().method(PruneMethod.INSTANCE)
        .methodParameter(PruneCompressor.N_M_KEY, "2:4").methodParameter(PruneCompressor.N_M_AXIS_KEY, "columns")
        .build();
    PruneCompressor n = PruneCompressor.of((nm).parametersFor(PruneMethod.INSTANCE));
    assertEquals(0.5, n.sparsity());
    assertEquals(NmMask.Axis.ALONG_COLUMNS, ((NmMask) n.rule()).axis());
    assertMessage("N:M 2:4 fixes the sparsity at 1 - N/M = 0.5; got sparsity 0.9",
        () -> nm.toBuilder().methodParameter("target_sparsity", "0.9").build());
    assertMessage("n_m=2:4 must be left out with block_height/block_width (choose N:M or blocks, not both)",
        () -> nm.toBuilder().methodParameter("block_height", "2").build());
  }

  @Test
  void rejectsBadInputsNamingTheMatrix() {
    FloatMatrix a = gaussian(6, 6, 8);
    assertMessage("sparsity=1.0 is outside [0, 1)", () -> PruneCompressor.withSparsity(1.0));
    assertMessage("sparsity=-0.2 is outside [0, 1)", () -> PruneCompressor.withSparsity(-0.2));
    float[] bad = a.copyData();
    bad[7] = Float.NaN;
    assertMessage("conv/w (6x6) has a non-finite entry NaN at [1, 1]",
        () -> PruneCompressor.withSparsity(0.5).compress("conv/w", FloatMatrix.of(6, 6, bad)));
    assertMessage("conv/w: block 4x4 does not divide the 6x6 matrix",
        () -> PruneCompressor.builder().sparsity(0.5).blocks(4, 4, Pooling.AVG).build().layout("conv/w", 6, 6));
    assertMessage("conv/w: N:M 2:4 along rows needs M to divide the 6 columns",
        () -> PruneCompressor.builder().nm(2, 4, NmMask.Axis.ALONG_ROWS).build().compress("conv/w", a));
    assertMessage("conv/w: gradient saliency needs loss gradients",
        () -> PruneCompressor.builder().sparsity(0.5).score(ScoreKind.LOSS_GRADIENT).build().compress("conv/w", a));
  }

  @Test
  void compressWithScoresPrunesByTheGivenScores() {
    FloatMatrix a = FloatMatrix.of(1, 4, new float[] {4, 3, 2, 1});
    PrunedFactorization f = PruneCompressor.withSparsity(0.5)
        .compressWithScores("W", a, new float[] {0, 1, 2, 3});
    assertArrayEquals(new float[] {0, 0, 2, 1}, f.product().copyData());
  }
}
