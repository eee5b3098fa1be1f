package org.matcomp.compressor.dictionary;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;
import java.util.Map;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.MatrixCompressor;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.compressor.Method;

/**
 * Dictionary learning, graph_compression's option 3: the rows of A are signals, A ≈ Z·D with a k-sparse code Z and
 * a dictionary D of unit atoms, learned by {@link DictionaryLearner} (Batch-OMP + MOD). Suited to embedding
 * tables: a lookup gathers k code slots per id and mixes k dictionary rows.
 *
 * <p>Sizes follow the reference's {@code DLMatrixCompressor} when only {@code rank} is given: row_percentage =
 * col_percentage = 100/rank as a fraction (rank 200 → 0.5), atoms = int(row_percentage·rows + 1) and nonzeros =
 * int(col_percentage·cols + 1). Explicit sizes win: method parameters {@code dl_atoms}, {@code dl_nonzeros},
 * {@code dl_iterations} (or an absolute rank, read as the number of atoms), or the builder.
 *
 * <p>Deliberate differences from the reference: it runs 10 iterations by default, because the reference's
 * {@code n_iterations=1} skips OMP altogether and returns its 0/1 k-NN initial code with a renormalised dictionary
 * that was not fitted to it; and a spec whose atoms exceed the rows or whose nonzeros exceed the atoms is rejected
 * (the reference's default rank=7 gives both), since such a "compression" stores more than the matrix.
 */
public final class DictionaryCompressor implements MatrixCompressor {
  /** Iterations when none is given. */
  public static final int DEFAULT_ITERATIONS = 10;

  private final Integer atoms;
  private final Integer nonzeros;
  private final double rowFraction;
  private final double colFraction;
  private final int iterations;
  private final long seed;

  private DictionaryCompressor(Integer atoms, Integer nonzeros, double rowFraction, double colFraction,
      int iterations, long seed) {
    this.atoms = atoms;
    this.nonzeros = nonzeros;
    this.rowFraction = rowFraction;
    this.colFraction = colFraction;
    this.iterations = iterations;
    this.seed = seed;
  }

  /** Explicit sizes: K atoms, k nonzeros per row. */
  public static DictionaryCompressor withSizes(int atoms, int nonzeros, int iterations, long seed) {
    checkArgument(atoms > 0, "atoms=%s must be positive", atoms);
    checkArgument(nonzeros > 0, "nonzeros=%s must be positive", nonzeros);
    checkArgument(nonzeros <= atoms, "nonzeros k=%s exceeds atoms=%s", nonzeros, atoms);
    checkArgument(iterations > 0, "iterations=%s must be positive", iterations);
    return new DictionaryCompressor(atoms, nonzeros, Double.NaN, Double.NaN, iterations, seed);
  }

  /** See the class comment for how the spec's {@code rank} and method parameters map to sizes. */
  public static DictionaryCompressor of(DictionaryParameters p) {
    return new DictionaryCompressor(p.atoms().isPresent() ? p.atoms().getAsInt() : null,
        p.nonzeros().isPresent() ? p.nonzeros().getAsInt() : null, p.fraction(), p.fraction(), p.iterations(),
        p.seed());
  }

  @Override
  public Method method() {
    return DictionaryMethod.INSTANCE;
  }

  public int iterations() {
    return iterations;
  }

  /** The number of atoms for a matrix with {@code rows} rows. */
  public int atoms(int rows) {
    // The reference's float arithmetic: int(row_percentage * rows + 1) with row_percentage = 100 / rank.
    return atoms != null ? atoms : (int) (rowFraction * rows + 1);
  }

  /** The nonzeros per code row for a matrix with {@code cols} columns. */
  public int nonzeros(int cols) {
    return nonzeros != null ? nonzeros : (int) (colFraction * cols + 1);
  }

  @Override
  public List<FactorSpec> layout(String name, int rows, int cols) {
    checkArgument(rows > 0 && cols > 0, "%s has an empty shape %sx%s", name, rows, cols);
    int k = atoms(rows);
    int nz = nonzeros(cols);
    checkArgument(k <= rows, "%s (%sx%s): %s atoms exceed its %s rows; a dictionary larger than the matrix stores "
        + "more than the matrix (give fewer atoms, or a larger rank)", name, rows, cols, k, rows);
    checkArgument(nz <= k, "%s (%sx%s): nonzeros k=%s exceeds the %s atoms", name, rows, cols, nz, k);
    return DictionaryFactorization.layout(rows, cols, k, nz);
  }

  @Override
  public DictionaryFactorization compress(String name, FloatMatrix a) {
    List<FactorSpec> specs = layout(name, a.rows(), a.cols());
    int k = specs.get(2).shape()[0];
    int nz = specs.get(0).shape()[1];
    float[] x = a.copyData();
    DictionaryLearningResult result = DictionaryLearner.builder().atoms(k).nonzeros(nz).iterations(iterations)
        .seed(seed).build().learn(name, x, a.rows(), a.cols());
    return fromLearning(result);
  }

  static DictionaryFactorization fromLearning(DictionaryLearningResult result) {
    SparseCode code = result.code();
    Map<String, Double> diagnostics = DictionaryFactorization.diagnosticsOf(result);
    return new DictionaryFactorization(code.rows(), result.dim(), result.atoms(), code.width(),
        code.indicesShared(), code.valuesShared(), result.dictionary(), diagnostics);
  }

  @Override
  public String toString() {
    return "DictionaryCompressor[" + (atoms != null ? "atoms=" + atoms : "row_fraction=" + rowFraction) + ", "
        + (nonzeros != null ? "nonzeros=" + nonzeros : "col_fraction=" + colFraction) + ", iterations="
        + iterations + ", seed=" + seed + "]";
  }
}
