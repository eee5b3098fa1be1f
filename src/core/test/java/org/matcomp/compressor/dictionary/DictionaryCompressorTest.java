package org.matcomp.compressor.dictionary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.FactorType;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.spec.CompressionSpec;

class DictionaryCompressorTest {
  private static final int ROWS = 600;
  private static final int COLS = 16;
  private static final FloatMatrix TABLE =
      FloatMatrix.of(ROWS, COLS, DictionaryLearnerTest.sparseMix(ROWS, COLS, 24, 2, 0.05, 21));

  private static DictionaryFactorization compressed() {
    return DictionaryCompressor.withSizes(32, 3, 5, 0).compress("embedding", TABLE);
  }

  /** graph_compression's DLMatrixCompressor: fractions 100/rank, atoms = int(f·rows + 1), k = int(f·cols + 1). */
  @Test
  void referenceRankMapsToAtomsAndNonzeros() {
    CompressionSpec spec = CompressionSpec.builder().method(DictionaryMethod.INSTANCE).rank(200).build();
    DictionaryCompressor c = DictionaryCompressor.of((spec).parametersFor(DictionaryMethod.INSTANCE));
    assertEquals(501, c.atoms(1000));
    assertEquals(33, c.nonzeros(64));
    // rank=300: 100/300 = 0.333..., int(0.333...·1000 + 1) = 334, int(0.333...·64 + 1) = 22
    DictionaryCompressor c3 = DictionaryCompressor.of((spec.toBuilder().rank(300).build()).parametersFor(DictionaryMethod.INSTANCE));
    assertEquals(334, c3.atoms(1000));
    assertEquals(22, c3.nonzeros(64));
    assertEquals(DictionaryCompressor.DEFAULT_ITERATIONS, c.iterations());
  }

  @Test
  void explicitParametersWinOverRank() {
    CompressionSpec spec = CompressionSpec.builder().method(DictionaryMethod.INSTANCE).rank(200)
        .methodParameter("dl_atoms", "40").methodParameter("dl_nonzeros", "4").methodParameter("dl_iterations", "3")
        .build();
    DictionaryCompressor c = DictionaryCompressor.of((spec).parametersFor(DictionaryMethod.INSTANCE));
    assertEquals(40, c.atoms(1000));
    assertEquals(4, c.nonzeros(64));
    assertEquals(3, c.iterations());
    CompressionSpec abs = CompressionSpec.builder().method(DictionaryMethod.INSTANCE).absoluteRank(50).build();
    assertEquals(50, DictionaryCompressor.of((abs).parametersFor(DictionaryMethod.INSTANCE)).atoms(1000));
  }

  @Test
  void layoutNamesTypesAndShapes() {
    List<FactorSpec> specs = DictionaryCompressor.withSizes(32, 3, 5, 0).layout("embedding", ROWS, COLS);
    assertEquals(List.of(
        new FactorSpec("code_indices", FactorType.UINT8, new int[] {ROWS, 3}, false),
        FactorSpec.trainableFloat("code_values", ROWS, 3),
        FactorSpec.trainableFloat("dictionary", 32, COLS)), specs);
    // Indices take a byte while they can: 256 atoms do, 257 need int32.
    assertEquals(FactorType.UINT8, DictionaryCompressor.withSizes(256, 3, 5, 0).layout("e", ROWS, COLS).get(0).type());
    assertEquals(FactorType.INT32, DictionaryCompressor.withSizes(257, 3, 5, 0).layout("e", ROWS, COLS).get(0).type());
  }

  /** product() is exactly Σ_s value·dictionary[index] over each row's slots, accumulated in float in slot order. */
  @Test
  void productIsCodeTimesDictionary() {
    DictionaryFactorization f = compressed();
    int[] idx = f.factor("code_indices").ints();
    float[] val = f.factor("code_values").floats();
    float[] dict = f.factor("dictionary").floats();
    float[] expected = new float[ROWS * COLS];
    for (int r = 0; r < ROWS; r++) {
      for (int s = 0; s < 3; s++) {
        for (int p = 0; p < COLS; p++) {
          expected[r * COLS + p] += val[r * 3 + s] * dict[idx[r * 3 + s] * COLS + p];
        }
      }
    }
    assertEquals(FloatMatrix.of(ROWS, COLS, expected), f.product());
    assertEquals(f.code().relativeError(TABLE.copyData(), dict, COLS), TABLE.relativeErrorTo(f.product()), 1e-6);
  }

  @Test
  void compressesTheTableWell() {
    DictionaryFactorization f = compressed();
    assertTrue(TABLE.relativeErrorTo(f.product()) < 0.3, "rel error " + TABLE.relativeErrorTo(f.product()));
    // 600·3 one-byte indices (32 atoms) + 600·3 float values + 32·16 float atoms, against 600·16 floats.
    assertEquals(600 * 3 + 4L * (600 * 3 + 32 * 16), f.size().compressedBytes());
    assertEquals(4L * 600 * 16, f.size().denseBytes());
  }

  @Test
  void lookupEqualsProductRows() {
    DictionaryFactorization f = compressed();
    FloatMatrix product = f.product();
    int[] ids = {0, 599, 17, 17, 300};
    FloatMatrix rows = f.lookup(ids);
    for (int i = 0; i < ids.length; i++) {
      for (int p = 0; p < COLS; p++) {
        assertEquals(product.get(ids[i], p), rows.get(i, p), "id " + ids[i] + " col " + p);
      }
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.lookup(new int[] {3, 600}));
    assertTrue(e.getMessage().contains("lookup id 600 at position 1 is outside the table's rows [0, 600)"),
        e.getMessage());
  }

  @Test
  void applyToEqualsInputTimesProduct() {
    DictionaryFactorization f = compressed();
    Random rnd = new Random(4);
    float[] x = new float[5 * ROWS];
    for (int i = 0; i < x.length; i++) {
      x[i] = rnd.nextInt(4) == 0 ? (float) rnd.nextGaussian() : 0f;
    }
    FloatMatrix in = FloatMatrix.of(5, ROWS, x);
    FloatMatrix expected = in.times(f.product());
    assertTrue(expected.maxAbsDifference(f.applyTo(in)) < 1e-4, "max diff " + expected.maxAbsDifference(f.applyTo(in)));
    assertThrows(IllegalArgumentException.class, () -> f.applyTo(FloatMatrix.zeros(2, ROWS + 1)));
  }

  @Test
  void factorsRebuildTheSameFactorization() {
    DictionaryFactorization f = compressed();
    DictionaryFactorization g = DictionaryFactorization.of(f.factor("code_indices").ints(),
        f.factor("code_values").floats(), ROWS, 3, f.factor("dictionary").floats(), 32, COLS);
    assertEquals(f.product(), g.product());
    assertFalse(f.diagnostics().isEmpty());
    assertEquals(5.0, f.diagnostics().get("iterations"));
  }

  @Test
  void rejectsMoreAtomsThanRowsNamingTheMatrix() {
    CompressionSpec spec = CompressionSpec.builder().method(DictionaryMethod.INSTANCE).rank(7).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DictionaryCompressor.of((spec).parametersFor(DictionaryMethod.INSTANCE)).compress("embedding", TABLE));
    // rank 7: 100/7 ≈ 14.29, so int(14.29·600 + 1) = 8572 atoms for 600 rows.
    assertTrue(e.getMessage().contains("embedding (600x16): 8572 atoms exceed its 600 rows"), e.getMessage());
  }

  @Test
  void rejectsMoreNonzerosThanAtoms() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DictionaryCompressor.withSizes(4, 5, 1, 0));
    assertTrue(e.getMessage().contains("nonzeros k=5 exceeds atoms=4"), e.getMessage());
    CompressionSpec spec = CompressionSpec.builder().method(DictionaryMethod.INSTANCE).rank(200)
        .methodParameter("dl_atoms", "8").build();
    e = assertThrows(IllegalArgumentException.class, () -> DictionaryCompressor.of((spec).parametersFor(DictionaryMethod.INSTANCE)).layout("w", 600, 16));
    assertTrue(e.getMessage().contains("w (600x16): nonzeros k=9 exceeds the 8 atoms"), e.getMessage());
  }

  @Test
  void rejectsNaNNamingTheMatrix() {
    float[] x = TABLE.copyData();
    x[5 * COLS + 2] = Float.NaN;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DictionaryCompressor.withSizes(32, 3, 2, 0).compress("embedding", FloatMatrix.of(ROWS, COLS, x)));
    assertTrue(e.getMessage().contains("embedding (600x16) has a non-finite entry NaN at [5, 2]"), e.getMessage());
  }

  @Test
  void rejectsBadParameterText() {
    // read when the spec is built, so a bad value is refused before any work
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CompressionSpec.builder().method(DictionaryMethod.INSTANCE).methodParameter("dl_atoms", "many").build());
    assertEquals("spec 'model_compression' (method dictionary): dl_atoms='many' is not an integer", e.getMessage());
  }

  @Test
  void ompCoderCodesAgainstAGivenDictionary() {
    DictionaryFactorization learned = compressed();
    FloatMatrix dict = learned.dictionary();
    OmpCoder.Coding c = OmpCoder.code("D.npy", dict, "X.npy", TABLE, 3);
    // The coder's Gram-identity residuals give the direct two-pass error to double round-off.
    double direct = c.code().relativeError(TABLE.copyData(), dict.copyData(), COLS);
    assertEquals(direct, c.relativeError(), 1e-12 * direct);
    assertEquals(TABLE.relativeErrorTo(c.factorization().product()), c.relativeError(), 1e-6);
    assertArrayEquals(c.code().indices(), c.factorization().factor("code_indices").ints());
    float[] zeroAtom = dict.copyData();
    java.util.Arrays.fill(zeroAtom, 4 * COLS, 5 * COLS, 0f);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OmpCoder.code("D.npy", FloatMatrix.of(32, COLS, zeroAtom), "X.npy", TABLE, 3));
    assertTrue(e.getMessage().contains("D.npy (32x16) has a zero-norm atom at row 4"), e.getMessage());
  }
}
