package org.matcomp.compressor.blockdiagonal;

import static com.google.common.base.Preconditions.checkArgument;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Random;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.StructuredCompressor;
import org.matcomp.compressor.XavierUniform;
import org.matcomp.compressor.Method;

/**
 * Block-diagonal matrices, graph_compression's option 10: A (m×n) is replaced by k = {@code block_compression_factor}
 * blocks of (m/k)×(n/k) on the diagonal, input block i feeding output block i only — k times fewer parameters and
 * multiply-adds. Blocks are contiguous (rows i·m/k…, columns i·n/k…), as in the reference's mask.
 *
 * <p>The reference has two spellings of the same function. {@code block_method=mask} keeps a full m×n variable and
 * multiplies it by a 0/1 block mask, so it stores (and checkpoints) k times what it uses; {@code block_method=loop}
 * keeps [k, m/k, n/k] blocks, but its graph path reads {@code num_blocks} before assigning it (an UnboundLocalError;
 * only its customised-layer path works). Both compute x·diag(C₀…C_{k−1}) with the same gradients on the live entries,
 * so here both mean the blocks-only layout; the hparam is accepted for compatibility and checked.
 *
 * <p>Sizes must divide: the reference floors m/k and n/k and leaves the remainder rows of the mask in no block (or
 * fails in a reshape); here a k that does not divide both dimensions is an error naming the matrix.
 *
 * <p>{@link #compress} returns the diagonal blocks of A: W ranges over all block-diagonal matrices and the Frobenius
 * error separates entry by entry, so keeping A's own diagonal blocks is the optimum, with error ‖off-diagonal part‖.
 * {@link #initialFactors} draws the blocks Xavier-uniformly with the reference's limit sqrt(3 / max(1, (m+n)/(2k))).
 */
public final class BlockDiagonalCompressor implements StructuredCompressor {
  private static final System.Logger LOG = System.getLogger(BlockDiagonalCompressor.class.getName());

  private final int blocks;

  private BlockDiagonalCompressor(int blocks) {
    this.blocks = blocks;
  }

  /** {@code blocks} diagonal blocks. */
  public static BlockDiagonalCompressor withBlocks(int blocks) {
    checkArgument(blocks > 0, "block count (block_compression_factor)=%s must be positive", blocks);
    return new BlockDiagonalCompressor(blocks);
  }

  public static BlockDiagonalCompressor of(BlockDiagonalParameters p) {
    return withBlocks(p.blocks());
  }

  @Override
  public Method method() {
    return BlockDiagonalMethod.INSTANCE;
  }

  public int blocks() {
    return blocks;
  }

  @Override
  public List<FactorSpec> layout(String name, int rows, int cols) {
    checkArgument(rows > 0 && cols > 0, "%s has an empty shape %sx%s", name, rows, cols);
    checkArgument(rows % blocks == 0 && cols % blocks == 0,
        "%s (%sx%s): block_compression_factor=%s must divide both dimensions", name, rows, cols, blocks);
    if (blocks == 1) {
      LOG.log(Level.WARNING, "{0}: block_compression_factor=1 keeps the whole {1}x{2} matrix as one block", name,
          rows, cols);
    }
    return List.of(BlockDiagonalFactorization.layout(rows, cols, blocks));
  }

  @Override
  public BlockDiagonalFactorization compress(String name, FloatMatrix a) {
    a.requireFinite(name);
    int m = a.rows();
    int n = a.cols();
    FactorSpec spec = layout(name, m, n).get(0);
    int mb = m / blocks;
    int nb = n / blocks;
    float[] av = a.copyData();
    float[] c = new float[m * nb];
    for (int k = 0; k < blocks; k++) {
      for (int i = 0; i < mb; i++) {
        System.arraycopy(av, (k * mb + i) * n + k * nb, c, (k * mb + i) * nb, nb);
      }
    }
    return new BlockDiagonalFactorization(Factor.ofFloats(spec, c), m, n, blocks);
  }

  @Override
  public BlockDiagonalFactorization initialFactors(String name, int rows, int cols, long seed) {
    FactorSpec spec = layout(name, rows, cols).get(0);
    float[] c = XavierUniform.draw(new Random(seed), Math.toIntExact(spec.entries()),
        (rows + cols) / (2.0 * blocks));
    return new BlockDiagonalFactorization(Factor.ofFloats(spec, c), rows, cols, blocks);
  }

  @Override
  public String toString() {
    return "BlockDiagonalCompressor[blocks=" + blocks + "]";
  }
}
