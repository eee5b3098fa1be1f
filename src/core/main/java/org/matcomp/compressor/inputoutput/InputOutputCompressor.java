package org.matcomp.compressor.inputoutput;

import static com.google.common.base.Preconditions.checkArgument;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.CompressedSize;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.StructuredCompressor;
import org.matcomp.compressor.XavierUniform;
import org.matcomp.linalg.TopEigenvectors;
import org.matcomp.compressor.Method;

/**
 * Input/output compression, graph_compression's option 9: x·A becomes ((x in blocks)·B)·C, then (blocks)·D — see
 * {@link InputOutputFactorization} — with one B shared by every input block and one D by every output block.
 *
 * <p>Hparams, with the defaults of the reference's {@code InputOutputCompressionOp}: {@code compress_input=True},
 * {@code input_block_size=32}, {@code input_compression_factor=1}, {@code compress_output=False},
 * {@code output_block_size=1}, {@code output_compression_factor=1}. Shapes: B [b_in, b_in/f_in],
 * C [m/f_in, n/f_out], D [b_out/f_out, b_out]. Note that the defaults (f_in = 1) store more than A.
 *
 * <p>Fixes to the reference: it shapes C by {@code input_compression_factor} even when {@code compress_input} is off
 * (and likewise for the output), which breaks its own matmul, so here a factor other than 1 on a side that is off is
 * an error; and it floors every division, so here the block size must divide the dimension and the factor the block
 * size, with errors naming the matrix.
 *
 * <p>{@link #initialFactors} draws Xavier-uniform factors as the reference (2022): limit sqrt(3 / max(1, fan)) with
 * fan = (rows + cols)/2 for B and D, and (rows + cols)/(2·f_in) for C.
 *
 * <p>{@link #compress} fits A in the least-squares sense. Any full-rank B (and D) can be made orthonormal by moving
 * an invertible factor into C, so the best fit is W = P·PᵀAQᵀ·Q with P = I ⊗ B, Q = I ⊗ D orthonormal, and
 * ‖A − W‖² = ‖A‖² − ‖PᵀAQᵀ‖². With one side compressed this has a closed form: B = the leading b_in/f_in
 * eigenvectors of Σₖ AₖAₖᵀ over A's row blocks Aₖ (a PCA shared by all blocks), the exact optimum; D likewise
 * from A's column blocks. With both sides it is a Tucker-2 problem on A seen as a [m/b_in, b_in, n/b_out, b_out]
 * tensor, solved by higher-order orthogonal iteration from the one-sided (HOSVD) start: each half-step is the exact
 * optimum for one side given the other, so the error never increases; it stops at a stationary point (a local
 * optimum in general; the iteration count is reported as {@code fit_iterations}). B and D come out orthonormal and
 * C carries the scale.
 */
public final class InputOutputCompressor implements StructuredCompressor {
  private static final System.Logger LOG = System.getLogger(InputOutputCompressor.class.getName());
  static final int MAX_ITERATIONS = 50;
  static final double TOLERANCE = 1e-10;

  private final boolean compressInput;
  private final int inputBlockSize;
  private final int inputFactor;
  private final boolean compressOutput;
  private final int outputBlockSize;
  private final int outputFactor;

  private InputOutputCompressor(boolean compressInput, int inputBlockSize, int inputFactor, boolean compressOutput,
      int outputBlockSize, int outputFactor, String where) {
    checkArgument(inputBlockSize > 0, "%s: input_block_size=%s must be positive", where, inputBlockSize);
    checkArgument(inputFactor > 0, "%s: input_compression_factor=%s must be positive", where, inputFactor);
    checkArgument(outputBlockSize > 0, "%s: output_block_size=%s must be positive", where, outputBlockSize);
    checkArgument(outputFactor > 0, "%s: output_compression_factor=%s must be positive", where, outputFactor);
    if (compressInput) {
      checkArgument(inputBlockSize % inputFactor == 0,
          "%s: input_compression_factor=%s must divide input_block_size=%s", where, inputFactor, inputBlockSize);
    } else {
      checkArgument(inputFactor == 1, "%s: input_compression_factor=%s needs compress_input=True (the input side is "
          + "off, so nothing would shrink it)", where, inputFactor);
    }
    if (compressOutput) {
      checkArgument(outputBlockSize % outputFactor == 0,
          "%s: output_compression_factor=%s must divide output_block_size=%s", where, outputFactor, outputBlockSize);
    } else {
      checkArgument(outputFactor == 1, "%s: output_compression_factor=%s needs compress_output=True (the output side "
          + "is off, so nothing would shrink it)", where, outputFactor);
    }
    this.compressInput = compressInput;
    this.inputBlockSize = inputBlockSize;
    this.inputFactor = inputFactor;
    this.compressOutput = compressOutput;
    this.outputBlockSize = outputBlockSize;
    this.outputFactor = outputFactor;
  }

  /** Input compression only: blocks of {@code blockSize} inputs, each projected to blockSize/factor. */
  public static InputOutputCompressor input(int blockSize, int factor) {
    return new InputOutputCompressor(true, blockSize, factor, false, 1, 1, "input/output compressor");
  }

  /** Output compression only: n/factor values expanded in blocks to {@code blockSize} outputs each. */
  public static InputOutputCompressor output(int blockSize, int factor) {
    return new InputOutputCompressor(false, 1, 1, true, blockSize, factor, "input/output compressor");
  }

  /** Both sides compressed. */
  public static InputOutputCompressor both(int inputBlockSize, int inputFactor, int outputBlockSize,
      int outputFactor) {
    return new InputOutputCompressor(true, inputBlockSize, inputFactor, true, outputBlockSize, outputFactor,
        "input/output compressor");
  }

  /** The six settings of {@link InputOutputParameters}. */
  public static InputOutputCompressor of(InputOutputParameters p) {
    return of(p, "input/output compressor");
  }

  /** As {@link #of(InputOutputParameters)}; {@code where} names the settings' source in messages. */
  static InputOutputCompressor of(InputOutputParameters p, String where) {
    return new InputOutputCompressor(p.compressInput(), p.inputBlockSize(), p.inputFactor(), p.compressOutput(),
        p.outputBlockSize(), p.outputFactor(), where);
  }

  @Override
  public Method method() {
    return InputOutputMethod.INSTANCE;
  }

  @Override
  public List<FactorSpec> layout(String name, int rows, int cols) {
    checkArgument(rows > 0 && cols > 0, "%s has an empty shape %sx%s", name, rows, cols);
    List<FactorSpec> specs = new ArrayList<>(3);
    if (compressInput) {
      checkArgument(rows % inputBlockSize == 0, "%s (%sx%s): input_block_size=%s must divide its %s rows", name,
          rows, cols, inputBlockSize, rows);
      specs.add(FactorSpec.trainableFloat(InputOutputFactorization.INPUT, inputBlockSize,
          inputBlockSize / inputFactor));
    }
    specs.add(FactorSpec.trainableFloat(InputOutputFactorization.CORE, rows / inputFactor, cols / outputFactor));
    if (compressOutput) {
      checkArgument(cols % outputBlockSize == 0, "%s (%sx%s): output_block_size=%s must divide its %s columns", name,
          rows, cols, outputBlockSize, cols);
      specs.add(FactorSpec.trainableFloat(InputOutputFactorization.OUTPUT, outputBlockSize / outputFactor,
          outputBlockSize));
    }
    CompressedSize size = CompressedSize.of(rows, cols, specs);
    if (size.savesNothing()) {
      LOG.log(Level.WARNING, "{0}: input/output compression of a {1}x{2} matrix stores {3} parameters, no fewer than "
          + "the {4} of A (raise input_compression_factor / output_compression_factor)", name, rows, cols,
          size.compressedParams(), size.denseParams());
    }
    return List.copyOf(specs);
  }

  @Override
  public InputOutputFactorization initialFactors(String name, int rows, int cols, long seed) {
    List<FactorSpec> specs = layout(name, rows, cols);
    Random rnd = new Random(seed);
    Factor b = null;
    Factor d = null;
    Factor c = null;
    for (FactorSpec s : specs) {
      int[] shape = s.shape();
      int count = Math.toIntExact(s.entries());
      switch (s.name()) {
        case InputOutputFactorization.INPUT -> b = Factor.ofFloats(s,
            XavierUniform.draw(rnd, count, (shape[0] + shape[1]) / 2.0));
        case InputOutputFactorization.CORE -> c = Factor.ofFloats(s,
            XavierUniform.draw(rnd, count, (shape[0] + shape[1]) / (2.0 * inputFactor)));
        default -> d = Factor.ofFloats(s, XavierUniform.draw(rnd, count, (shape[0] + shape[1]) / 2.0));
      }
    }
    return new InputOutputFactorization(b, c, d, rows, cols, Map.of());
  }

  @Override
  public InputOutputFactorization compress(String name, FloatMatrix a) {
    a.requireFinite(name);
    int m = a.rows();
    int n = a.cols();
    List<FactorSpec> specs = layout(name, m, n);
    float[] af = a.copyData();
    double[] av = new double[af.length];
    double total = 0;
    for (int i = 0; i < af.length; i++) {
      av[i] = af[i];
      total += av[i] * av[i];
    }
    double[] bOrth = null;
    double[] dOrth = null;
    int iterations = 0;
    if (compressInput && compressOutput) {
      dOrth = outputBasis(av, m, n, null).vectorsAsRows();
      Basis in = inputBasis(av, m, n, dOrth);
      bOrth = in.vectors;
      double captured = in.captured;
      while (++iterations < MAX_ITERATIONS) {
        dOrth = outputBasis(av, m, n, bOrth).vectorsAsRows();
        in = inputBasis(av, m, n, dOrth);
        bOrth = in.vectors;
        boolean converged = in.captured - captured <= TOLERANCE * total;
        captured = in.captured;
        if (converged) {
          break;
        }
      }
    } else if (compressInput) {
      bOrth = inputBasis(av, m, n, null).vectors;
    } else if (compressOutput) {
      dOrth = outputBasis(av, m, n, null).vectorsAsRows();
    }
    double[] core = project(av, m, n, bOrth, dOrth);
    Factor b = null;
    Factor d = null;
    Factor c = null;
    for (FactorSpec s : specs) {
      switch (s.name()) {
        case InputOutputFactorization.INPUT -> b = Factor.ofFloats(s, toFloats(bOrth));
        case InputOutputFactorization.CORE -> c = Factor.ofFloats(s, toFloats(core));
        default -> d = Factor.ofFloats(s, toFloats(dOrth));
      }
    }
    Map<String, Double> diagnostics = compressInput && compressOutput
        ? Map.of("fit_iterations", (double) iterations) : Map.of();
    return new InputOutputFactorization(b, c, d, m, n, diagnostics);
  }

  /** An orthonormal basis (n×k, by columns) and the energy ‖·‖² it captures. */
  private record Basis(double[] vectors, int n, int k, double captured) {
    /** The basis as rows (k×n), the layout of D. */
    double[] vectorsAsRows() {
      double[] t = new double[vectors.length];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < k; j++) {
          t[j * n + i] = vectors[i * k + j];
        }
      }
      return t;
    }
  }

  /**
   * The best B given D (rows orthonormal, or null for no output side): the leading eigenvectors of Σₖ MₖMₖᵀ, with
   * Mₖ the row blocks of M = A·Qᵀ.
   */
  private Basis inputBasis(double[] a, int m, int n, double[] dRows) {
    double[] mq = dRows == null ? a : timesQt(a, m, n, dRows);
    int width = dRows == null ? n : n / outputFactor;
    int bs = inputBlockSize;
    double[] gram = new double[bs * bs];
    for (int k = 0; k < m / bs; k++) {
      for (int p = 0; p < bs; p++) {
        int rp = (k * bs + p) * width;
        for (int q = p; q < bs; q++) {
          int rq = (k * bs + q) * width;
          double s = 0;
          for (int j = 0; j < width; j++) {
            s += mq[rp + j] * mq[rq + j];
          }
          gram[p * bs + q] += s;
        }
      }
    }
    symmetrize(gram, bs);
    TopEigenvectors top = TopEigenvectors.of(gram, bs, bs / inputFactor);
    return new Basis(top.vectors, bs, top.k, top.valueSum());
  }

  /**
   * The best D given B (columns orthonormal, or null for no input side): the leading eigenvectors of Σⱼ NⱼᵀNⱼ, with
   * Nⱼ the column blocks of N = Pᵀ·A.
   */
  private Basis outputBasis(double[] a, int m, int n, double[] bCols) {
    double[] pa = bCols == null ? a : ptTimes(a, m, n, bCols);
    int height = bCols == null ? m : m / inputFactor;
    int bs = outputBlockSize;
    double[] gram = new double[bs * bs];
    for (int r = 0; r < height; r++) {
      for (int j = 0; j < n / bs; j++) {
        int off = r * n + j * bs;
        for (int p = 0; p < bs; p++) {
          double vp = pa[off + p];
          if (vp == 0) {
            continue;
          }
          for (int q = p; q < bs; q++) {
            gram[p * bs + q] += vp * pa[off + q];
          }
        }
      }
    }
    symmetrize(gram, bs);
    TopEigenvectors top = TopEigenvectors.of(gram, bs, bs / outputFactor);
    return new Basis(top.vectors, bs, top.k, top.valueSum());
  }

  /** C = Pᵀ·A·Qᵀ, with either side the identity when its basis is null. */
  private double[] project(double[] a, int m, int n, double[] bCols, double[] dRows) {
    double[] pa = bCols == null ? a : ptTimes(a, m, n, bCols);
    int height = bCols == null ? m : m / inputFactor;
    return dRows == null ? pa.clone() : timesQt(pa, height, n, dRows);
  }

  /** Pᵀ·A for P = I ⊗ B: row block k of A (b_in rows) becomes Bᵀ·Aₖ (b_in/f_in rows). */
  private double[] ptTimes(double[] a, int m, int n, double[] bCols) {
    int bs = inputBlockSize;
    int pb = bs / inputFactor;
    double[] out = new double[(m / inputFactor) * n];
    for (int k = 0; k < m / bs; k++) {
      for (int p = 0; p < bs; p++) {
        int src = (k * bs + p) * n;
        for (int q = 0; q < pb; q++) {
          double w = bCols[p * pb + q];
          int dst = (k * pb + q) * n;
          for (int j = 0; j < n; j++) {
            out[dst + j] += w * a[src + j];
          }
        }
      }
    }
    return out;
  }

  /** A·Qᵀ for Q = I ⊗ D: column block j of A (b_out columns) becomes Aⱼ·Dᵀ (b_out/f_out columns). */
  private double[] timesQt(double[] a, int rows, int n, double[] dRows) {
    int bs = outputBlockSize;
    int qb = bs / outputFactor;
    int width = n / outputFactor;
    double[] out = new double[rows * width];
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < n / bs; j++) {
        int src = r * n + j * bs;
        int dst = r * width + j * qb;
        for (int q = 0; q < qb; q++) {
          double s = 0;
          for (int p = 0; p < bs; p++) {
            s += a[src + p] * dRows[q * bs + p];
          }
          out[dst + q] = s;
        }
      }
    }
    return out;
  }

  private static void symmetrize(double[] upper, int n) {
    for (int p = 0; p < n; p++) {
      for (int q = 0; q < p; q++) {
        upper[p * n + q] = upper[q * n + p];
      }
    }
  }

  private static float[] toFloats(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }

  @Override
  public String toString() {
    return "InputOutputCompressor[" + (compressInput ? "input " + inputBlockSize + "/" + inputFactor : "no input")
        + ", " + (compressOutput ? "output " + outputBlockSize + "/" + outputFactor : "no output") + "]";
  }
}
