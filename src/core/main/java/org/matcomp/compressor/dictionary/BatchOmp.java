package org.matcomp.compressor.dictionary;

import static com.google.common.base.Preconditions.checkArgument;

import org.matcomp.linalg.FloatMatrix;

/**
 * Batch orthogonal matching pursuit (Rubinstein, Zibulevsky &amp; Elad 2008): codes many signals against one
 * dictionary by precomputing G = D·Dᵀ once, so each signal costs its correlations D·x and a Cholesky factor grown
 * by one row per chosen atom, instead of a least-squares solve over the signal space per step.
 *
 * <p>Conventions are scikit-learn's: signals are the rows of X (n × d), atoms the rows of D (K × d), and the
 * supports and coefficients equal those of {@code orthogonal_mp_gram(D·Dᵀ, D·Xᵀ, n_nonzero_coefs=k, tol=ε)} (see
 * {@link OmpKernel} for the tie rule), except that here k and ε may be combined: coding stops at whichever comes
 * first. Rows are coded on all cores, each thread with its own work arrays.
 */
public final class BatchOmp {
  private static final int BLOCK = 256;
  /** Rows coded on one thread before the others join, while the JIT compiles the kernel (see {@link Workers}). */
  static final int SERIAL_PREFIX = 1024;

  private final int nonzeros;
  private final double tolerance;

  private BatchOmp(int nonzeros, double tolerance) {
    this.nonzeros = nonzeros;
    this.tolerance = tolerance;
  }

  /** Exactly {@code k} atoms per signal, fewer only if a signal is represented exactly (or atoms are dependent). */
  public static BatchOmp withNonzeros(int k) {
    checkArgument(k > 0, "nonzeros k=%s must be positive", k);
    return new BatchOmp(k, -1);
  }

  /**
   * Adds a residual tolerance: a signal stops as soon as ‖x − zD‖² ≤ {@code squaredResidual} (scikit-learn's
   * {@code tol}, a squared norm), or at k atoms, whichever comes first.
   */
  public BatchOmp withSquaredResidualTolerance(double squaredResidual) {
    checkArgument(squaredResidual >= 0 && Double.isFinite(squaredResidual),
        "residual tolerance %s must be a finite squared norm >= 0", squaredResidual);
    return new BatchOmp(nonzeros, squaredResidual);
  }

  public int nonzeros() {
    return nonzeros;
  }

  /** Codes the rows of {@code signals} against the rows of {@code dictionary}. */
  public SparseCode encode(FloatMatrix dictionary, FloatMatrix signals) {
    checkArgument(dictionary.cols() == signals.cols(),
        "dictionary atoms have %s entries (%sx%s) but signals have %s (%sx%s)", dictionary.cols(),
        dictionary.rows(), dictionary.cols(), signals.cols(), signals.rows(), signals.cols());
    return encode("dictionary", dictionary.copyData(), dictionary.rows(), "signals", signals.copyData(),
        signals.rows(), signals.cols());
  }

  /**
   * Codes {@code n} signals (n × dim, row-major) against {@code atoms} atoms (atoms × dim, row-major). The names
   * appear in every error message.
   *
   * @throws IllegalArgumentException for k above the number of atoms, a zero-norm atom, non-finite entries or
   *     inconsistent shapes
   */
  public SparseCode encode(String dictionaryName, float[] dictionary, int atoms, String signalsName,
      float[] signals, int n, int dim) {
    return encode(dictionaryName, dictionary, atoms, signalsName, signals, n, dim, new double[n]);
  }

  /** As the public {@link #encode}, also writing each signal's ‖x‖² to {@code squaredNorms} (length n). */
  SparseCode encode(String dictionaryName, float[] dictionary, int atoms, String signalsName, float[] signals, int n,
      int dim, double[] squaredNorms) {
    DictionaryChecks.requireDictionary(dictionaryName, dictionary, atoms, dim);
    DictionaryChecks.requireShape(signalsName, signals, n, dim);
    checkArgument(nonzeros <= atoms, "nonzeros k=%s exceeds the %s atoms of %s (%sx%s)", nonzeros, atoms,
        dictionaryName, atoms, dim);
    SparseCode code = NativeKernels.load()
        ? encodeNative(dictionary, atoms, dim, signals, n, squaredNorms)
        : encodeValidated(GramDictionary.of(dictionary, atoms, dim), signals, n, squaredNorms);
    // The signals' finiteness rides on the coder's pass: a row norm is finite exactly when its entries are (a
    // float squared cannot overflow a double). Only on failure is the matrix scanned, to name the first culprit.
    // One sum, not a test per row: a sum of non-negative finite terms stays finite. In a single cold call this
    // loop runs in the interpreter, where a call per row cost about 1 ms per 10 000 rows (measured) and a sum a
    // quarter of that.
    double total = 0;
    for (double v : squaredNorms) {
      total += v;
    }
    if (!Double.isFinite(total)) {
      DictionaryChecks.requireFinite(signalsName, signals, n, dim);
    }
    return code;
  }

  /** The same coding on the native kernels (see {@link NativeKernels}): identical results, no JIT warm-up. */
  private SparseCode encodeNative(float[] dictionary, int atoms, int dim, float[] signals, int n,
      double[] squaredNorms) {
    int k = nonzeros;
    int[] indices = new int[n * k];
    float[] values = new float[n * k];
    int[] counts = new int[n];
    double[] residuals = new double[n];
    NativeKernels.encode(dictionary, atoms, dim, signals, n, k, tolerance, indices, values, counts, residuals,
        squaredNorms);
    return new SparseCode(n, k, indices, values, counts, residuals);
  }

  /** Coding on the Java kernels without the input checks, writing each ‖x‖² to {@code squaredNorms}. */
  SparseCode encodeValidated(GramDictionary g, float[] signals, int n, double[] squaredNorms) {
    int k = nonzeros;
    int dim = g.dim;
    int[] indices = new int[n * k];
    float[] values = new float[n * k];
    int[] counts = new int[n];
    double[] residuals = new double[n];
    Workers.forRanges(n, BLOCK, SERIAL_PREFIX, () -> new OmpKernel(g, k, tolerance), (kernel, from, to) -> {
      for (int r = from; r < to; r++) {
        kernel.code(signals, r * dim);
        int c = kernel.count;
        for (int s = 0; s < c; s++) {
          indices[r * k + s] = kernel.selected[s];
          values[r * k + s] = (float) kernel.coefficients[s];
        }
        counts[r] = c;
        residuals[r] = kernel.residual;
        squaredNorms[r] = kernel.squaredNorm;
      }
    });
    return new SparseCode(n, k, indices, values, counts, residuals);
  }

  @Override
  public String toString() {
    return "BatchOmp[k=" + nonzeros + (tolerance >= 0 ? ", tol=" + tolerance : "") + "]";
  }
}
