package org.matcomp.compressor.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.matcomp.compressor.ExprEvaluator;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorLayout;
import org.matcomp.compressor.FactorType;
import org.matcomp.compressor.Factorization;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.spec.Methods;

class GapPositionsTest {
  @Test
  void symbolsAdvanceByTheGapAndFillersCoverLongGaps() {
    // 4-bit symbols: gaps of 1..15 in one symbol, a filler (15) advances 15 more
    assertArrayEquals(new int[] {0, 1, 14, 15, 4, 15, 15, 0}, GapPositions.encode(new int[] {0, 2, 17, 37, 68}, 4));
    assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 15}, GapPositions.advances(4));
  }

  private static Factorization compress(String method, String hparams, int rows, int cols, long seed) {
    Random rnd = new Random(seed);
    float[] v = new float[rows * cols];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    return CompressionSpec.builder().name("t").method(Methods.byName(method)).build().withHparams(hparams)
        .compressor().compress("t", FloatMatrix.of(rows, cols, v));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "prune+kmeans|target_sparsity=0.9,num_clusters=16|UINT4",
      "prune+kmeans|target_sparsity=0.97,num_clusters=16|UINT8",
      "prune+int8|target_sparsity=0.9|UINT4",
      "prune|target_sparsity=0.99|UINT8"})
  void gapsStoreTheSameMatrixInFewerBytes(String method, String hparams, FactorType width) {
    Factorization f = compress(method, hparams, 300, 200, 5);
    Factorization g = GapPositions.smallest(f);
    assertEquals(width, g.factors().stream().filter(x -> x.name().equals(GapPositions.GAPS)).findFirst()
        .orElseThrow().spec().type());
    assertTrue(g.size().compressedBytes() < f.size().compressedBytes(), g.size() + " vs " + f.size());
    // the rule over the gap factors rebuilds the bitmap form's matrix exactly
    FactorLayout layout = new FactorLayout(300, 200, g.factors().stream().map(Factor::spec).toList());
    assertArrayEquals(f.product().copyData(),
        ExprEvaluator.matrix(g.method().rule().dense(layout), g.factors(), 300, 200).copyData());
  }

  @Test
  void atHalfSparsityFloatValuesKeepTheBitmapWhichIsSmallerForThem() {
    Factorization f = compress("prune", "target_sparsity=0.5", 300, 200, 6);
    assertSame(f, GapPositions.smallest(f));
    // and so do 2-bit codes at half sparsity: a bit a position beats ~1.15 symbols of 2 + 2 bits a kept entry
    Factorization k = compress("prune+kmeans", "target_sparsity=0.5,num_clusters=4", 300, 200, 6);
    assertSame(k, GapPositions.smallest(k));
  }
}
