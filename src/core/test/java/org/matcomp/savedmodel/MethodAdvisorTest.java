package org.matcomp.savedmodel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.matcomp.compressor.kmeans.KMeansMethod;
import org.matcomp.compressor.lowrank.LowRankMethod;
import org.matcomp.savedmodel.trace.SavedModelDirectory;

class MethodAdvisorTest {
  @Test
  void singularValuesOfAScaledPermutationAreItsScales() {
    // rows (0,3,0), (4,0,0), (0,0,-2), (0,0,0): singular values 4, 3, 2 — both Gram orientations
    float[] a = {0, 3, 0, 4, 0, 0, 0, 0, -2, 0, 0, 0};
    assertArrayEquals(new float[] {4, 3, 2}, MethodAdvisor.singularValues(a, 4, 3).orElseThrow(), 1e-6f);
    float[] at = {0, 4, 0, 0, 3, 0, 0, 0, 0, 0, -2, 0};
    assertArrayEquals(new float[] {4, 3, 2}, MethodAdvisor.singularValues(at, 3, 4).orElseThrow(), 1e-6f);
  }

  @Test
  void aNonFiniteEntryIsNamedWithItsPositionNotAFailedDecomposition() {
    float[] a = new float[12];
    a[7] = Float.NaN;
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> MethodAdvisor.advise("dense/kernel", a, 4, 3, 0.95));
    assertEquals("dense/kernel (4x3) has a non-finite entry NaN at [2, 1]", e.getMessage());
  }

  @Test
  void energyRankCountsSquaredSingularValues() {
    float[] s = {4, 3, 2, 1}; // energies 16, 9, 4, 1 of 30
    assertEquals(1, MethodAdvisor.energyRank(s, 0.5));
    assertEquals(2, MethodAdvisor.energyRank(s, 25.0 / 30));
    assertEquals(3, MethodAdvisor.energyRank(s, 0.95));
    assertEquals(4, MethodAdvisor.energyRank(s, 1.0));
  }

  @Test
  void rankOneMatrixAdvisesLowRankAndPruningKeepsTheLargestEntries() {
    // 20x10 outer product u·vᵀ: rank 1 keeps all energy; 200/(1·30) = 6.67x
    float[] a = new float[200];
    for (int i = 0; i < 20; i++) {
      for (int j = 0; j < 10; j++) {
        a[i * 10 + j] = (i + 1) * (j == 0 ? 10f : 0.1f);
      }
    }
    MatrixAdvice adv = MethodAdvisor.advise(a, 20, 10, 0.95);
    assertEquals(1, adv.energyRank());
    assertEquals(200.0 / 30, adv.lowRankRatio(), 1e-9);
    assertEquals(LowRankMethod.INSTANCE, adv.recommended());
    assertFalse(adv.flatSpectrum());
    // Σw² = 100·Σj² (column 0, j = 1..20) + 9·0.01·Σj² = 287000 + 258.3; 95 % of it is 272895.2. The largest
    // entries 100·j² for j = 20 down to 8 sum to 273000 (j down to 9: 266600), so 13 of 200 are kept.
    assertEquals(1 - 13 / 200.0, adv.pruneSparsity(), 1e-9);
  }

  @Test
  void tf1CnnFullyConnectedLayerHasAFlatSpectrumAndGetsKMeans() throws Exception {
    SavedModelDirectory d = SavedModelDirectory.open(Path.of("../shared/testdata/savedmodels/tf1_mnist_cnn_tf1.9"),
        "serve");
    ModelInspector.Inspection i = ModelInspector.inspect(d, 0.95);
    MatrixAdvice fc = i.advice().get("Variable_6");
    assertTrue(fc.flatSpectrum());
    assertTrue(fc.energyRank() > 150, "rank for 95 % energy: " + fc.energyRank());
    assertEquals(15.0, fc.singularValues().orElseThrow()[0], 0.5, "s[0] ≈ 15.0 per the shared notes");
    assertEquals(KMeansMethod.INSTANCE, fc.recommended());
    assertTrue(fc.reason().contains("low-rank is the wrong tool"), fc.reason());
    var json = i.toJson();
    assertEquals("tf1-graph", json.get("format").getAsString());
    assertEquals(5, json.getAsJsonArray("matrices").size());
  }
}
