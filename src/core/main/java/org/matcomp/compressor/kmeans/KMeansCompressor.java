package org.matcomp.compressor.kmeans;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;
import org.matcomp.compressor.kmeans.BlockKMeans;
import org.matcomp.compressor.kmeans.Clustering;
import org.matcomp.compressor.kmeans.KMeansOptions;
import org.matcomp.compressor.kmeans.ScalarKMeans;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.Method;

/**
 * graph_compression's option 4: k-means over the 1×b blocks of A (b = 1: scalar weight clustering), A ≈
 * gather(codebook, codes); see {@link KMeansFactorization} for the factors. Scalars use {@link ScalarKMeans} (the
 * optimal 1-D partition by dynamic programming, polished by Lloyd to a fixed point; the init setting does not apply),
 * blocks {@link BlockKMeans} (over-relaxed Lloyd with triangle-inequality bounds, seeded by the chosen init).
 *
 * <p>Zero pinning is off by default, unlike the reference, which always pins: for symmetric weights an even number
 * of optimal levels has no level at 0, and pinning one costs accuracy. When on ({@code kmeans_zero_pin=true}), the
 * centroid nearest 0 is set to exactly 0 and Lloyd continues with it held, so the codes are those of the pinned
 * codebook — the reference keeps the codes computed before pinning.
 */
public final class KMeansCompressor extends CodebookCompressor {
  private final boolean pinZero;
  private final int maxIterations;
  private final double tolerance;

  private KMeansCompressor(Builder b) {
    super(b);
    this.pinZero = b.pinZero;
    this.maxIterations = b.maxIterations;
    this.tolerance = b.tolerance;
  }

  public static Builder builder() {
    return new Builder();
  }

  public static KMeansCompressor of(KMeansParameters p) {
    return p.codebook().applyTo(builder()).pinZero(p.pinZero()).build();
  }

  @Override
  public Method method() {
    return KMeansMethod.INSTANCE;
  }

  /** The codes alone say which codeword each block takes: nothing is pruned. */
  @Override
  boolean masked() {
    return false;
  }

  @Override
  public KMeansFactorization compress(String name, FloatMatrix a) {
    a.requireFinite(name);
    int rows = a.rows();
    int cols = a.cols();
    List<FactorSpec> specs = layout(name, rows, cols);
    float[] data = a.copyData();
    KMeansOptions options = new KMeansOptions(clusters, init, seed, pinZero, maxIterations, tolerance);
    Clustering c = CodebookLayout.cluster(data, blockSize, options);
    return new KMeansFactorization(KMeansMethod.INSTANCE, Factor.ofFloats(specs.get(0), c.centroids()),
        Factor.ofInts(specs.get(1), c.codes()), null, rows, cols, blockSize, -1, c.inertia());
  }

  @Override
  public String toString() {
    return "KMeansCompressor[k=" + clusters + ", block=" + blockSize + ", init=" + init + ", pinZero=" + pinZero
        + ", seed=" + seed + "]";
  }

  /** {@link CodebookBuilder}'s defaults, no zero pinning, {@link KMeansOptions}' iteration limits. */
  public static final class Builder extends CodebookBuilder<Builder> {
    private boolean pinZero = false;
    private int maxIterations = KMeansOptions.DEFAULT_MAX_ITERATIONS;
    private double tolerance = KMeansOptions.DEFAULT_TOLERANCE;

    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    public Builder pinZero(boolean pin) {
      pinZero = pin;
      return this;
    }

    /** Cap on Lloyd iterations for blocks (scalars always run to their fixed point, see {@link ScalarKMeans}). */
    public Builder maxIterations(int n) {
      maxIterations = n;
      return this;
    }

    /** Relative inertia decrease below which block Lloyd stops (see {@link KMeansOptions#tolerance()}). */
    public Builder tolerance(double t) {
      tolerance = t;
      return this;
    }

    public KMeansCompressor build() {
      checkArgument(clusters > 0, "clusters=%s must be positive (set it with clusters(k))", clusters);
      checkArgument(blockSize > 0, "block_size=%s must be positive", blockSize);
      checkArgument(maxIterations > 0, "maxIterations=%s must be positive", maxIterations);
      checkArgument(tolerance >= 0 && tolerance < 1, "tolerance=%s must be in [0, 1)", tolerance);
      return new KMeansCompressor(this);
    }
  }
}
