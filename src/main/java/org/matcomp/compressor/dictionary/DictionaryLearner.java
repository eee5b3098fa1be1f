package org.matcomp.compressor.dictionary;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.base.MoreObjects;
import java.util.Arrays;
import org.matcomp.linalg.FloatMatrix;

/**
 * Learns a dictionary D (K atoms as unit rows) and a k-sparse code Z with X ≈ Z·D, alternating Batch-OMP coding
 * and a MOD dictionary update, from k-means++ seeded atoms.
 *
 * <p>Why MOD rather than K-SVD. Approximate K-SVD (Rubinstein et al. 2008) refits one atom at a time, each update
 * depending on the previous one, so it is inherently sequential and needs the residual matrix (n × d floats) kept
 * in memory. MOD's update is the exact least-squares optimum over all atoms at once: two sums over the rows
 * (ZᵀZ and ZᵀX, parallel, allocation-free) and one K×K Cholesky solve, independent of n — so it costs a few
 * milliseconds for K = 256 on any table height and needs no residual matrix, which is what lets a 1 000 000-row
 * table learn within a small heap. The per-iteration gain K-SVD has from updating coefficients jointly with atoms
 * is recovered by refitting each row's coefficients on its support after the update (a k×k solve per row, which
 * also only lowers the objective).
 *
 * <p>Each iteration therefore runs: (1) Batch-OMP on every row (in inner iterations on a rotating quarter of the
 * rows, see {@link #CODING_STRIDE}), keeping the new code only where it is better than the row's current one (OMP
 * is greedy and could be worse); (2) the MOD update with atom renormalisation (the scale
 * moves into Z) and replacement of unused atoms by the normalised residuals of the worst rows; (3) the
 * coefficient refit. Each of the three can only lower ‖X − Z·D‖² in exact arithmetic; if round-off or a singular
 * system would make an update raise it, the update is undone, so the recorded objective is monotone.
 */
public final class DictionaryLearner {
  /**
   * Inner iterations re-code every CODING_STRIDE-th row (a rotating subset) instead of all rows. Coding is two
   * thirds of an iteration's cost while the MOD update and refit (which do see every row) carry most of the
   * progress: on the 10 000 × 64 workload (256 atoms, k = 8, 10 iterations) the relative error was
   * 0.1562 re-coding all rows every iteration and 0.1587 with a stride of 4, for 40% of the coding work.
   */
  static final int CODING_STRIDE = 4;

  private final int atoms;
  private final int nonzeros;
  private final int iterations;
  private final long seed;

  private DictionaryLearner(Builder b) {
    this.atoms = b.atoms;
    this.nonzeros = b.nonzeros;
    this.iterations = b.iterations;
    this.seed = b.seed;
  }

  public static Builder builder() {
    return new Builder();
  }

  public int atoms() {
    return atoms;
  }

  public int nonzeros() {
    return nonzeros;
  }

  public int iterations() {
    return iterations;
  }

  public long seed() {
    return seed;
  }

  /** Learns from the rows of {@code signals}, named "signals" in errors. */
  public DictionaryLearningResult learn(FloatMatrix signals) {
    return learn("signals", signals.copyData(), signals.rows(), signals.cols());
  }

  /**
   * Learns from {@code n} rows of length {@code dim} (row-major). {@code name} names the matrix in errors.
   *
   * @throws IllegalArgumentException if there are more atoms than rows, k exceeds the atoms, or an entry is not
   *     finite
   */
  public DictionaryLearningResult learn(String name, float[] signals, int n, int dim) {
    DictionaryChecks.requireMatrix(name, signals, n, dim);
    checkArgument(atoms <= n, "%s (%sx%s): %s atoms exceed its %s rows; a dictionary larger than the table it codes "
        + "stores more than the table", name, n, dim, atoms, n);
    int k = nonzeros;
    int[] indices = new int[n * k];
    float[] values = new float[n * k];
    int[] counts = new int[n];
    double[] errors = new double[n];
    double total = 0;
    for (int r = 0; r < n; r++) {
      errors[r] = Kernels.squaredNorm(signals, r * dim, dim);
      total += errors[r];
    }
    double initial = total;
    float[][] dictionary = AtomSeeding.seed(signals, n, dim, atoms, seed);
    GramDictionary gram = GramDictionary.of(flatten(dictionary, dim), atoms, dim);
    double[] history = new double[iterations];
    int reverted = 0;
    int replaced = 0;
    double objective = initial;
    for (int t = 0; t < iterations; t++) {
      // The first iteration codes every row (the code is empty), the last too (every final support is a fresh
      // OMP choice); in between, each iteration re-codes one of CODING_STRIDE interleaved row subsets.
      int stride = t == 0 || t == iterations - 1 ? 1 : CODING_STRIDE;
      objective = codeKeepingBetter(gram, signals, n, indices, values, counts, errors, stride, t % stride);
      int[] savedIndices = indices.clone();
      float[] savedValues = values.clone();
      int[] savedCounts = counts.clone();
      double[] savedErrors = errors.clone();
      ModUpdate.Outcome update = ModUpdate.update(signals, n, dim, atoms, k, indices, values, counts, errors);
      if (update != null) {
        GramDictionary next = GramDictionary.of(flatten(update.dictionary(), dim), atoms, dim);
        double refitted = refit(next, signals, n, indices, values, counts, errors);
        if (refitted <= objective) {
          dictionary = update.dictionary();
          gram = next;
          objective = refitted;
          replaced += update.replacedAtoms();
          history[t] = objective;
          continue;
        }
      }
      // Undo the update. Coding is deterministic, so repeating the iteration would only repeat this: stop.
      reverted++;
      System.arraycopy(savedIndices, 0, indices, 0, indices.length);
      System.arraycopy(savedValues, 0, values, 0, values.length);
      System.arraycopy(savedCounts, 0, counts, 0, counts.length);
      System.arraycopy(savedErrors, 0, errors, 0, errors.length);
      history[t] = objective;
      history = Arrays.copyOf(history, t + 1);
      break;
    }
    float[] flat = flatten(dictionary, dim);
    SparseCode code = new SparseCode(n, k, indices, values, counts, errors);
    return new DictionaryLearningResult(atoms, dim, flat, code, initial, history, reverted, replaced,
        code.relativeError(signals, flat, dim));
  }

  /** Batch-OMP on every row, adopting the new code where its residual is below the row's current one. */
  private double codeKeepingBetter(GramDictionary gram, float[] x, int n, int[] indices, float[] values,
      int[] counts, double[] errors, int stride, int phase) {
    int k = nonzeros;
    int dim = gram.dim;
    Workers.forRanges(n, 256, () -> new OmpKernel(gram, k, -1), (kernel, from, to) -> {
      for (int r = from; r < to; r++) {
        if (r % stride != phase) {
          continue;
        }
        kernel.code(x, r * dim);
        if (kernel.residual < errors[r]) {
          store(kernel, r, indices, values, counts, errors);
        }
      }
    });
    return sum(errors);
  }

  /** Least-squares coefficients of every row on its current support under a new dictionary. */
  private double refit(GramDictionary gram, float[] x, int n, int[] indices, float[] values, int[] counts,
      double[] errors) {
    int k = nonzeros;
    int dim = gram.dim;
    Workers.forRanges(n, 512, () -> new OmpKernel(gram, k, -1), (kernel, from, to) -> {
      for (int r = from; r < to; r++) {
        kernel.refit(x, r * dim, indices, r * k, counts[r]);
        store(kernel, r, indices, values, counts, errors);
      }
    });
    return sum(errors);
  }

  private void store(OmpKernel kernel, int r, int[] indices, float[] values, int[] counts, double[] errors) {
    int k = nonzeros;
    int c = kernel.count;
    for (int s = 0; s < c; s++) {
      indices[r * k + s] = kernel.selected[s];
      values[r * k + s] = (float) kernel.coefficients[s];
    }
    for (int s = c; s < k; s++) {
      indices[r * k + s] = 0;
      values[r * k + s] = 0f;
    }
    counts[r] = c;
    errors[r] = Math.max(0, kernel.residual);
  }

  private static double sum(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s;
  }

  static float[] flatten(float[][] rows, int dim) {
    float[] flat = new float[rows.length * dim];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * dim, dim);
    }
    return flat;
  }

  @Override
  public String toString() {
    return MoreObjects.toStringHelper(this)
        .add("atoms", atoms)
        .add("nonzeros", nonzeros)
        .add("iterations", iterations)
        .add("seed", seed)
        .toString();
  }

  /** Settings with checked ranges; defaults: 10 iterations, seed 0. */
  public static final class Builder {
    private int atoms = -1;
    private int nonzeros = -1;
    private int iterations = 10;
    private long seed = 0;

    private Builder() {}

    /** K, the number of atoms (rows of the dictionary). */
    public Builder atoms(int v) {
      atoms = v;
      return this;
    }

    /** k, the atoms per code row. */
    public Builder nonzeros(int v) {
      nonzeros = v;
      return this;
    }

    public Builder iterations(int v) {
      iterations = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public DictionaryLearner build() {
      checkArgument(atoms > 0, "atoms=%s must be positive", atoms);
      checkArgument(nonzeros > 0, "nonzeros=%s must be positive", nonzeros);
      checkArgument(nonzeros <= atoms, "nonzeros k=%s exceeds atoms=%s", nonzeros, atoms);
      checkArgument(iterations > 0, "iterations=%s must be positive", iterations);
      return new DictionaryLearner(this);
    }
  }
}
