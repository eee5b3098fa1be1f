package org.matcomp.compressor.blockdiagonal;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.BaseFactorization;

/**
 * W = diag(C₀, …, C_{k−1}): k blocks of (m/k)×(n/k) on the diagonal, zeros elsewhere, with the blocks stored as one
 * factor C of shape [k, m/k, n/k]. Applied block by block, y[:, block i] = x[:, block i]·Cᵢ, which costs mn/k per row
 * instead of mn.
 */
public final class BlockDiagonalFactorization extends BaseFactorization {
  /** The name of the one factor (the reference's {@code c_matrix}). */
  public static final String BLOCKS = "C";

  private final Factor c;
  private final int blocks;

  BlockDiagonalFactorization(Factor c, int rows, int cols, int blocks) {
    super(BlockDiagonalMethod.INSTANCE, rows, cols);
    this.c = c;
    this.blocks = blocks;
  }

  static FactorSpec layout(int rows, int cols, int blocks) {
    return FactorSpec.trainableFloat(BLOCKS, blocks, rows / blocks, cols / blocks);
  }

  public int blocks() {
    return blocks;
  }

  @Override
  public List<Factor> factors() {
    return List.of(c);
  }

  @Override
  public FloatMatrix product() {
    int mb = rows() / blocks;
    int nb = cols() / blocks;
    float[] cv = c.floats();
    float[] w = new float[rows() * cols()];
    for (int k = 0; k < blocks; k++) {
      for (int i = 0; i < mb; i++) {
        System.arraycopy(cv, (k * mb + i) * nb, w, (k * mb + i) * cols() + k * nb, nb);
      }
    }
    return FloatMatrix.adopt(rows(), cols(), w);
  }

  @Override
  public FloatMatrix applyTo(FloatMatrix x) {
    checkArgument(x.cols() == rows(), "input has %s columns, the block-diagonal matrix %s rows", x.cols(), rows());
    int batch = x.rows();
    int mb = rows() / blocks;
    int nb = cols() / blocks;
    float[] xv = x.copyData();
    float[] cv = c.floats();
    float[] y = new float[batch * cols()];
    for (int r = 0; r < batch; r++) {
      for (int k = 0; k < blocks; k++) {
        int yOff = r * cols() + k * nb;
        for (int p = 0; p < mb; p++) {
          float xp = xv[r * rows() + k * mb + p];
          if (xp == 0f) {
            continue;
          }
          int cOff = (k * mb + p) * nb;
          for (int j = 0; j < nb; j++) {
            y[yOff + j] += xp * cv[cOff + j];
          }
        }
      }
    }
    return FloatMatrix.adopt(batch, cols(), y);
  }

  @Override
  public String toString() {
    return "BlockDiagonalFactorization[" + rows() + "x" + cols() + ", " + blocks + " blocks]";
  }
}
