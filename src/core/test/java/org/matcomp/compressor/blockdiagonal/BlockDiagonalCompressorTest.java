package org.matcomp.compressor.blockdiagonal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.matcomp.compressor.StructuredTestSupport.gaussian;
import static org.matcomp.compressor.StructuredTestSupport.referenceMatrix;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.matcomp.compressor.StructuredTestSupport;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.compressor.CompressedSize;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorSpec;

class BlockDiagonalCompressorTest {
  @Test
  void referenceTestShapeHasTwoBlocksOf6x4AndFortyEightNonzeros() {
    BlockDiagonalCompressor c = BlockDiagonalCompressor.of((CompressionSpec.parse(
        "name=block_compression,compression_option=10,block_method=mask,block_compression_factor=2")).parametersFor(BlockDiagonalMethod.INSTANCE));
    assertEquals(List.of(FactorSpec.trainableFloat("C", 2, 6, 4)), c.layout("a_matrix", 12, 8));
    BlockDiagonalFactorization f = c.initialFactors("a_matrix", 12, 8, 7);
    float[] w = f.product().copyData();
    int nonzeros = 0;
    for (int i = 0; i < 12; i++) {
      for (int j = 0; j < 8; j++) {
        boolean onDiagonal = j / 4 == i / 6; // the reference's mask rule
        if (w[i * 8 + j] != 0) {
          nonzeros++;
          assertTrue(onDiagonal, "entry [" + i + ", " + j + "] is off the diagonal blocks");
        }
      }
    }
    assertEquals(48, nonzeros);
  }

  @Test
  void initialFactorsAreXavierUniformWithTheReferenceLimitAndDeterministic() {
    BlockDiagonalCompressor c = BlockDiagonalCompressor.withBlocks(4);
    BlockDiagonalFactorization f = c.initialFactors("w", 256, 128, 3);
    float[] v = f.factor("C").floats();
    double limit = Math.sqrt(3.0 / ((256 + 128) / 8.0)); // (m+n)/(2k) = 48
    double max = 0;
    double sq = 0;
    for (float x : v) {
      max = Math.max(max, Math.abs(x));
      sq += (double) x * x;
    }
    assertTrue(max <= limit, "max " + max + " > limit " + limit);
    assertTrue(max > 0.99 * limit, "draws should fill the interval, max " + max);
    // Var of U(−l, l) is l²/3 = 1/48 here; 8192 draws pin it within a few percent.
    assertEquals(1.0 / 48, sq / v.length, 0.05 / 48);
    assertArrayEquals(v, c.initialFactors("w", 256, 128, 3).factor("C").floats());
  }

  @Test
  void compressKeepsTheDiagonalBlocksWithTheOffDiagonalNormAsError() {
    // Hand computation for the reference matrix u·vᵀ with 2 blocks: ‖u₁‖² = 208, ‖u₂‖² = 84, ‖v₁‖² = 86,
    // ‖v₂‖² = 78; the off-diagonal part has ‖·‖² = 208·78 + 84·86 = 23448 of ‖A‖² = 292·164 = 47888.
    FloatMatrix a = referenceMatrix();
    BlockDiagonalFactorization f = BlockDiagonalCompressor.withBlocks(2).compress("a", a);
    assertEquals(Math.sqrt(23448.0 / 47888.0), a.relativeErrorTo(f.product()), 1e-6);
    float[] w = f.product().copyData();
    float[] av = a.copyData();
    for (int i = 0; i < 12; i++) {
      for (int j = 0; j < 8; j++) {
        assertEquals(j / 4 == i / 6 ? av[i * 8 + j] : 0f, w[i * 8 + j], "entry [" + i + ", " + j + "]");
      }
    }
  }

  @Test
  void compressIsTheBestBlockDiagonalFitOfARandomMatrix() {
    FloatMatrix a = gaussian(30, 18, 5);
    BlockDiagonalFactorization f = BlockDiagonalCompressor.withBlocks(3).compress("a", a);
    double best = StructuredTestSupport.squaredDistance(a, f.product());
    double offDiagonal = 0;
    float[] av = a.copyData();
    for (int i = 0; i < 30; i++) {
      for (int j = 0; j < 18; j++) {
        if (j / 6 != i / 10) {
          offDiagonal += (double) av[i * 18 + j] * av[i * 18 + j];
        }
      }
    }
    assertEquals(offDiagonal, best, 1e-6 * offDiagonal);
    // Any other block-diagonal matrix (here: the fit plus a random block-diagonal change) is farther from A.
    BlockDiagonalFactorization other = BlockDiagonalCompressor.withBlocks(3).initialFactors("a", 30, 18, 9);
    float[] moved = f.factor("C").floats();
    float[] delta = other.factor("C").floats();
    for (int i = 0; i < moved.length; i++) {
      moved[i] += 0.01f * delta[i];
    }
    BlockDiagonalFactorization worse = new BlockDiagonalFactorization(
        Factor.ofFloats(f.factor("C").spec(), moved), 30, 18, 3);
    assertTrue(StructuredTestSupport.squaredDistance(a, worse.product()) > best);
  }

  @Test
  void applyToEqualsTheProductTimesTheInput() {
    BlockDiagonalFactorization f = BlockDiagonalCompressor.withBlocks(4).initialFactors("w", 24, 16, 1);
    FloatMatrix x = gaussian(5, 24, 2);
    assertTrue(f.applyTo(x).maxAbsDifference(x.times(f.product())) < 1e-5);
  }

  @Test
  void sizeCountsOnlyTheBlocks() {
    CompressedSize s = BlockDiagonalCompressor.withBlocks(2).compress("a", referenceMatrix()).size();
    assertEquals(new CompressedSize(96, 384, 48, 192), s);
    assertEquals(2.0, s.ratio(), 0);
  }

  @Test
  void badInputsNameTheCulprit() {
    IllegalArgumentException notDividing = assertThrows(IllegalArgumentException.class,
        () -> BlockDiagonalCompressor.withBlocks(3).layout("dense1_kernel", 12, 8));
    assertTrue(notDividing.getMessage().contains("dense1_kernel (12x8)"), notDividing.getMessage());
    assertTrue(notDividing.getMessage().contains("block_compression_factor=3 must divide"), notDividing.getMessage());
    IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> BlockDiagonalCompressor
        .of((CompressionSpec.parse("name=s,compression_option=10,block_compression_factor=0")).parametersFor(BlockDiagonalMethod.INSTANCE)));
    assertEquals("spec 's' (method block): block_compression_factor=0 must be positive", zero.getMessage());
    IllegalArgumentException method = assertThrows(IllegalArgumentException.class, () -> BlockDiagonalCompressor
        .of((CompressionSpec.parse("name=s,compression_option=10,block_method=tiles")).parametersFor(BlockDiagonalMethod.INSTANCE)));
    assertEquals("spec 's' (method block): block_method=tiles must be 'loop' or 'mask'", method.getMessage());
    assertThrows(IllegalArgumentException.class, () -> BlockDiagonalCompressor.withBlocks(0));
    float[] nan = new float[12 * 8];
    nan[5] = Float.NaN;
    IllegalArgumentException nonFinite = assertThrows(IllegalArgumentException.class,
        () -> BlockDiagonalCompressor.withBlocks(2).compress("emb", FloatMatrix.of(12, 8, nan)));
    assertTrue(nonFinite.getMessage().startsWith("emb (12x8) has a non-finite entry"), nonFinite.getMessage());
  }
}
