package org.matcomp.compressor.lowrank;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.BaseFactorization;

/** B (m×r) · C (r×n); applied to an input as (x·B)·C, which costs r(m+n) per row instead of mn. */
public final class LowRankFactorization extends BaseFactorization {
  private final Factor b;
  private final Factor c;
  private final int rank;

  LowRankFactorization(Factor b, Factor c, int rows, int rank, int cols) {
    super(LowRankMethod.INSTANCE, rows, cols);
    this.b = b;
    this.c = c;
    this.rank = rank;
  }

  public int rank() {
    return rank;
  }

  @Override
  public java.util.Map<String, Double> diagnostics() {
    return java.util.Map.of("rank", (double) rank);
  }

  @Override
  public List<Factor> factors() {
    return List.of(b, c);
  }

  public FloatMatrix b() {
    return FloatMatrix.adopt(rows(), rank, b.floats());
  }

  public FloatMatrix c() {
    return FloatMatrix.adopt(rank, cols(), c.floats());
  }

  @Override
  public FloatMatrix product() {
    return b().times(c());
  }

  @Override
  public FloatMatrix applyTo(FloatMatrix x) {
    checkArgument(x.cols() == rows(), "input has %s columns, the matrix %s rows", x.cols(), rows());
    return x.times(b()).times(c());
  }
}
