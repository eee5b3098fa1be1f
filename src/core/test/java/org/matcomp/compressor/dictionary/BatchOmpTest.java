package org.matcomp.compressor.dictionary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.matcomp.io.Npy;
import org.matcomp.linalg.FloatMatrix;

class BatchOmpTest {
  private static final Path GOLDENS = Path.of("testdata", "omp");

  static Stream<JsonObject> goldenCases() throws IOException {
    JsonObject root = JsonParser.parseString(Files.readString(GOLDENS.resolve("goldens.json"))).getAsJsonObject();
    List<JsonObject> cases = new ArrayList<>();
    for (JsonElement e : root.getAsJsonArray("cases")) {
      cases.add(e.getAsJsonObject());
    }
    return cases.stream();
  }

  /** Goldens from python-interop/omp_goldens.py (scikit-learn's orthogonal_mp_gram in float64). */
  @ParameterizedTest(name = "{0}")
  @MethodSource("goldenCases")
  void supportsAndCoefficientsEqualScikitLearn(JsonObject c) throws IOException {
    FloatMatrix d = Npy.readFloatMatrix(GOLDENS.resolve(c.get("dictionary").getAsString()));
    FloatMatrix x = Npy.readFloatMatrix(GOLDENS.resolve(c.get("signals").getAsString()));
    BatchOmp omp = c.has("tol")
        ? BatchOmp.withNonzeros(d.rows()).withSquaredResidualTolerance(c.get("tol").getAsDouble())
        : BatchOmp.withNonzeros(c.get("k").getAsInt());
    SparseCode code = omp.encode(d, x);
    JsonArray rows = c.getAsJsonArray("rows");
    assertEquals(x.rows(), rows.size());
    for (int r = 0; r < rows.size(); r++) {
      JsonObject expected = rows.get(r).getAsJsonObject();
      int[] support = toInts(expected.getAsJsonArray("support"));
      double[] coefs = toDoubles(expected.getAsJsonArray("coefs"));
      int n = code.count(r);
      int[] ours = new int[n];
      for (int s = 0; s < n; s++) {
        ours[s] = code.index(r, s);
      }
      int[] sorted = ours.clone();
      Arrays.sort(sorted);
      assertArrayEquals(support, sorted, c.get("name").getAsString() + " row " + r + " support");
      for (int s = 0; s < n; s++) {
        int at = Arrays.binarySearch(support, ours[s]);
        double want = coefs[at];
        assertEquals(want, code.value(r, s), 2e-6 * Math.max(1, Math.abs(want)),
            c.get("name").getAsString() + " row " + r + " atom " + ours[s]);
      }
    }
  }

  /** Ties go to the atom earliest in scikit-learn's swapped working order, here atom 9 rather than atom 0. */
  @Test
  void exactTieFollowsScikitLearnsWorkingOrder() throws IOException {
    FloatMatrix d = Npy.readFloatMatrix(GOLDENS.resolve("ties_dictionary.npy"));
    FloatMatrix x = Npy.readFloatMatrix(GOLDENS.resolve("ties_signals.npy"));
    SparseCode code = BatchOmp.withNonzeros(2).encode(d, x);
    assertEquals(12, code.index(0, 0));
    assertEquals(9, code.index(0, 1));
    assertEquals(1, code.count(1), "2·e0 is represented exactly by its first atom");
    assertEquals(0, code.index(1, 0));
    assertEquals(2f, code.value(1, 0));
  }

  /**
   * A union of two orthonormal bases (identity and a normalised Hadamard matrix, coherence μ = 1/√32) satisfies
   * Tropp's exact recovery condition for every support of size k < (1 + 1/μ)/2 ≈ 3.3, so OMP must find every
   * planted 3-sparse signal exactly.
   */
  @Test
  void recoversPlantedThreeSparseSignalsExactly() {
    int dim = 32;
    int atoms = 2 * dim;
    float[] d = new float[atoms * dim];
    float h = (float) (1 / Math.sqrt(dim));
    for (int i = 0; i < dim; i++) {
      d[i * dim + i] = 1f;
      for (int j = 0; j < dim; j++) {
        d[(dim + i) * dim + j] = Integer.bitCount(i & j) % 2 == 0 ? h : -h;
      }
    }
    Random rnd = new Random(3);
    int n = 500;
    float[] x = new float[n * dim];
    int[][] planted = new int[n][];
    double[][] weights = new double[n][];
    for (int r = 0; r < n; r++) {
      planted[r] = rnd.ints(0, atoms).distinct().limit(3).sorted().toArray();
      weights[r] = new double[3];
      for (int s = 0; s < 3; s++) {
        weights[r][s] = (rnd.nextBoolean() ? 1 : -1) * (0.5 + rnd.nextDouble());
        for (int p = 0; p < dim; p++) {
          x[r * dim + p] += (float) (weights[r][s] * d[planted[r][s] * dim + p]);
        }
      }
    }
    SparseCode code = BatchOmp.withNonzeros(3).encode("hadamard", d, atoms, "planted", x, n, dim);
    for (int r = 0; r < n; r++) {
      assertEquals(3, code.count(r));
      int[] got = {code.index(r, 0), code.index(r, 1), code.index(r, 2)};
      int[] sorted = got.clone();
      Arrays.sort(sorted);
      assertArrayEquals(planted[r], sorted, "row " + r);
      for (int s = 0; s < 3; s++) {
        int at = Arrays.binarySearch(planted[r], got[s]);
        assertEquals(weights[r][at], code.value(r, s), 1e-5, "row " + r);
      }
      assertTrue(code.squaredResiduals()[r] < 1e-10, "row " + r + " residual " + code.squaredResiduals()[r]);
    }
    assertEquals(0, code.relativeError(x, d, dim), 1e-6);
  }

  @Test
  void toleranceStopsEachSignalOnceItsResidualIsSmallEnough() throws IOException {
    FloatMatrix d = Npy.readFloatMatrix(GOLDENS.resolve("dictionary.npy"));
    FloatMatrix x = Npy.readFloatMatrix(GOLDENS.resolve("signals.npy"));
    double tol = 0.05;
    SparseCode code = BatchOmp.withNonzeros(6).withSquaredResidualTolerance(tol).encode(d, x);
    float[] dd = d.copyData();
    float[] xx = x.copyData();
    double[] res = code.squaredResiduals();
    for (int r = 0; r < x.rows(); r++) {
      double exact = exactSquaredResidual(code, r, xx, dd, d.cols());
      assertEquals(exact, res[r], 1e-5 * Math.max(1, exact), "Gram identity vs direct residual, row " + r);
      assertTrue(res[r] <= tol || code.count(r) == 6, "row " + r + " stopped at " + res[r]);
      if (code.count(r) > 0) {
        // One atom fewer would not have met the tolerance (else OMP would have stopped there).
        SparseCode shorter = BatchOmp.withNonzeros(Math.max(1, code.count(r) - 1)).encode(d,
            FloatMatrix.of(1, x.cols(), Arrays.copyOfRange(xx, r * x.cols(), (r + 1) * x.cols())));
        assertTrue(code.count(r) == 1 || shorter.squaredResiduals()[0] > tol, "row " + r);
      }
    }
  }

  @Test
  void paddingSlotsHoldIndexZeroAndValueZero() throws IOException {
    FloatMatrix d = Npy.readFloatMatrix(GOLDENS.resolve("ties_dictionary.npy"));
    FloatMatrix x = Npy.readFloatMatrix(GOLDENS.resolve("ties_signals.npy"));
    SparseCode code = BatchOmp.withNonzeros(4).encode(d, x);
    assertEquals(1, code.count(1));
    for (int s = 1; s < 4; s++) {
      assertEquals(0, code.index(1, s));
      assertEquals(0f, code.value(1, s));
    }
  }

  @Test
  void codingIsDeterministic() throws IOException {
    FloatMatrix d = Npy.readFloatMatrix(GOLDENS.resolve("dictionary.npy"));
    Random rnd = new Random(11);
    float[] x = new float[3000 * d.cols()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    FloatMatrix xs = FloatMatrix.of(3000, d.cols(), x);
    SparseCode a = BatchOmp.withNonzeros(5).encode(d, xs);
    SparseCode b = BatchOmp.withNonzeros(5).encode(d, xs);
    assertArrayEquals(a.indices(), b.indices());
    assertArrayEquals(a.values(), b.values());
  }

  @Test
  void rejectsMoreNonzerosThanAtoms() {
    FloatMatrix d = FloatMatrix.of(2, 2, new float[] {1, 0, 0, 1});
    FloatMatrix x = FloatMatrix.of(1, 2, new float[] {1, 1});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BatchOmp.withNonzeros(3).encode(d, x));
    assertTrue(e.getMessage().contains("k=3") && e.getMessage().contains("2 atoms of dictionary"), e.getMessage());
  }

  @Test
  void rejectsZeroNormAtom() {
    FloatMatrix d = FloatMatrix.of(3, 2, new float[] {1, 0, 0, 0, 0, 1});
    FloatMatrix x = FloatMatrix.of(1, 2, new float[] {1, 1});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BatchOmp.withNonzeros(1).encode(d, x));
    assertTrue(e.getMessage().contains("dictionary (3x2) has a zero-norm atom at row 1"), e.getMessage());
  }

  @Test
  void rejectsNonFiniteEntriesNamingTheMatrix() {
    FloatMatrix d = FloatMatrix.of(2, 2, new float[] {1, 0, 0, 1});
    FloatMatrix x = FloatMatrix.of(2, 2, new float[] {1, 1, Float.NaN, 0});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BatchOmp.withNonzeros(1).encode(d, x));
    assertTrue(e.getMessage().contains("signals (2x2) has a non-finite entry NaN at [1, 0]"), e.getMessage());
    FloatMatrix dn = FloatMatrix.of(2, 2, new float[] {1, Float.POSITIVE_INFINITY, 0, 1});
    e = assertThrows(IllegalArgumentException.class, () -> BatchOmp.withNonzeros(1).encode(dn, x));
    assertTrue(e.getMessage().contains("dictionary (2x2) has a non-finite entry Infinity at [0, 1]"),
        e.getMessage());
  }

  @Test
  void rejectsMismatchedRowLengths() {
    FloatMatrix d = FloatMatrix.of(2, 2, new float[] {1, 0, 0, 1});
    FloatMatrix x = FloatMatrix.of(1, 3, new float[] {1, 1, 1});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BatchOmp.withNonzeros(1).encode(d, x));
    assertTrue(e.getMessage().contains("dictionary atoms have 2 entries (2x2) but signals have 3 (1x3)"),
        e.getMessage());
  }

  static double exactSquaredResidual(SparseCode code, int r, float[] x, float[] d, int dim) {
    double e = 0;
    for (int p = 0; p < dim; p++) {
      double v = x[r * dim + p];
      for (int s = 0; s < code.count(r); s++) {
        v -= (double) code.value(r, s) * d[code.index(r, s) * dim + p];
      }
      e += v * v;
    }
    return e;
  }

  private static int[] toInts(JsonArray a) {
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsInt();
    }
    return out;
  }

  private static double[] toDoubles(JsonArray a) {
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsDouble();
    }
    return out;
  }
}
