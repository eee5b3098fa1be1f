package org.matcomp.compressor.prune;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.base.MoreObjects;
import java.util.List;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.HparamView;
import org.matcomp.compressor.MatrixCompressor;
import org.matcomp.compressor.Method;
import org.matcomp.linalg.FloatMatrix;

/**
 * Pruning as a compression method: A becomes mask ⊙ A, stored as the kept values plus their positions (see {@link
 * PrunedFactorization}). The mask comes from a score (|w| by default) and a rule (elementwise, blocks, or N:M) at the
 * target sparsity; the gradual schedule of model_pruning lives in {@link SparsitySchedule} for the training loop.
 *
 * <p>One-shot use sees a single matrix, so the weight-change scores (zero history) rank exactly like magnitude, and
 * gradient saliency, which needs training steps, is refused by {@link #compress}; feed its scores through {@link
 * #compressWithScores} instead.
 */
public final class PruneCompressor implements MatrixCompressor {
  /** Hparam keys that matcomp adds to the reference's pruning hparams. */
  public static final String N_M_KEY = "n_m";

  public static final String N_M_AXIS_KEY = "n_m_axis";

  private final double sparsity;
  private final MaskRule rule;
  private final ScoreKind score;
  private final double gradientDecayRate;

  private PruneCompressor(double sparsity, MaskRule rule, ScoreKind score, double gradientDecayRate) {
    this.sparsity = sparsity;
    this.rule = rule;
    this.score = score;
    this.gradientDecayRate = gradientDecayRate;
  }

  /** Elementwise magnitude pruning to {@code sparsity} (the fraction zeroed, in [0, 1)). */
  public static PruneCompressor withSparsity(double sparsity) {
    return builder().sparsity(sparsity).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * From the reference's pruning hparams in the spec: target_sparsity (default 0.5), block_height, block_width,
   * block_pooling_function, prune_option (weight, first_order_gradient, second_order_gradient, or our
   * loss_gradient), gradient_decay_rate; plus matcomp's {@code n_m} ("2:4") and {@code n_m_axis} ("rows" or
   * "columns"). With {@code n_m} the sparsity defaults to 1 − N/M.
   */
  /** The masking settings of pruning's parameters. */
  public static PruneCompressor of(PruneParameters p) {
    return p.masking();
  }

  static PruneCompressor fromHparams(HparamView h) {
    Builder b = builder()
        .score(h.parsed("prune_option", ScoreKind.MAGNITUDE, ScoreKind::parse))
        .gradientDecayRate(h.decimal("gradient_decay_rate", 0.99));
    if (h.has("target_sparsity") || !h.has(N_M_KEY)) {
      b.sparsity(h.fraction("target_sparsity", 0.5));
    }
    int bh = h.positiveInt("block_height", 1);
    int bw = h.positiveInt("block_width", 1);
    boolean blocks = bh != 1 || bw != 1;
    if (h.has(N_M_KEY)) {
      h.require(!blocks, N_M_KEY, h.text(N_M_KEY, ""), "left out with block_height/block_width (choose N:M or"
          + " blocks, not both)");
      NmMask.Axis axis = h.parsed(N_M_AXIS_KEY, NmMask.Axis.ALONG_ROWS, PruneCompressor::parseAxis);
      b.rule(h.parsed(N_M_KEY, null, v -> NmMask.parse(v, axis)));
    } else if (blocks) {
      b.rule(BlockMask.of(bh, bw, h.parsed("block_pooling_function", Pooling.AVG, Pooling::parse)));
    }
    return b.build();
  }

  private static NmMask.Axis parseAxis(String axis) {
    return switch (axis) {
      case "rows" -> NmMask.Axis.ALONG_ROWS;
      case "columns" -> NmMask.Axis.ALONG_COLUMNS;
      default -> throw new IllegalArgumentException("is not 'rows' or 'columns'");
    };
  }

  @Override
  public Method method() {
    return PruneMethod.INSTANCE;
  }

  public double sparsity() {
    return sparsity;
  }

  public MaskRule rule() {
    return rule;
  }

  public ScoreKind score() {
    return score;
  }

  /** A fresh score of this compressor's kind, for a training loop that tracks one matrix. */
  public PruningScore newScore() {
    return score.create(gradientDecayRate);
  }

  @Override
  public List<FactorSpec> layout(String name, int rows, int cols) {
    return PrunedFactorization.layout(rows, cols, rule.keptCount(name, rows, cols, sparsity));
  }

  @Override
  public PrunedFactorization compress(String name, FloatMatrix a) {
    a.requireFinite(name);
    checkArgument(score != ScoreKind.LOSS_GRADIENT,
        "%s: gradient saliency needs loss gradients from training steps; use compressWithScores with the scores of"
            + " a GradientSaliencyScore", name);
    float[] w = a.copyData();
    float[] s = newScore().scoresAtMaskUpdate(name, w, a.rows(), a.cols());
    return prune(name, w, a.rows(), a.cols(), s);
  }

  /** Prunes {@code a} by scores computed elsewhere (e.g. a {@link PruningScore} fed during training). */
  public PrunedFactorization compressWithScores(String name, FloatMatrix a, float[] scores) {
    a.requireFinite(name);
    return prune(name, a.copyData(), a.rows(), a.cols(), scores);
  }

  private PrunedFactorization prune(String name, float[] w, int rows, int cols, float[] scores) {
    int expected = rule.keptCount(name, rows, cols, sparsity);
    PruningMask mask = rule.select(name, scores, rows, cols, sparsity);
    if (mask.keptCount() != expected) {
      throw new IllegalStateException(name + ": " + rule + " kept " + mask.keptCount() + " entries, its layout says "
          + expected);
    }
    return PrunedFactorization.of(w, rows, cols, mask);
  }

  @Override
  public String toString() {
    return MoreObjects.toStringHelper(this)
        .add("sparsity", sparsity)
        .add("rule", rule)
        .add("score", score)
        .add("gradientDecayRate", gradientDecayRate)
        .toString();
  }

  /** Mutable builder: elementwise magnitude pruning unless told otherwise. */
  public static final class Builder {
    private Double sparsity;
    private MaskRule rule = MagnitudeMask.create();
    private ScoreKind score = ScoreKind.MAGNITUDE;
    private double gradientDecayRate = 0.99;

    private Builder() {}

    /** The fraction of entries zeroed, in [0, 1). Optional with N:M, where it must equal 1 − N/M. */
    public Builder sparsity(double v) {
      sparsity = v;
      return this;
    }

    public Builder rule(MaskRule v) {
      checkArgument(v != null, "mask rule is null");
      rule = v;
      return this;
    }

    public Builder blocks(int blockHeight, int blockWidth, Pooling pooling) {
      return rule(BlockMask.of(blockHeight, blockWidth, pooling));
    }

    public Builder nm(int n, int m, NmMask.Axis axis) {
      return rule(NmMask.of(n, m, axis));
    }

    public Builder score(ScoreKind v) {
      checkArgument(v != null, "pruning score is null");
      score = v;
      return this;
    }

    public Builder gradientDecayRate(double v) {
      gradientDecayRate = v;
      return this;
    }

    public PruneCompressor build() {
      double s;
      if (rule instanceof NmMask nm) {
        s = sparsity == null ? nm.nativeSparsity() : sparsity;
        checkArgument(Math.abs(s - nm.nativeSparsity()) < 1e-9,
            "N:M %s:%s fixes the sparsity at 1 - N/M = %s; got sparsity %s (leave it out)", nm.n(), nm.m(),
            nm.nativeSparsity(), s);
      } else {
        checkArgument(sparsity != null, "pruning needs a sparsity (the fraction of entries zeroed, in [0, 1))");
        s = sparsity;
      }
      checkArgument(s >= 0 && s < 1, "sparsity=%s is outside [0, 1)", s);
      checkArgument(gradientDecayRate >= 0 && gradientDecayRate <= 1, "gradient_decay_rate=%s must be in [0, 1]",
          gradientDecayRate);
      return new PruneCompressor(s, rule, score, gradientDecayRate);
    }
  }
}
