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
 * (ZᵀZ and ZᵀX, one pass) and one K×K Cholesky solve, independent of n — so it costs a few milliseconds for
 * K = 256 on any table height and needs no residual matrix, which is what lets a 1 000 000-row table learn within a
 * small heap. The per-iteration gain K-SVD has from updating coefficients jointly with atoms is recovered by
 * refitting each row's coefficients on its support after the update (a k×k solve per row, which also only lowers
 * the objective).
 *
 * <p>Each iteration runs: (1) Batch-OMP on a rotating quarter of the rows (see {@link #CODING_STRIDE}), keeping a
 * new code only where it beats the row's current one (OMP is greedy and could be worse); (2) the normal equations
 * of the code ({@link NormalEquations#ofCode}) and the MOD update with atom renormalisation (the scale moves into Z)
 * and replacement of unused atoms by the normalised residuals of the worst rows; (3) the coefficient refit of every
 * row. Each of the three can only lower ‖X − Z·D‖² in exact arithmetic; if round-off or a singular system would
 * make an update raise it, the update is undone, so the recorded objective is monotone. After the last iteration
 * every row gets a fresh OMP code under the final dictionary (kept only where better), as scikit-learn's
 * {@code transform} does.
 *
 * <p>Every sum has a fixed order (rows in order, the normal equations in fixed row ranges), so the result does not
 * depend on the number of threads, and {@link NativeKernels} computes the same result bit for bit.
 *
 * <p>Coefficients stay in double while learning (so that ZᵀZ and ZᵀX are sums of exactly the stored values) and are
 * rounded to float at the end. Beyond X the learner holds O(n·k) code and O(K² + K·d) normal equations, so a
 * 1 000 000-row table still learns within a small heap.
 */
public final class DictionaryLearner {
  /**
   * Each iteration re-codes every CODING_STRIDE-th row (a rotating subset, the first iteration included) instead of
   * all rows. Coding dominates an iteration's cost while the MOD update and the refit (which see every row) carry
   * most of the progress. On the 10 000 × 64 workload (256 atoms, k = 8, 10 iterations, seeding from
   * 8 candidates per atom) the final relative error was 0.1591 coding all rows in the first iteration and 0.1589
   * coding a quarter there too (35 000 row codings in all instead of 42 500); a stride of 8 reached 0.1630, too
   * close to scikit-learn's 0.1632.
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
    return learn(name, signals, n, dim, NativeKernels.load());
  }

  /** As {@link #learn(String, float[], int, int)} on the chosen kernels (tests compare the two). */
  DictionaryLearningResult learn(String name, float[] signals, int n, int dim, boolean nativeKernels) {
    DictionaryChecks.requireShape(name, signals, n, dim);
    checkArgument(atoms <= n, "%s (%sx%s): %s atoms exceed its %s rows; a dictionary larger than the table it codes "
        + "stores more than the table", name, n, dim, atoms, n);
    if (nativeKernels) {
      return learnNative(name, signals, n, dim);
    }
    int k = nonzeros;
    int[] indices = new int[n * k];
    // Coefficients in double while learning, so that rescaling them after each MOD step keeps A = ZᵀZ and B = ZᵀX
    // exact; rounded to float once, at the end.
    double[] values = new double[n * k];
    int[] counts = new int[n];
    double[] errors = new double[n];
    double[] norms = new double[n];
    double[] row = new double[dim];
    double total = 0;
    for (int r = 0; r < n; r++) {
      norms[r] = Kernels.widen(signals, r * dim, row, dim);
      errors[r] = norms[r];
      total += errors[r];
    }
    if (!Double.isFinite(total)) {
      // Some entry is NaN or infinite (finite floats squared and summed in double cannot overflow): name it.
      DictionaryChecks.requireFinite(name, signals, n, dim);
    }
    double initial = total;
    float[][] dictionary = AtomSeeding.seed(signals, n, dim, atoms, seed, false);
    GramDictionary gram = GramDictionary.of(flatten(dictionary, dim), atoms, dim);
    double[] history = new double[iterations];
    int reverted = 0;
    int replaced = 0;
    for (int t = 0; t < iterations; t++) {
      double coded = codeSubset(gram, signals, n, indices, values, counts, errors, CODING_STRIDE, t % CODING_STRIDE);
      int[] savedIndices = indices.clone();
      double[] savedValues = values.clone();
      int[] savedCounts = counts.clone();
      double[] savedErrors = errors.clone();
      NormalEquations normal = NormalEquations.ofCode(signals, n, dim, atoms, k, indices, values, counts);
      ModUpdate.Outcome update = ModUpdate.fromNormalEquations(normal.a, normal.b, normal.uses, signals, n, dim,
          atoms, k, indices, values, counts, errors);
      if (update != null) {
        GramDictionary next = GramDictionary.of(flatten(update.dictionary(), dim), atoms, dim);
        double objective = refit(next, signals, norms, n, indices, values, counts, errors);
        if (objective <= coded) {
          dictionary = update.dictionary();
          gram = next;
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
      history[t] = coded;
      history = Arrays.copyOf(history, t + 1);
      break;
    }
    float[] stored = new float[n * k];
    double objective = finalCoding(gram, signals, n, indices, values, counts, errors, stored);
    history[history.length - 1] = objective;
    float[] flat = flatten(dictionary, dim);
    SparseCode code = new SparseCode(n, k, indices, stored, counts, errors);
    double relError = initial == 0 ? (objective == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.sqrt(objective / initial);
    return new DictionaryLearningResult(atoms, dim, flat, code, initial, history, reverted, replaced, relError);
  }

  /**
   * The same learning on the native kernels ({@link NativeKernels}): seeded here, then every iteration and the final
   * coding in one call, with no JIT warm-up.
   */
  private DictionaryLearningResult learnNative(String name, float[] signals, int n, int dim) {
    int k = nonzeros;
    float[] dictionary = flatten(AtomSeeding.seed(signals, n, dim, atoms, seed, true), dim);
    int[] indices = new int[n * k];
    float[] values = new float[n * k];
    int[] counts = new int[n];
    double[] errors = new double[n];
    NativeKernels.Learning l = NativeKernels.learn(signals, n, dim, atoms, k, iterations, CODING_STRIDE, dictionary,
        indices, values, counts, errors);
    if (l == null) {
      DictionaryChecks.requireFinite(name, signals, n, dim);
      throw new IllegalStateException(name + ": the native learner found a non-finite row the check did not");
    }
    double[] history = l.history();
    double objective = history[history.length - 1];
    double initial = l.initialObjective();
    SparseCode code = new SparseCode(n, k, indices, values, counts, errors);
    double relError = initial == 0 ? (objective == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.sqrt(objective / initial);
    return new DictionaryLearningResult(atoms, dim, dictionary, code, initial, history, l.reverted(), l.replaced(),
        relError);
  }

  /**
   * Batch-OMP on the rows r ≡ phase (mod stride), adopting a new code where its residual is below the row's
   * current one (exact: refitted under this dictionary). Returns ‖X − Z·D‖².
   */
  private double codeSubset(GramDictionary gram, float[] x, int n, int[] indices, double[] values, int[] counts,
      double[] errors, int stride, int phase) {
    int k = nonzeros;
    int dim = gram.dim;
    Workers.forRanges(n, 256, () -> new OmpKernel(gram, k, -1), (kernel, from, to) -> {
      for (int r = from + Math.floorMod(phase - from, stride); r < to; r += stride) {
        kernel.code(x, r * dim);
        if (kernel.residual < errors[r]) {
          store(kernel, r, indices, values, counts, errors);
        }
      }
    });
    return sum(errors);
  }

  /** Least-squares coefficients of every row on its current support under a new dictionary, exact residuals. */
  private double refit(GramDictionary gram, float[] x, double[] norms, int n, int[] indices, double[] values,
      int[] counts, double[] errors) {
    int k = nonzeros;
    int dim = gram.dim;
    Workers.forRanges(n, 512, () -> new Workspace(gram, k), (w, from, to) -> {
      for (int r = from; r < to; r++) {
        Kernels.widen(x, r * dim, w.row, dim);
        w.kernel.refit(w.row, norms[r], indices, r * k, counts[r]);
        store(w.kernel, r, indices, values, counts, errors);
      }
    });
    return sum(errors);
  }

  /**
   * One thread's tools for a refit: a coder and the current row in double (the refit's inner products then run on
   * whole double rows, which the JIT vectorises; a float row at an offset, converted per element, it does not).
   */
  private static final class Workspace {
    final OmpKernel kernel;
    final double[] row;

    Workspace(GramDictionary gram, int k) {
      this.kernel = new OmpKernel(gram, k, -1);
      this.row = new double[gram.dim];
    }
  }

  /**
   * The final code: a fresh Batch-OMP choice for every row under the final dictionary (as scikit-learn's
   * {@code transform} makes), keeping the row's learned code where that is better (its residual is exact: the last
   * refit was under this dictionary); values rounded to float into {@code stored}. Returns ‖X − Z·D‖².
   */
  private double finalCoding(GramDictionary gram, float[] x, int n, int[] indices, double[] values, int[] counts,
      double[] errors, float[] stored) {
    int k = nonzeros;
    int dim = gram.dim;
    Workers.forRanges(n, 256, BatchOmp.SERIAL_PREFIX, () -> new OmpKernel(gram, k, -1), (kernel, from, to) -> {
      for (int r = from; r < to; r++) {
        kernel.code(x, r * dim);
        if (kernel.residual < errors[r]) {
          store(kernel, r, indices, values, counts, errors);
        }
        for (int s = 0; s < k; s++) {
          stored[r * k + s] = (float) values[r * k + s];
        }
      }
    });
    return sum(errors);
  }

  private void store(OmpKernel kernel, int r, int[] indices, double[] values, int[] counts, double[] errors) {
    int k = nonzeros;
    int c = kernel.count;
    for (int s = 0; s < c; s++) {
      indices[r * k + s] = kernel.selected[s];
      values[r * k + s] = kernel.coefficients[s];
    }
    for (int s = c; s < k; s++) {
      indices[r * k + s] = 0;
      values[r * k + s] = 0;
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
