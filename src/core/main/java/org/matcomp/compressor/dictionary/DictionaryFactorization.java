package org.matcomp.compressor.dictionary;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.FactorType;
import org.matcomp.compressor.BaseFactorization;
import org.matcomp.linalg.FloatMatrix;

/**
 * A matrix A (rows × cols) as a k-sparse code Z (rows × atoms, stored as k index/value slots per row) times a
 * dictionary D (atoms × cols): A ≈ Z·D. Factors, in order: {@code code_indices} (rows × k, fixed; ⌈log2 atoms⌉
 * bits rounded to 1, 2, 4 or 8 up to 256 atoms, else INT32),
 * {@code code_values} (rows × k, FLOAT32, trainable), {@code dictionary} (atoms × cols, FLOAT32, trainable). Rows
 * coded with fewer than k atoms carry (index 0, value 0) in their unused slots, so every reader may sum all k slots.
 *
 * <p>Reads never densify Z: a row of Z·D costs k·cols, {@link #lookup} gathers only the requested rows (the
 * embedding-lookup path), and {@link #applyTo} forms x·Z sparsely (b·rows·k) before one small dense product with
 * D.
 */
public final class DictionaryFactorization extends BaseFactorization {
  private final int atoms;
  private final int width;
  private final int[] indices;
  private final float[] values;
  private final float[] dictionary;
  private final float[][] atomRows;
  private final Map<String, Double> diagnostics;

  DictionaryFactorization(int rows, int cols, int atoms, int width, int[] indices, float[] values,
      float[] dictionary, Map<String, Double> diagnostics) {
    super(DictionaryMethod.INSTANCE, rows, cols);
    this.atoms = atoms;
    this.width = width;
    this.indices = indices;
    this.values = values;
    this.dictionary = dictionary;
    this.atomRows = Kernels.rows(dictionary, atoms, cols);
    this.diagnostics = Map.copyOf(diagnostics);
  }

  /** The factor layout for a rows × cols matrix with the given sizes. */
  static List<FactorSpec> layout(int rows, int cols, int atoms, int nonzeros) {
    return List.of(
        new FactorSpec("code_indices", FactorType.indexFor(atoms), new int[] {rows, nonzeros}, false),
        FactorSpec.trainableFloat("code_values", rows, nonzeros),
        FactorSpec.trainableFloat("dictionary", atoms, cols));
  }

  /**
   * Rebuilds a factorization from its three factors (e.g. read back from files), checking that they fit together.
   */
  public static DictionaryFactorization of(int[] codeIndices, float[] codeValues, int rows, int nonzeros,
      float[] dictionary, int atoms, int cols) {
    checkArgument(rows > 0 && nonzeros > 0 && atoms > 0 && cols > 0,
        "sizes must be positive: rows=%s nonzeros=%s atoms=%s cols=%s", rows, nonzeros, atoms, cols);
    SparseCode code = SparseCode.of(rows, nonzeros, atoms, codeIndices, codeValues);
    DictionaryChecks.requireMatrix("dictionary", dictionary, atoms, cols);
    return new DictionaryFactorization(rows, cols, atoms, nonzeros, code.indices(), code.values(),
        dictionary.clone(), Map.of());
  }

  public int atoms() {
    return atoms;
  }

  /** k, the code slots per row. */
  public int nonzeros() {
    return width;
  }

  @Override
  public List<Factor> factors() {
    List<FactorSpec> specs = layout(rows(), cols(), atoms, width);
    return List.of(Factor.ofInts(specs.get(0), indices), Factor.ofFloats(specs.get(1), values),
        Factor.ofFloats(specs.get(2), dictionary));
  }

  /** Z·D, each row accumulated in float over its slots in order. */
  @Override
  public FloatMatrix product() {
    float[] out = new float[rows() * cols()];
    Workers.forRanges(rows(), 1024, () -> new float[cols()], (row, from, to) -> {
      for (int r = from; r < to; r++) {
        rowInto(r, row);
        System.arraycopy(row, 0, out, r * cols(), cols());
      }
    });
    return FloatMatrix.adopt(rows(), cols(), out);
  }

  /**
   * Rows {@code ids} of Z·D (ids.length × cols), each computed from its k slots: the cost of an embedding lookup
   * is k·cols per id whatever the table's height.
   */
  public FloatMatrix lookup(int[] ids) {
    float[] out = new float[ids.length * cols()];
    float[] row = new float[cols()];
    for (int i = 0; i < ids.length; i++) {
      int id = ids[i];
      checkArgument(id >= 0 && id < rows(), "lookup id %s at position %s is outside the table's rows [0, %s)", id, i,
          rows());
      rowInto(id, row);
      System.arraycopy(row, 0, out, i * cols(), cols());
    }
    return FloatMatrix.adopt(ids.length, cols(), out);
  }

  /** x·(Z·D) as (x·Z)·D: the sparse product x·Z (b × atoms) costs b·rows·k, then one b × atoms × cols product. */
  @Override
  public FloatMatrix applyTo(FloatMatrix x) {
    checkArgument(x.cols() == rows(), "input has %s columns, the matrix %s rows", x.cols(), rows());
    int b = x.rows();
    float[] xs = x.copyData();
    float[] xz = new float[b * atoms];
    for (int i = 0; i < b; i++) {
      int xo = i * rows();
      int zo = i * atoms;
      for (int r = 0; r < rows(); r++) {
        float xr = xs[xo + r];
        if (xr != 0f) {
          int base = r * width;
          for (int s = 0; s < width; s++) {
            xz[zo + indices[base + s]] += xr * values[base + s];
          }
        }
      }
    }
    return FloatMatrix.adopt(b, atoms, xz).times(FloatMatrix.adopt(atoms, cols(), dictionary.clone()));
  }

  /** The code as a value (indices, values, per-row counts). */
  public SparseCode code() {
    int[] counts = new int[rows()];
    for (int r = 0; r < rows(); r++) {
      int c = 0;
      for (int s = 0; s < width; s++) {
        if (values[r * width + s] != 0f) {
          c = s + 1;
        }
      }
      counts[r] = c;
    }
    double[] unknown = new double[rows()];
    Arrays.fill(unknown, Double.NaN);
    return new SparseCode(rows(), width, indices.clone(), values.clone(), counts, unknown);
  }

  /** atoms × cols, row-major. */
  public FloatMatrix dictionary() {
    return FloatMatrix.of(atoms, cols(), dictionary);
  }

  /** Learning figures for reports: objective, iterations, reverted steps, replaced atoms, learning rel. error. */
  @Override
  public Map<String, Double> diagnostics() {
    return diagnostics;
  }

  private void rowInto(int r, float[] row) {
    Arrays.fill(row, 0f);
    int base = r * width;
    for (int s = 0; s < width; s++) {
      float v = values[base + s];
      if (v != 0f) {
        Kernels.axpy(v, atomRows[indices[base + s]], row, cols());
      }
    }
  }

  static Map<String, Double> diagnosticsOf(DictionaryLearningResult result) {
    Map<String, Double> d = new LinkedHashMap<>();
    d.put("atoms", (double) result.atoms());
    d.put("nonzeros", (double) result.code().width());
    d.put("iterations", (double) result.iterations());
    double[] obj = result.objectives();
    d.put("objective", obj.length == 0 ? result.initialObjective() : obj[obj.length - 1]);
    d.put("reverted_steps", (double) result.revertedSteps());
    d.put("replaced_atoms", (double) result.replacedAtoms());
    return d;
  }

  @Override
  public String toString() {
    return "DictionaryFactorization[" + rows() + "x" + cols() + " = code(k=" + width + ") x dictionary(" + atoms + "x"
        + cols() + ")]";
  }
}
