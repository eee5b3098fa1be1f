package org.matcomp.compressor.kmeans;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;
import org.matcomp.compressor.kmeans.Clustering;
import org.matcomp.compressor.kmeans.KMeansOptions;
import org.matcomp.compressor.kmeans.MagnitudePruning;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.Method;

/**
 * graph_compression's option 8: magnitude-prune A (the ceil(size·fraction) smallest |a| become 0), then quantise.
 * Codeword 0 is the zero block, pinned: every block that pruning left all-zero gets code 0, and the k − 1 other
 * codewords are k-means centroids of the surviving blocks only, so the zeros cost the clustering nothing and stay
 * exactly zero. With 1×1 blocks the codes alone carry the mask (code 0 ⇔ pruned) and exactly the pruned fraction of
 * the product is zero; with wider blocks a bit mask keeps the pruned entries of partly pruned blocks at zero, as the
 * reference's blend ⊙ mask does.
 *
 * <p>The reference instead clusters all blocks, zeros included, and then overwrites whichever centroid is nearest 0
 * without recomputing codes, so survivors can be pulled to zero and zeros to a non-zero codeword.
 */
public final class KMeansPruneCompressor extends CodebookCompressor {
  /** {@code pruning_fraction} of graph_compression's pruning hparams, which option 8 reads. */
  public static final double DEFAULT_PRUNING_FRACTION = 0.4;

  private final double pruningFraction;

  private KMeansPruneCompressor(Builder b) {
    super(b);
    this.pruningFraction = b.pruningFraction;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The clusters include the zero codeword. */
  public static KMeansPruneCompressor of(KMeansPruneParameters p) {
    return p.codebook().applyTo(builder()).pruningFraction(p.pruningFraction()).build();
  }

  @Override
  public Method method() {
    return KMeansPruneMethod.INSTANCE;
  }

  public double pruningFraction() {
    return pruningFraction;
  }

  /**
   * A block wider than 1 can be partly pruned, and only a mask keeps its pruned entries at zero; a 1×1 block is
   * pruned exactly when its code is the zero codeword.
   */
  @Override
  boolean masked() {
    return blockSize > 1;
  }

  @Override
  public KMeansFactorization compress(String name, FloatMatrix a) {
    a.requireFinite(name);
    int rows = a.rows();
    int cols = a.cols();
    List<FactorSpec> specs = layout(name, rows, cols);
    float[] original = a.copyData();
    float[] pruned = original.clone();
    MagnitudePruning.pruneInPlace(pruned, pruningFraction);

    int blocks = pruned.length / blockSize;
    int[] codes = new int[blocks];
    int survivors = 0;
    for (int blk = 0; blk < blocks; blk++) {
      if (!isZeroBlock(pruned, blk)) {
        survivors++;
      }
    }
    CodebookLayout.checkClusters(name, rows, cols, blockSize, clusters - 1, survivors,
        "blocks left non-zero after pruning " + pruningFraction + " of the entries,");
    float[] kept = new float[survivors * blockSize];
    int[] keptBlock = new int[survivors];
    for (int blk = 0, s = 0; blk < blocks; blk++) {
      if (!isZeroBlock(pruned, blk)) {
        System.arraycopy(pruned, blk * blockSize, kept, s * blockSize, blockSize);
        keptBlock[s++] = blk;
      }
    }
    KMeansOptions options = new KMeansOptions(clusters - 1, init, seed, false, KMeansOptions.DEFAULT_MAX_ITERATIONS,
        KMeansOptions.DEFAULT_TOLERANCE);
    Clustering c = CodebookLayout.cluster(kept, blockSize, options);

    float[] codebook = new float[clusters * blockSize]; // row 0 stays the zero codeword
    System.arraycopy(c.centroids(), 0, codebook, blockSize, (clusters - 1) * blockSize);
    int[] survivorCodes = c.codes();
    for (int s = 0; s < survivors; s++) {
      codes[keptBlock[s]] = 1 + survivorCodes[s];
    }
    Factor mask = null;
    if (blockSize > 1) {
      int[] bits = new int[pruned.length];
      for (int i = 0; i < bits.length; i++) {
        bits[i] = pruned[i] != 0f ? 1 : 0;
      }
      mask = Factor.ofInts(specs.get(2), bits);
    }
    double error = 0;
    for (int i = 0; i < original.length; i++) {
      float w = pruned[i] == 0f && blockSize > 1 ? 0f : codebook[codes[i / blockSize] * blockSize + i % blockSize];
      double diff = (double) original[i] - w;
      error += diff * diff;
    }
    return new KMeansFactorization(KMeansPruneMethod.INSTANCE, Factor.ofFloats(specs.get(0), codebook),
        Factor.ofInts(specs.get(1), codes), mask, rows, cols, blockSize, 0, error);
  }

  private boolean isZeroBlock(float[] x, int blk) {
    for (int q = 0; q < blockSize; q++) {
      if (x[blk * blockSize + q] != 0f) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "KMeansPruneCompressor[k=" + clusters + " (incl. zero), block=" + blockSize + ", init=" + init
        + ", pruning=" + pruningFraction + ", seed=" + seed + "]";
  }

  /**
   * {@link CodebookBuilder}'s defaults, pruning fraction 0.4. The clusters are codewords including the pinned zero,
   * so at least 2.
   */
  public static final class Builder extends CodebookBuilder<Builder> {
    private double pruningFraction = DEFAULT_PRUNING_FRACTION;

    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    public Builder pruningFraction(double f) {
      pruningFraction = f;
      return this;
    }

    public KMeansPruneCompressor build() {
      checkArgument(clusters >= 2, "clusters=%s must be at least 2 (one codeword is the pinned zero)", clusters);
      checkArgument(blockSize > 0, "block_size=%s must be positive", blockSize);
      checkArgument(pruningFraction >= 0 && pruningFraction < 1, "pruning_fraction=%s must be in [0, 1)",
          pruningFraction);
      return new KMeansPruneCompressor(this);
    }
  }
}
