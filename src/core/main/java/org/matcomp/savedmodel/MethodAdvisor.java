package org.matcomp.savedmodel;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import java.util.Optional;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.matcomp.compressor.FactorType;
import org.matcomp.compressor.Method;
import org.matcomp.compressor.kmeans.KMeansMethod;
import org.matcomp.compressor.lowrank.LowRankMethod;
import org.matcomp.compressor.prune.PruneMethod;

/**
 * Advises a method per matrix from its values alone. Singular values come from the eigenvalues of the smaller Gram
 * matrix (AᵀA or AAᵀ, in double), which is cheap for the layer sizes of served models; matrices beyond
 * {@link #GRAM_LIMIT} multiply-adds get no spectrum (and no low-rank advice) rather than a long wait.
 */
public final class MethodAdvisor {
  /** The k-means size advice assumes: 4-bit codes, the usual accuracy/size balance for weights. */
  public static final int ADVISED_CLUSTERS = 16;

  /** m·n·min(m, n) above which the spectrum is not computed (≈ a few seconds on 2 cores). */
  static final double GRAM_LIMIT = 3e9;

  private MethodAdvisor() {}

  /** Singular values of the row-major m×n matrix, descending; empty if too large. */
  public static Optional<float[]> singularValues(float[] a, int m, int n) {
    checkArgument(a.length == (long) m * n, "matrix has %s entries, shape %sx%s", a.length, m, n);
    int d = Math.min(m, n);
    if ((double) m * n * d > GRAM_LIMIT) {
      return Optional.empty();
    }
    double[] g = new double[d * d];
    if (n <= m) {
      for (int i = 0; i < m; i++) {
        int row = i * n;
        for (int j = 0; j < n; j++) {
          double aij = a[row + j];
          if (aij == 0) {
            continue;
          }
          int gj = j * d;
          for (int k = j; k < n; k++) {
            g[gj + k] += aij * a[row + k];
          }
        }
      }
    } else {
      for (int i = 0; i < m; i++) {
        for (int k = i; k < m; k++) {
          double s = 0;
          int ri = i * n;
          int rk = k * n;
          for (int j = 0; j < n; j++) {
            s += (double) a[ri + j] * a[rk + j];
          }
          g[i * d + k] = s;
        }
      }
    }
    for (int j = 0; j < d; j++) {
      for (int k = 0; k < j; k++) {
        g[j * d + k] = g[k * d + j];
      }
    }
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, false, true);
    checkArgument(eig.decompose(DMatrixRMaj.wrap(d, d, g)), "eigen-decomposition of a %sx%s Gram matrix failed", d,
        d);
    double[] s = new double[d];
    for (int i = 0; i < d; i++) {
      s[i] = Math.sqrt(Math.max(0, eig.getEigenvalue(i).getReal()));
    }
    Arrays.sort(s);
    float[] out = new float[d];
    for (int i = 0; i < d; i++) {
      out[i] = (float) s[d - 1 - i];
    }
    return Optional.of(out);
  }

  /** The smallest r with Σ_{i<r} s_i² ≥ energy · Σ s_i² (at least 1). */
  public static int energyRank(float[] s, double energy) {
    checkArgument(energy > 0 && energy <= 1, "energy %s must be in (0, 1]", energy);
    double total = 0;
    for (float v : s) {
      total += (double) v * v;
    }
    double acc = 0;
    for (int r = 0; r < s.length; r++) {
      acc += (double) s[r] * s[r];
      if (acc >= energy * total * (1 - 1e-12)) {
        return r + 1;
      }
    }
    return s.length;
  }

  public static MatrixAdvice advise(float[] a, int m, int n, double energy) {
    return advise("matrix", a, m, n, energy);
  }

  /**
   * The advice for the m×n matrix called {@code name}.
   *
   * @throws IllegalArgumentException naming {@code name}, the first non-finite entry's position and value: the
   *     spectrum of such a matrix is undefined (its eigen-decomposition fails without saying why)
   */
  public static MatrixAdvice advise(String name, float[] a, int m, int n, double energy) {
    checkArgument(a.length == (long) m * n, "%s has %s entries, shape %sx%s", name, a.length, m, n);
    for (int i = 0; i < a.length; i++) {
      if (!Float.isFinite(a[i])) {
        throw new IllegalArgumentException(String.format("%s (%dx%d) has a non-finite entry %s at [%d, %d]", name, m,
            n, a[i], i / n, i % n));
      }
    }
    long mn = (long) m * n;
    Optional<float[]> s = singularValues(a, m, n);
    int d = Math.min(m, n);
    int rank = s.map(v -> energyRank(v, energy)).orElse(-1);
    double lowRankRatio = rank > 0 ? (double) mn / ((long) rank * (m + n)) : Double.NaN;
    double lowRankError = Double.NaN;
    if (rank > 0) {
      double total = 0;
      double tail = 0;
      float[] sv = s.get();
      for (int i = 0; i < sv.length; i++) {
        double e = (double) sv[i] * sv[i];
        total += e;
        if (i >= rank) {
          tail += e;
        }
      }
      lowRankError = total == 0 ? 0 : Math.sqrt(tail / total);
    }
    boolean flat = rank > 0 && rank > d / 2;

    double[] sq = new double[a.length];
    double total = 0;
    for (int i = 0; i < a.length; i++) {
      sq[i] = (double) a[i] * a[i];
      total += sq[i];
    }
    Arrays.sort(sq);
    double acc = 0;
    long kept = 0;
    for (int i = sq.length - 1; i >= 0 && acc < energy * total * (1 - 1e-12); i--) {
      acc += sq[i];
      kept++;
    }
    long pruneBytes = 4 * kept + Math.min((mn + 7) / 8, 4 * kept);
    double pruneRatio = pruneBytes == 0 ? Double.POSITIVE_INFINITY : 4.0 * mn / pruneBytes;
    double sparsity = 1 - (double) kept / mn;
    // 16 clusters: 4-bit codes and a 16-float codebook
    double kmeansRatio = 4.0 * mn / (FactorType.UINT4.bytesFor(mn) + 4.0 * ADVISED_CLUSTERS);

    Method rec;
    String reason;
    if (rank > 0 && lowRankRatio >= 2) {
      rec = LowRankMethod.INSTANCE;
      reason = String.format("rank %d of %d keeps %.0f %% of the spectral energy at %.2fx fewer parameters", rank, d,
          100 * energy, lowRankRatio);
    } else if (rank > 0) {
      rec = pruneRatio >= kmeansRatio ? PruneMethod.INSTANCE : KMeansMethod.INSTANCE;
      reason = String.format("%s spectrum: keeping %.0f %% of the energy needs rank %d of %d (only %.2fx smaller), so"
              + " low-rank is the wrong tool; k-means with 16 clusters stores 4-bit codes (%.2fx), pruning to %.0f %% sparsity keeps"
              + " %.0f %% of Σw² (%.2fx)", flat ? "flat" : "slowly decaying", 100 * energy, rank, d, lowRankRatio,
          kmeansRatio, 100 * sparsity, 100 * energy, pruneRatio);
    } else {
      rec = KMeansMethod.INSTANCE;
      reason = String.format("too large for spectral advice; k-means with 16 clusters stores 4-bit codes (%.2fx)", kmeansRatio);
    }
    return new MatrixAdvice(m, n, energy, s, rank, lowRankRatio, lowRankError, flat, sparsity, pruneRatio,
        kmeansRatio, rec, reason);
  }
}
