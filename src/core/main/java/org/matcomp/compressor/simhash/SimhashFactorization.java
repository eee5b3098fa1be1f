package org.matcomp.compressor.simhash;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.BaseFactorization;
import org.matcomp.compressor.SeededGaussian;

/**
 * R (m×k, drawn from its seed) · S (k×n, ±1) · diag(D) (n). Applied to an input as ((x·R)·S)·D, which costs
 * k(m + n) per input row instead of mn, and never forms the m×n product.
 */
public final class SimhashFactorization extends BaseFactorization {
  private final Factor seed;
  private final Factor s;
  private final Factor d;
  private final int projections;

  SimhashFactorization(Factor seed, Factor s, Factor d, int rows, int projections, int cols) {
    super(SimhashMethod.INSTANCE, rows, cols);
    this.seed = seed;
    this.s = s;
    this.d = d;
    this.projections = projections;
  }

  public int projections() {
    return projections;
  }

  @Override
  public List<Factor> factors() {
    return List.of(seed, s, d);
  }

  /** R, regenerated from its seed. */
  public FloatMatrix r() {
    return FloatMatrix.adopt(rows(), projections, SeededGaussian.draw(seed.ints(), new int[] {rows(), projections}));
  }

  /** S as ±1 floats, k×n. */
  public FloatMatrix signs() {
    int[] bits = s.ints();
    float[] v = new float[bits.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = bits[i] == 1 ? 1f : -1f;
    }
    return FloatMatrix.adopt(projections, cols(), v);
  }

  /** The column scales D (copy). */
  public float[] scales() {
    return d.floats();
  }

  @Override
  public FloatMatrix product() {
    return scaleColumns(r().times(signs()));
  }

  @Override
  public FloatMatrix applyTo(FloatMatrix x) {
    checkArgument(x.cols() == rows(), "input has %s columns, the simhash matrix %s rows", x.cols(), rows());
    return scaleColumns(x.times(r()).times(signs()));
  }

  private FloatMatrix scaleColumns(FloatMatrix y) {
    float[] v = y.copyData();
    float[] scale = d.floats();
    for (int i = 0; i < y.rows(); i++) {
      for (int j = 0; j < cols(); j++) {
        v[i * cols() + j] *= scale[j];
      }
    }
    return FloatMatrix.adopt(y.rows(), cols(), v);
  }

  @Override
  public String toString() {
    return "SimhashFactorization[" + rows() + "x" + cols() + ", k=" + projections + "]";
  }
}
