package org.matcomp.savedmodel;

import java.util.Optional;
import org.matcomp.compressor.Method;

/**
 * Suggested settings for one m×n matrix, measured on its values: the low-rank rank keeping a share of the spectral
 * energy Σs², the pruning sparsity keeping the same share of Σw², the k-means storage ratio, and which method fits.
 * A spectrum is called flat when that rank exceeds half of min(m, n): truncation then removes energy from every
 * direction and low-rank is the wrong tool.
 *
 * @param singularValues descending, or empty when the matrix was too large to decompose for advice
 */
public record MatrixAdvice(int rows, int cols, double energy, Optional<float[]> singularValues, int energyRank,
    double lowRankRatio, double lowRankRelError, boolean flatSpectrum, double pruneSparsity, double pruneRatio,
    double kmeansRatio, Method recommended, String reason) {

  public long denseBytes() {
    return 4L * rows * cols;
  }
}
