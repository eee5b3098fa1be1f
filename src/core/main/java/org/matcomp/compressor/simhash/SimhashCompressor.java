package org.matcomp.compressor.simhash;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.linalg.Gemm;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.FactorType;
import org.matcomp.compressor.MatrixCompressor;
import org.matcomp.compressor.Method;
import org.matcomp.compressor.SeededGaussian;

/**
 * graph_compression's option 2 (decompose_matrix.np_simhash_decompose): a Gaussian projection R (m×k, seeded),
 * signs S = sign(Rᵀ·A) with sign(0) = +1 (k×n), and a per-column scale D chosen so that every column of R·S·D has
 * the norm of A's column; A ≈ R·S·D.
 *
 * <p>Factors: {@code seed} (R's, two int32), {@code S} (k×n bits, 1 ↔ +1 and 0 ↔ −1, fixed), {@code D} (n float32,
 * trainable). R is not stored: it is drawn here by TensorFlow's stateless random normal op ({@link SeededGaussian}),
 * the op the training graph and every export run to regenerate it, so all of them see the same R and it costs 8
 * bytes. The accounting counts what is stored — seed, packed S, D — where the reference counts only R, ignores S and
 * D, and stores the dense m×n product anyway.
 */
public final class SimhashCompressor implements MatrixCompressor {
  private final int size;
  private final boolean absolute;
  private final long seed;

  private SimhashCompressor(int size, boolean absolute, long seed) {
    this.size = size;
    this.absolute = absolute;
    this.seed = seed;
  }

  /** Exactly {@code k} projections. */
  public static SimhashCompressor withProjections(int k, long seed) {
    checkArgument(k > 0, "simhash projections k=%s must be positive", k);
    return new SimhashCompressor(k, true, seed);
  }

  /**
   * The spec's absolute size as k if present, else the reference's rule k = (min(m, n)·100) // rank + 1 (floor
   * division plus one) capped at min(m, n): uncapped, it gives 14·min(m, n) projections at the default rank of 7, a
   * product 14 times dearer than A's. With k ≤ m the signs take at most m·n/8 bytes, so any matrix of 5 rows or more
   * is stored at least 4× smaller. Seeded with the spec's seed.
   */
  public static SimhashCompressor of(SimhashParameters p) {
    return p.projections().absolute() ? withProjections(p.projections().value(), p.seed())
        : new SimhashCompressor(p.projections().value(), false, p.seed());
  }

  @Override
  public Method method() {
    return SimhashMethod.INSTANCE;
  }

  /** Number of projections k for an m×n matrix named {@code name}. */
  public int projections(String name, int rows, int cols) {
    checkArgument(rows > 0 && cols > 0, "%s has an empty shape %sx%s", name, rows, cols);
    if (absolute) {
      return size;
    }
    return (int) Math.min((long) Math.min(rows, cols) * 100 / size + 1, Math.min(rows, cols));
  }

  @Override
  public List<FactorSpec> layout(String name, int rows, int cols) {
    int k = projections(name, rows, cols);
    List<FactorSpec> specs = List.of(
        new FactorSpec(SimhashRule.SEED, FactorType.INT32, new int[] {2}, false),
        new FactorSpec(SimhashRule.S, FactorType.BIT, new int[] {k, cols}, false),
        FactorSpec.trainableFloat(SimhashRule.D, cols));
    return specs;
  }

  @Override
  public SimhashFactorization compress(String name, FloatMatrix a) {
    a.requireFinite(name);
    int m = a.rows();
    int n = a.cols();
    List<FactorSpec> specs = layout(name, m, n);
    int k = specs.get(1).shape()[0];
    int[] seedPair = SeededGaussian.seedPair(seed);
    float[] r = SeededGaussian.draw(seedPair, new int[] {m, k});
    float[] data = a.copyData();
    float[] projected = Gemm.multiply(FloatMatrix.adopt(m, k, r).transpose().copyData(), k, m, data, n);
    int[] bits = new int[k * n];
    float[] signs = new float[k * n];
    for (int i = 0; i < bits.length; i++) {
      boolean positive = projected[i] >= 0f; // sign(0) = +1, as the reference's strict_sign
      bits[i] = positive ? 1 : 0;
      signs[i] = positive ? 1f : -1f;
    }
    float[] rs = Gemm.multiply(r, m, k, signs, n);
    float[] d = new float[n];
    for (int j = 0; j < n; j++) {
      double target = 0;
      double have = 0;
      for (int i = 0; i < m; i++) {
        target += (double) data[i * n + j] * data[i * n + j];
        have += (double) rs[i * n + j] * rs[i * n + j];
      }
      d[j] = have == 0 ? 0f : (float) Math.sqrt(target / have);
    }
    return new SimhashFactorization(Factor.ofInts(specs.get(0), seedPair), Factor.ofInts(specs.get(1), bits),
        Factor.ofFloats(specs.get(2), d), m, k, n);
  }

  @Override
  public String toString() {
    return "SimhashCompressor[" + (absolute ? "k=" + size : "rank=" + size) + ", seed=" + seed + "]";
  }
}
