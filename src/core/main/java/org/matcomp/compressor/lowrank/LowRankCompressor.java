package org.matcomp.compressor.lowrank;

import static com.google.common.base.Preconditions.checkArgument;

import java.lang.System.Logger.Level;
import java.util.List;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.linalg.TruncatedSvd;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.CompressedSize;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.MatrixCompressor;
import org.matcomp.compressor.Method;

/**
 * Truncated SVD, graph_compression's option 1: A ≈ B·C with B = U_r·√S_r (m×r) and C = √S_r·V_rᵀ (r×n). Splitting
 * √S over both factors keeps their scales alike, which helps when both keep training.
 */
public final class LowRankCompressor implements MatrixCompressor {
  private static final System.Logger LOG = System.getLogger(LowRankCompressor.class.getName());

  private final RankRule rankRule;
  private final long seed;

  private LowRankCompressor(RankRule rankRule, long seed) {
    this.rankRule = rankRule;
    this.seed = seed;
  }

  /** Keeps exactly {@code rank} singular triplets. */
  public static LowRankCompressor withRank(int rank) {
    checkArgument(rank > 0, "rank=%s must be positive", rank);
    return new LowRankCompressor(new RankRule(rank, true), 0);
  }

  /**
   * graph_compression's meaning of {@code rank}: a compression percentage, kept rank = min(d, ceil(d·100/rank)) for
   * d = min(m, n), so rank=200 halves d and any rank ≤ 100 keeps everything. An absolute rank wins.
   */
  public static LowRankCompressor of(LowRankParameters p) {
    return new LowRankCompressor(new RankRule(p.rank().value(), p.rank().absolute()), p.seed());
  }

  @Override
  public Method method() {
    return LowRankMethod.INSTANCE;
  }

  /** The rank kept for an m×n matrix named {@code name}. */
  public int keptRank(String name, int rows, int cols) {
    int d = Math.min(rows, cols);
    checkArgument(d > 0, "%s has an empty shape %sx%s", name, rows, cols);
    if (rankRule.absolute) {
      checkArgument(rankRule.value <= d, "%s: rank %s exceeds min(%s, %s)", name, rankRule.value, rows, cols);
      return rankRule.value;
    }
    return (int) Math.min(d, (long) Math.ceil(d * 100.0 / rankRule.value));
  }

  @Override
  public List<FactorSpec> layout(String name, int rows, int cols) {
    int r = keptRank(name, rows, cols);
    List<FactorSpec> specs = List.of(FactorSpec.trainableFloat("B", rows, r), FactorSpec.trainableFloat("C", r, cols));
    CompressedSize size = CompressedSize.of(rows, cols, specs);
    if (size.savesNothing()) {
      LOG.log(Level.WARNING, "{0}: rank {1} of a {2}x{3} matrix stores {4} parameters, no fewer than the {5} of A",
          name, r, rows, cols, size.compressedParams(), size.denseParams());
    }
    return specs;
  }

  @Override
  public LowRankFactorization compress(String name, FloatMatrix a) {
    a.requireFinite(name);
    int m = a.rows();
    int n = a.cols();
    List<FactorSpec> specs = layout(name, m, n);
    int r = specs.get(0).shape()[1];
    TruncatedSvd svd = TruncatedSvd.compute(a.copyData(), m, n, r, seed);
    float[] u = svd.u();
    float[] s = svd.singularValues();
    float[] vt = svd.vt();
    float[] b = new float[m * r];
    float[] c = new float[r * n];
    for (int j = 0; j < r; j++) {
      float root = (float) Math.sqrt(s[j]);
      for (int i = 0; i < m; i++) {
        b[i * r + j] = u[i * r + j] * root;
      }
      for (int k = 0; k < n; k++) {
        c[j * n + k] = vt[j * n + k] * root;
      }
    }
    return new LowRankFactorization(Factor.ofFloats(specs.get(0), b), Factor.ofFloats(specs.get(1), c), m, r, n);
  }

  private record RankRule(int value, boolean absolute) {}
}
