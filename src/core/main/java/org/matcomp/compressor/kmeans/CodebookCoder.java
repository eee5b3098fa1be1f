package org.matcomp.compressor.kmeans;

import java.util.List;
import java.util.Optional;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.FactorType;
import org.matcomp.compressor.ValueCoder;
import org.matcomp.compressor.ValueCoding;

/**
 * k-means as a coder of another method's float factors: the factor's entries clustered into K scalars (the exact 1-D
 * method), each entry stored as the ⌈log2 K⌉-bit code of its centroid — Deep Compression's weight sharing, applied
 * after pruning to the kept values only, or to low-rank's B and C.
 */
record CodebookCoder(int clusters, CentroidInit init, long seed) implements ValueCoder {
  static final int DEFAULT_CLUSTERS = 16;

  @Override
  public ValueCoding coding() {
    return new CodebookCoding();
  }

  @Override
  public Optional<List<FactorSpec>> layout(FactorSpec original) {
    long n = original.entries();
    FactorType codeType = FactorType.indexFor(clusters);
    long coded = 4L * clusters + codeType.bytesFor(n);
    if (n <= clusters || coded >= original.storageBytes()) {
      return Optional.empty();
    }
    return Optional.of(List.of(
        new FactorSpec(ValueCoder.role(original.name(), CodebookCoding.CODES), codeType, original.shape(), false),
        new FactorSpec(ValueCoder.role(original.name(), CodebookCoding.CODEBOOK), FactorType.FLOAT32,
            new int[] {clusters, 1}, original.trainable())));
  }

  @Override
  public List<Factor> code(String matrix, FactorSpec original, float[] values) {
    List<FactorSpec> specs = layout(original).orElseThrow(() -> new IllegalArgumentException(String.format(
        "%s: factor %s (%s entries) is too small for %s clusters", matrix, original.name(), values.length,
        clusters)));
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        throw new IllegalArgumentException(String.format("%s: factor %s holds %s at entry %s", matrix,
            original.name(), values[i], i));
      }
    }
    Clustering c = ScalarKMeans.fit(values, KMeansOptions.of(clusters, init, seed));
    return List.of(Factor.ofInts(specs.get(0), c.codes()), Factor.ofFloats(specs.get(1), c.centroids()));
  }
}
