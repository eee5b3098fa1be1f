package org.matcomp.compressor.prune;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;

/**
 * Block pruning as model_pruning does it for 2-D weights: pool the scores over block_height × block_width tiles
 * (AVG or MAX), keep {@code round(blocks·(1 − s))} tiles by {@link MagnitudeMask}'s rule, and expand the tile mask
 * back to the matrix. A dimension of −1 means the whole dimension (one block spans it).
 *
 * <p>Edges: when a block does not divide a dimension the last tile is partial, as with {@code tf.nn.pool}'s SAME
 * padding; AVG averages the entries that exist (TF excludes padding from the count) and MAX ignores the padding.
 * Tiles are anchored at row 0 and column 0 for both pooling and expansion. The reference pads SAME (which puts up
 * to half the padding <em>before</em> the data when a block overhangs by two or more) but expands from row 0, so
 * its pooled tiles and expanded mask disagree in that case; we keep them aligned. When the block divides the
 * matrix, or overhangs by one entry, the two agree.
 *
 * <p>Scores are pooled as given; with the weight-change proxies the reference instead pools |w| and the proxy
 * separately and multiplies the pooled values.
 */
public final class BlockMask implements MaskRule {
  private final int blockHeight;
  private final int blockWidth;
  private final Pooling pooling;

  private BlockMask(int blockHeight, int blockWidth, Pooling pooling) {
    this.blockHeight = blockHeight;
    this.blockWidth = blockWidth;
    this.pooling = pooling;
  }

  /** Blocks of {@code blockHeight × blockWidth} (each ≥ 1, or −1 for the whole dimension). */
  public static BlockMask of(int blockHeight, int blockWidth, Pooling pooling) {
    checkArgument(blockHeight >= 1 || blockHeight == -1, "block_height=%s must be >= 1 or -1 (whole dimension)",
        blockHeight);
    checkArgument(blockWidth >= 1 || blockWidth == -1, "block_width=%s must be >= 1 or -1 (whole dimension)",
        blockWidth);
    checkArgument(pooling != null, "block pooling function is null");
    return new BlockMask(blockHeight, blockWidth, pooling);
  }

  public int blockHeight() {
    return blockHeight;
  }

  public int blockWidth() {
    return blockWidth;
  }

  public Pooling pooling() {
    return pooling;
  }

  @Override
  public int keptCount(String matrix, int rows, int cols, double sparsity) {
    Checks.shape(matrix, rows, cols);
    Checks.sparsity(matrix, sparsity);
    int bh = resolve(blockHeight, rows);
    int bw = resolve(blockWidth, cols);
    checkArgument(rows % bh == 0 && cols % bw == 0,
        "%s: block %sx%s does not divide the %sx%s matrix; partial edge blocks make the kept count depend on which"
            + " blocks survive, so a fixed compressed layout needs dividing blocks",
        matrix, bh, bw, rows, cols);
    return MagnitudeMask.keep((long) (rows / bh) * (cols / bw), sparsity) * bh * bw;
  }

  @Override
  public PruningMask select(String matrix, float[] scores, int rows, int cols, double sparsity) {
    Checks.finiteMatrix(matrix, "scores", scores, rows, cols);
    Checks.sparsity(matrix, sparsity);
    int bh = resolve(blockHeight, rows);
    int bw = resolve(blockWidth, cols);
    int blockRows = (rows + bh - 1) / bh;
    int blockCols = (cols + bw - 1) / bw;
    float[] pooled = pool(scores, rows, cols, bh, bw, blockRows, blockCols);
    long[] blockWords = TopKSelector.select(pooled, MagnitudeMask.keep(pooled.length, sparsity));
    long[] words = new long[PruningMask.wordsFor((long) rows * cols)];
    for (int i = 0; i < rows; i++) {
      int blockRowBase = (i / bh) * blockCols;
      for (int bj = 0; bj < blockCols; bj++) {
        int b = blockRowBase + bj;
        if ((blockWords[b >>> 6] & (1L << b)) == 0) {
          continue;
        }
        int end = i * cols + Math.min(cols, (bj + 1) * bw);
        for (int e = i * cols + bj * bw; e < end; e++) {
          words[e >>> 6] |= 1L << e;
        }
      }
    }
    return new PruningMask(rows, cols, words);
  }

  private float[] pool(float[] s, int rows, int cols, int bh, int bw, int blockRows, int blockCols) {
    double[] acc = new double[blockRows * blockCols];
    if (pooling == Pooling.MAX) {
      Arrays.fill(acc, Double.NEGATIVE_INFINITY);
    }
    for (int i = 0; i < rows; i++) {
      int base = (i / bh) * blockCols;
      int row = i * cols;
      for (int j = 0; j < cols; j++) {
        int b = base + j / bw;
        float v = s[row + j];
        acc[b] = pooling == Pooling.MAX ? Math.max(acc[b], v) : acc[b] + v;
      }
    }
    float[] pooled = new float[acc.length];
    for (int bi = 0; bi < blockRows; bi++) {
      int h = Math.min(rows, (bi + 1) * bh) - bi * bh;
      for (int bj = 0; bj < blockCols; bj++) {
        int w = Math.min(cols, (bj + 1) * bw) - bj * bw;
        int b = bi * blockCols + bj;
        pooled[b] = (float) (pooling == Pooling.MAX ? acc[b] : acc[b] / ((long) h * w));
      }
    }
    return pooled;
  }

  private static int resolve(int dim, int size) {
    return dim == -1 ? size : dim;
  }

  @Override
  public String toString() {
    return "BlockMask[" + blockHeight + "x" + blockWidth + ", " + pooling + "]";
  }
}
