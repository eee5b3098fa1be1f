package org.matcomp.compressor.mixedblock;

import static com.google.common.base.Preconditions.checkArgument;

import java.lang.System.Logger.Level;
import java.util.List;
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
 * Mixed block, graph_compression's option 12: k = {@code compression_factor} input blocks, each through its own
 * (m/k)×(n/k) block matrix, mixed into k output blocks by a learned k×k mixer (see
 * {@link MixedBlockFactorization}). mn/k + k²·K parameters for K = {@code num_bases}.
 *
 * <p>Choices where the reference disagrees with itself or says nothing:
 * <ul>
 *   <li>Input blocks are <b>contiguous</b> (block j = inputs j·m/k … (j+1)·m/k − 1) on every path. The reference's
 *       {@code get_apply_matmul} reshapes x to [batch, m/k, k], which makes the blocks <i>interleaved</i> (block j =
 *       inputs j, j+k, j+2k, …), while its {@code get_einsum_operator} splits contiguously and both concatenate the
 *       outputs contiguously; the two paths compute different functions from the same variables. Contiguous input
 *       blocks match the output side and the block-diagonal method.</li>
 *   <li>{@code num_bases} K &gt; 1 adds parameters and nothing else: the bases are only ever summed, so the layer
 *       computes the same functions as with K = 1 (a warning is logged). The [k, k, K] shape is kept so that sizes
 *       and checkpoints line up with the reference.</li>
 *   <li>The reference gives the mixer a uniform limit sqrt(3/k); for the block matrices it states no rule that
 *       survives in the copies read, so they get the Xavier limit of one block, sqrt(3 / max(1, (m/k + n/k)/2)),
 *       which with the mixer's variance 1/k keeps the output variance of a Xavier layer.</li>
 * </ul>
 *
 * <p>{@link #compress} is the exact Frobenius optimum: row block j of W is [mix[0,j]·Mⱼ … mix[k−1,j]·Mⱼ], which
 * involves only Mⱼ and column j of the mixer, so the fit separates over j into a nearest-Kronecker-product problem
 * (Van Loan &amp; Pitsianis): stacking A's blocks (j, i) as rows i of Rⱼ (k × mn/k²), Rⱼ ≈ mix[:, j]·vec(Mⱼ)ᵀ is a
 * rank-1 approximation, solved by Rⱼ's leading singular pair. The singular value is split evenly (√σ on each side)
 * and the mixer column is spread evenly over the K bases.
 */
public final class MixedBlockCompressor implements StructuredCompressor {
  private static final System.Logger LOG = System.getLogger(MixedBlockCompressor.class.getName());

  private final int blocks;
  private final int bases;

  private MixedBlockCompressor(int blocks, int bases) {
    this.blocks = blocks;
    this.bases = bases;
    if (bases > 1) {
      LOG.log(Level.WARNING, "num_bases={0} adds {1} parameters per matrix but no expressiveness: the mixer bases "
          + "are only summed", bases, (long) (bases - 1) * blocks * blocks);
    }
  }

  public static MixedBlockCompressor withBlocks(int blocks, int bases) {
    checkArgument(blocks > 0, "block count (compression_factor)=%s must be positive", blocks);
    checkArgument(bases > 0, "num_bases=%s must be positive", bases);
    return new MixedBlockCompressor(blocks, bases);
  }

  public static MixedBlockCompressor of(MixedBlockParameters p) {
    return withBlocks(p.blocks(), p.bases());
  }

  @Override
  public Method method() {
    return MixedBlockMethod.INSTANCE;
  }

  public int blocks() {
    return blocks;
  }

  public int bases() {
    return bases;
  }

  @Override
  public List<FactorSpec> layout(String name, int rows, int cols) {
    checkArgument(rows > 0 && cols > 0, "%s has an empty shape %sx%s", name, rows, cols);
    checkArgument(rows % blocks == 0 && cols % blocks == 0,
        "%s (%sx%s): compression_factor=%s must divide both dimensions", name, rows, cols, blocks);
    List<FactorSpec> specs = MixedBlockFactorization.layout(rows, cols, blocks, bases);
    CompressedSize size = CompressedSize.of(rows, cols, specs);
    if (size.savesNothing()) {
      LOG.log(Level.WARNING, "{0}: mixed block with {1} blocks stores {2} parameters, no fewer than the {3} of A",
          name, blocks, size.compressedParams(), size.denseParams());
    }
    return specs;
  }

  @Override
  public MixedBlockFactorization compress(String name, FloatMatrix a) {
    a.requireFinite(name);
    int m = a.rows();
    int n = a.cols();
    List<FactorSpec> specs = layout(name, m, n);
    int k = blocks;
    int mb = m / k;
    int nc = n / k;
    float[] av = a.copyData();
    float[] blockMatrices = new float[mb * nc * k];
    float[] mixer = new float[k * k * bases];
    double[] gram = new double[k * k];
    for (int j = 0; j < k; j++) {
      // Gram of Rⱼ's rows: G[i][i'] = ⟨A block (j, i), A block (j, i')⟩.
      java.util.Arrays.fill(gram, 0);
      for (int a0 = 0; a0 < mb; a0++) {
        int row = (j * mb + a0) * n;
        for (int i = 0; i < k; i++) {
          for (int i2 = i; i2 < k; i2++) {
            double s = 0;
            for (int b = 0; b < nc; b++) {
              s += (double) av[row + i * nc + b] * av[row + i2 * nc + b];
            }
            gram[i * k + i2] += s;
          }
        }
      }
      for (int i = 0; i < k; i++) {
        for (int i2 = 0; i2 < i; i2++) {
          gram[i * k + i2] = gram[i2 * k + i];
        }
      }
      TopEigenvectors top = TopEigenvectors.of(gram, k, 1);
      double sigma = Math.sqrt(top.values[0]);
      if (sigma == 0) {
        continue; // a zero row block: zero factors are its exact fit
      }
      double root = Math.sqrt(sigma);
      for (int i = 0; i < k; i++) {
        float share = (float) (root * top.vectors[i] / bases);
        for (int b = 0; b < bases; b++) {
          mixer[(i * k + j) * bases + b] = share;
        }
      }
      // Mⱼ = √σ·v with v = Rⱼᵀu/σ, i.e. Mⱼ = Σᵢ uᵢ·A block (j, i) / √σ.
      for (int a0 = 0; a0 < mb; a0++) {
        int row = (j * mb + a0) * n;
        for (int b = 0; b < nc; b++) {
          double s = 0;
          for (int i = 0; i < k; i++) {
            s += top.vectors[i] * av[row + i * nc + b];
          }
          blockMatrices[(a0 * nc + b) * k + j] = (float) (s / root);
        }
      }
    }
    return new MixedBlockFactorization(Factor.ofFloats(specs.get(0), blockMatrices),
        Factor.ofFloats(specs.get(1), mixer), m, n, k, bases);
  }

  @Override
  public MixedBlockFactorization initialFactors(String name, int rows, int cols, long seed) {
    List<FactorSpec> specs = layout(name, rows, cols);
    Random rnd = new Random(seed);
    float[] blockMatrices = XavierUniform.draw(rnd, Math.toIntExact(specs.get(0).entries()),
        (rows / blocks + cols / blocks) / 2.0);
    float[] mixer = XavierUniform.draw(rnd, Math.toIntExact(specs.get(1).entries()), blocks);
    return new MixedBlockFactorization(Factor.ofFloats(specs.get(0), blockMatrices),
        Factor.ofFloats(specs.get(1), mixer), rows, cols, blocks, bases);
  }

  @Override
  public String toString() {
    return "MixedBlockCompressor[blocks=" + blocks + ", bases=" + bases + "]";
  }
}
