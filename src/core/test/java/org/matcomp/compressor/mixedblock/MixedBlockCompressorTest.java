package org.matcomp.compressor.mixedblock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.matcomp.compressor.StructuredTestSupport.gaussian;
import static org.matcomp.compressor.StructuredTestSupport.referenceMatrix;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.matcomp.compressor.StructuredTestSupport;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.compressor.CompressedSize;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorSpec;

class MixedBlockCompressorTest {
  private static MixedBlockFactorization of(int m, int n, int k, int bases, float[] blocks, float[] mixer) {
    List<FactorSpec> specs = MixedBlockFactorization.layout(m, n, k, bases);
    return new MixedBlockFactorization(Factor.ofFloats(specs.get(0), blocks), Factor.ofFloats(specs.get(1), mixer),
        m, n, k, bases);
  }

  @Test
  void blockJOfWIsMixerIJTimesMjWithContiguousInputBlocks() {
    // M₀ = [[1,2],[3,4]], M₁ = [[5,6],[7,8]] stored as block_matrices[a][b][j]; mix = [[1,2],[3,4]].
    float[] blocks = {1, 5, 2, 6, 3, 7, 4, 8};
    float[] mixer = {1, 2, 3, 4};
    MixedBlockFactorization f = of(4, 4, 2, 1, blocks, mixer);
    assertArrayEquals(new float[] {
        1, 2, 3, 6,
        3, 4, 9, 12,
        10, 12, 20, 24,
        14, 16, 28, 32}, f.product().copyData());
    // Input 1 lies in block 0 (contiguous), not block 1 (the reference's interleaved reshape would put it there).
    assertArrayEquals(new float[] {3, 4, 9, 12}, f.applyTo(FloatMatrix.of(1, 4, new float[] {0, 1, 0, 0}))
        .copyData());
  }

  @Test
  void referenceShapesAndSizes() {
    MixedBlockCompressor c = MixedBlockCompressor.of((CompressionSpec.parse(
        "name=mixed_block_compression,compression_option=12,compression_factor=2,num_bases=3")).parametersFor(MixedBlockMethod.INSTANCE));
    assertEquals(List.of(FactorSpec.trainableFloat("block_matrices", 6, 4, 2),
        FactorSpec.trainableFloat("linear_mixer", 2, 2, 3)), c.layout("a", 12, 8));
    CompressedSize s = MixedBlockCompressor.withBlocks(2, 1).compress("a", referenceMatrix()).size();
    assertEquals(new CompressedSize(96, 384, 52, 208), s);
  }

  @Test
  void basesOnlyAddUp() {
    MixedBlockFactorization three = MixedBlockCompressor.withBlocks(2, 3).initialFactors("a", 12, 8, 4);
    float[] summed = three.effectiveMixer();
    MixedBlockFactorization one = of(12, 8, 2, 1, three.factor("block_matrices").floats(), summed);
    assertTrue(three.product().maxAbsDifference(one.product()) < 1e-6);
  }

  @Test
  void fitOfTheReferenceMatrixHasTheClosedFormError() {
    // A = u·vᵀ: every Rⱼ is ‖uⱼ‖-scaled V (rows v₀ = [4,5,6,3], v₁ = [1,8,3,2]), so the relative error is
    // sqrt(λ₂(VVᵀ)/‖V‖²) with VVᵀ = [[86,68],[68,78]]: λ₂ = (164 − √18560)/2.
    double lambda2 = (164 - Math.sqrt(18560)) / 2;
    FloatMatrix a = referenceMatrix();
    MixedBlockFactorization f = MixedBlockCompressor.withBlocks(2, 1).compress("a", a);
    assertEquals(Math.sqrt(lambda2 / 164), a.relativeErrorTo(f.product()), 1e-6);
  }

  @ParameterizedTest
  @CsvSource({"12, 8, 2, 1", "24, 18, 3, 1", "16, 32, 4, 2", "20, 20, 5, 1"})
  void fitIsTheNearestKroneckerOptimumPerRowBlock(int m, int n, int k, int bases) {
    FloatMatrix a = gaussian(m, n, 31L * m + n);
    MixedBlockFactorization f = MixedBlockCompressor.withBlocks(k, bases).compress("a", a);
    int mb = m / k;
    int nc = n / k;
    float[] av = a.copyData();
    double optimum = 0;
    for (int j = 0; j < k; j++) {
      double[] r = new double[k * mb * nc];
      for (int i = 0; i < k; i++) {
        for (int p = 0; p < mb; p++) {
          for (int b = 0; b < nc; b++) {
            r[i * mb * nc + p * nc + b] = av[(j * mb + p) * n + i * nc + b];
          }
        }
      }
      double[] s = StructuredTestSupport.singularValues(r, k, mb * nc);
      for (int t = 1; t < s.length; t++) {
        optimum += s[t] * s[t];
      }
    }
    assertEquals(optimum, StructuredTestSupport.squaredDistance(a, f.product()), 1e-5 * optimum);
  }

  @Test
  void aMatrixWithTheStructureIsRecoveredExactly() {
    MixedBlockFactorization truth = MixedBlockCompressor.withBlocks(4, 1).initialFactors("t", 32, 24, 8);
    FloatMatrix a = truth.product();
    MixedBlockFactorization f = MixedBlockCompressor.withBlocks(4, 1).compress("a", a);
    assertTrue(a.relativeErrorTo(f.product()) < 1e-5, "error " + a.relativeErrorTo(f.product()));
  }

  @Test
  void zeroMatrixFitsWithZeroFactors() {
    MixedBlockFactorization f = MixedBlockCompressor.withBlocks(2, 1).compress("a", FloatMatrix.zeros(4, 6));
    assertArrayEquals(new float[24], f.product().copyData());
  }

  @Test
  void applyToEqualsTheProductTimesTheInput() {
    MixedBlockFactorization f = MixedBlockCompressor.withBlocks(3, 2).initialFactors("w", 18, 12, 1);
    FloatMatrix x = gaussian(5, 18, 2);
    assertTrue(f.applyTo(x).maxAbsDifference(x.times(f.product())) < 1e-5);
  }

  @Test
  void initialFactorsUseTheReferenceLimits() {
    MixedBlockFactorization f = MixedBlockCompressor.withBlocks(4, 1).initialFactors("w", 64, 32, 6);
    double blockLimit = Math.sqrt(3.0 / ((16 + 8) / 2.0));
    double mixerLimit = Math.sqrt(3.0 / 4);
    for (float v : f.factor("block_matrices").floats()) {
      assertTrue(Math.abs(v) <= blockLimit, v + " beyond " + blockLimit);
    }
    float[] mixer = f.factor("linear_mixer").floats();
    double max = 0;
    for (float v : mixer) {
      max = Math.max(max, Math.abs(v));
    }
    assertTrue(max <= mixerLimit && max > 0.5 * mixerLimit, "mixer max " + max);
  }

  @Test
  void badInputsNameTheCulprit() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MixedBlockCompressor.withBlocks(5, 1).layout("logits_kernel", 20, 12));
    assertEquals("logits_kernel (20x12): compression_factor=5 must divide both dimensions", e.getMessage());
    IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> MixedBlockCompressor
        .of((CompressionSpec.parse("name=s,compression_option=12,num_bases=0")).parametersFor(MixedBlockMethod.INSTANCE)));
    assertEquals("spec 's' (method mixed-block): num_bases=0 must be positive", zero.getMessage());
    IllegalArgumentException text = assertThrows(IllegalArgumentException.class, () -> MixedBlockCompressor
        .of((CompressionSpec.parse("name=s,compression_option=12,compression_factor=two")).parametersFor(MixedBlockMethod.INSTANCE)));
    assertEquals("spec 's' (method mixed-block): compression_factor='two' is not an integer", text.getMessage());
  }
}
