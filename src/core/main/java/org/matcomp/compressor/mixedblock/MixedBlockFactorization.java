package org.matcomp.compressor.mixedblock;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.BaseFactorization;

/**
 * Mixed block: k contiguous input blocks of m/k, each with its own block matrix Mⱼ (m/k × n/k), whose outputs are
 * mixed into k output blocks by a k×k mixer: y[:, block i] = Σⱼ mix[i, j]·(x[:, block j]·Mⱼ), i.e. W's block (j, i) is
 * mix[i, j]·Mⱼ. The factors keep the reference's shapes: {@code block_matrices} [m/k, n/k, k] (block index last) and
 * {@code linear_mixer} [k, k, K], whose K bases enter only through their sum mix = Σ_b linear_mixer[:, :, b].
 * Applied as k block products plus a k×k mix, costing mn/k + k·n per row instead of mn.
 */
public final class MixedBlockFactorization extends BaseFactorization {
  /** The reference's variable names. */
  public static final String BLOCKS = "block_matrices";
  public static final String MIXER = "linear_mixer";

  private final Factor blockMatrices;
  private final Factor mixer;
  private final int blocks;
  private final int bases;

  MixedBlockFactorization(Factor blockMatrices, Factor mixer, int rows, int cols, int blocks, int bases) {
    super(MixedBlockMethod.INSTANCE, rows, cols);
    this.blockMatrices = blockMatrices;
    this.mixer = mixer;
    this.blocks = blocks;
    this.bases = bases;
  }

  static List<FactorSpec> layout(int rows, int cols, int blocks, int bases) {
    return List.of(FactorSpec.trainableFloat(BLOCKS, rows / blocks, cols / blocks, blocks),
        FactorSpec.trainableFloat(MIXER, blocks, blocks, bases));
  }

  public int blocks() {
    return blocks;
  }

  public int bases() {
    return bases;
  }

  @Override
  public List<Factor> factors() {
    return List.of(blockMatrices, mixer);
  }

  /** The effective k×k mixer, Σ over bases; entry [i, j] scales input block j into output block i. */
  public float[] effectiveMixer() {
    float[] raw = mixer.floats();
    float[] mix = new float[blocks * blocks];
    for (int ij = 0; ij < blocks * blocks; ij++) {
      double s = 0;
      for (int b = 0; b < bases; b++) {
        s += raw[ij * bases + b];
      }
      mix[ij] = (float) s;
    }
    return mix;
  }

  /** block_matrices rearranged block-first, [k][m/k][n/k], so the inner loops run over contiguous rows. */
  private float[] blocksFirst() {
    int mb = rows() / blocks;
    int nc = cols() / blocks;
    float[] raw = blockMatrices.floats();
    float[] t = new float[raw.length];
    for (int a = 0; a < mb; a++) {
      for (int b = 0; b < nc; b++) {
        for (int j = 0; j < blocks; j++) {
          t[(j * mb + a) * nc + b] = raw[(a * nc + b) * blocks + j];
        }
      }
    }
    return t;
  }

  @Override
  public FloatMatrix product() {
    int mb = rows() / blocks;
    int nc = cols() / blocks;
    float[] mj = blocksFirst();
    float[] mix = effectiveMixer();
    float[] w = new float[rows() * cols()];
    for (int j = 0; j < blocks; j++) {
      for (int a = 0; a < mb; a++) {
        int src = (j * mb + a) * nc;
        int dstRow = (j * mb + a) * cols();
        for (int i = 0; i < blocks; i++) {
          float s = mix[i * blocks + j];
          int dst = dstRow + i * nc;
          for (int b = 0; b < nc; b++) {
            w[dst + b] = s * mj[src + b];
          }
        }
      }
    }
    return FloatMatrix.adopt(rows(), cols(), w);
  }

  @Override
  public FloatMatrix applyTo(FloatMatrix x) {
    checkArgument(x.cols() == rows(), "input has %s columns, the mixed-block matrix %s rows", x.cols(), rows());
    int batch = x.rows();
    int mb = rows() / blocks;
    int nc = cols() / blocks;
    float[] xv = x.copyData();
    float[] mj = blocksFirst();
    float[] mix = effectiveMixer();
    float[] inter = new float[blocks * nc];
    float[] y = new float[batch * cols()];
    for (int r = 0; r < batch; r++) {
      java.util.Arrays.fill(inter, 0f);
      for (int j = 0; j < blocks; j++) {
        for (int a = 0; a < mb; a++) {
          float xa = xv[r * rows() + j * mb + a];
          if (xa == 0f) {
            continue;
          }
          int src = (j * mb + a) * nc;
          for (int b = 0; b < nc; b++) {
            inter[j * nc + b] += xa * mj[src + b];
          }
        }
      }
      for (int i = 0; i < blocks; i++) {
        int dst = r * cols() + i * nc;
        for (int j = 0; j < blocks; j++) {
          float s = mix[i * blocks + j];
          for (int b = 0; b < nc; b++) {
            y[dst + b] += s * inter[j * nc + b];
          }
        }
      }
    }
    return FloatMatrix.adopt(batch, cols(), y);
  }

  @Override
  public String toString() {
    return "MixedBlockFactorization[" + rows() + "x" + cols() + ", " + blocks + " blocks, " + bases + " bases]";
  }
}
