package org.matcomp.compressor.prune;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.base.MoreObjects;
import java.util.Objects;

/**
 * model_pruning's gradual sparsity schedule and its mask-update clock, with the reference's hparam names and
 * defaults.
 *
 * <p>Sparsity at step t: {@code s_t = s_f + (s_i − s_f)(1 − p)^e} with {@code p = clip((t − begin)/(end − begin), 0,
 * 1)}, where begin/end are the sparsity-function steps. As in the reference's code (not its docstring), the pruning
 * frequency plays no part in the curve; it only gates when a new mask is computed.
 *
 * <p>Mask updates: a step updates the mask when it lies in [begin_pruning_step, end_pruning_step] (no end when
 * end_pruning_step is negative) and {@code last_mask_update_step + pruning_frequency ≤ step}. Like the reference we
 * start {@code last_mask_update_step} at {@link #INITIAL_LAST_MASK_UPDATE_STEP} = 0, not −1: keeping it means a
 * checkpointed run resumes on the same clock, at the price that with begin_pruning_step = 0 the first mask is made at
 * step pruning_frequency, not at step 0 (the mask is all ones until then).
 */
public final class SparsitySchedule {
  /** Where the mask clock starts, as model_pruning's {@code last_mask_update_step} variable does. */
  public static final long INITIAL_LAST_MASK_UPDATE_STEP = 0;

  private final double initialSparsity;
  private final double targetSparsity;
  private final long sparsityFunctionBeginStep;
  private final long sparsityFunctionEndStep;
  private final double sparsityFunctionExponent;
  private final long beginPruningStep;
  private final long endPruningStep;
  private final long pruningFrequency;

  private SparsitySchedule(Builder b) {
    this.initialSparsity = b.initialSparsity;
    this.targetSparsity = b.targetSparsity;
    this.sparsityFunctionBeginStep = b.sparsityFunctionBeginStep;
    this.sparsityFunctionEndStep = b.sparsityFunctionEndStep;
    this.sparsityFunctionExponent = b.sparsityFunctionExponent;
    this.beginPruningStep = b.beginPruningStep;
    this.endPruningStep = b.endPruningStep;
    this.pruningFrequency = b.pruningFrequency;
  }

  /** A builder holding model_pruning's defaults (0 → 0.5 over steps 0..100, exponent 3, every 10 steps). */
  public static Builder builder() {
    return new Builder();
  }

  /** One fixed sparsity from step 0 on (the one-shot compression case). */
  public static SparsitySchedule constant(double sparsity) {
    return builder().initialSparsity(sparsity).targetSparsity(sparsity).build();
  }

  /** The schedule of pruning's parameters. */
  public static SparsitySchedule of(PruneParameters p) {
    return p.schedule();
  }

  /** Reads the reference's pruning hparams; absent keys keep their defaults. */
  static SparsitySchedule fromHparams(org.matcomp.compressor.HparamView h) {
    Builder d = builder();
    return builder()
        .initialSparsity(h.decimal("initial_sparsity", d.initialSparsity))
        .targetSparsity(h.decimal("target_sparsity", d.targetSparsity))
        .sparsityFunctionBeginStep(h.integer("sparsity_function_begin_step", d.sparsityFunctionBeginStep))
        .sparsityFunctionEndStep(h.integer("sparsity_function_end_step", d.sparsityFunctionEndStep))
        .sparsityFunctionExponent(h.decimal("sparsity_function_exponent", d.sparsityFunctionExponent))
        .beginPruningStep(h.integer("begin_pruning_step", d.beginPruningStep))
        .endPruningStep(h.integer("end_pruning_step", d.endPruningStep))
        .pruningFrequency(h.integer("pruning_frequency", d.pruningFrequency))
        .build();
  }

  /** The scheduled sparsity at {@code step}, computed in double (the reference uses float32). */
  public double sparsityAt(long step) {
    double p = (double) (step - sparsityFunctionBeginStep) / (sparsityFunctionEndStep - sparsityFunctionBeginStep);
    p = Math.min(1.0, Math.max(0.0, p));
    return targetSparsity + (initialSparsity - targetSparsity) * Math.pow(1 - p, sparsityFunctionExponent);
  }

  /** Whether {@code step} lies in the pruning window (a negative end means the window never closes). */
  public boolean inPruningRange(long step) {
    return step >= beginPruningStep && (endPruningStep < 0 || step <= endPruningStep);
  }

  /**
   * Whether the mask is recomputed at {@code step}, given the step of the last update (start with {@link
   * #INITIAL_LAST_MASK_UPDATE_STEP}); after an update the caller records {@code step} as the new last step.
   */
  public boolean isMaskUpdateStep(long step, long lastMaskUpdateStep) {
    return inPruningRange(step) && lastMaskUpdateStep + pruningFrequency <= step;
  }

  public double initialSparsity() {
    return initialSparsity;
  }

  public double targetSparsity() {
    return targetSparsity;
  }

  public long sparsityFunctionBeginStep() {
    return sparsityFunctionBeginStep;
  }

  public long sparsityFunctionEndStep() {
    return sparsityFunctionEndStep;
  }

  public double sparsityFunctionExponent() {
    return sparsityFunctionExponent;
  }

  public long beginPruningStep() {
    return beginPruningStep;
  }

  public long endPruningStep() {
    return endPruningStep;
  }

  public long pruningFrequency() {
    return pruningFrequency;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SparsitySchedule s && Double.compare(initialSparsity, s.initialSparsity) == 0
        && Double.compare(targetSparsity, s.targetSparsity) == 0
        && sparsityFunctionBeginStep == s.sparsityFunctionBeginStep
        && sparsityFunctionEndStep == s.sparsityFunctionEndStep
        && Double.compare(sparsityFunctionExponent, s.sparsityFunctionExponent) == 0
        && beginPruningStep == s.beginPruningStep && endPruningStep == s.endPruningStep
        && pruningFrequency == s.pruningFrequency;
  }

  @Override
  public int hashCode() {
    return Objects.hash(initialSparsity, targetSparsity, sparsityFunctionBeginStep, sparsityFunctionEndStep,
        sparsityFunctionExponent, beginPruningStep, endPruningStep, pruningFrequency);
  }

  @Override
  public String toString() {
    return MoreObjects.toStringHelper(this)
        .add("initial_sparsity", initialSparsity)
        .add("target_sparsity", targetSparsity)
        .add("sparsity_function_begin_step", sparsityFunctionBeginStep)
        .add("sparsity_function_end_step", sparsityFunctionEndStep)
        .add("sparsity_function_exponent", sparsityFunctionExponent)
        .add("begin_pruning_step", beginPruningStep)
        .add("end_pruning_step", endPruningStep)
        .add("pruning_frequency", pruningFrequency)
        .toString();
  }

  /** Mutable builder; {@link #build()} applies model_pruning's {@code _validate_spec} rules plus a few of ours. */
  public static final class Builder {
    private double initialSparsity = 0.0;
    private double targetSparsity = 0.5;
    private long sparsityFunctionBeginStep = 0;
    private long sparsityFunctionEndStep = 100;
    private double sparsityFunctionExponent = 3.0;
    private long beginPruningStep = 0;
    private long endPruningStep = -1;
    private long pruningFrequency = 10;

    private Builder() {}

    public Builder initialSparsity(double v) {
      initialSparsity = v;
      return this;
    }

    public Builder targetSparsity(double v) {
      targetSparsity = v;
      return this;
    }

    public Builder sparsityFunctionBeginStep(long v) {
      sparsityFunctionBeginStep = v;
      return this;
    }

    public Builder sparsityFunctionEndStep(long v) {
      sparsityFunctionEndStep = v;
      return this;
    }

    public Builder sparsityFunctionExponent(double v) {
      sparsityFunctionExponent = v;
      return this;
    }

    public Builder beginPruningStep(long v) {
      beginPruningStep = v;
      return this;
    }

    /** Last step that may update the mask; negative means pruning continues to the end of training. */
    public Builder endPruningStep(long v) {
      endPruningStep = v;
      return this;
    }

    public Builder pruningFrequency(long v) {
      pruningFrequency = v;
      return this;
    }

    public SparsitySchedule build() {
      checkArgument(initialSparsity >= 0 && initialSparsity < 1, "initial_sparsity=%s must be in [0, 1)",
          initialSparsity);
      checkArgument(targetSparsity >= 0 && targetSparsity < 1, "target_sparsity=%s must be in [0, 1)",
          targetSparsity);
      checkArgument(sparsityFunctionBeginStep >= 0, "sparsity_function_begin_step=%s must be >= 0",
          sparsityFunctionBeginStep);
      checkArgument(sparsityFunctionBeginStep < sparsityFunctionEndStep,
          "sparsity_function_begin_step=%s must be before sparsity_function_end_step=%s", sparsityFunctionBeginStep,
          sparsityFunctionEndStep);
      // Not checked by the reference: e <= 0 never reaches the target (e = 0) or starts above 1 (e < 0).
      checkArgument(sparsityFunctionExponent > 0 && Double.isFinite(sparsityFunctionExponent),
          "sparsity_function_exponent=%s must be a positive number", sparsityFunctionExponent);
      checkArgument(beginPruningStep >= 0, "begin_pruning_step=%s must be >= 0", beginPruningStep);
      checkArgument(endPruningStep < 0 || endPruningStep > beginPruningStep,
          "begin_pruning_step=%s must be before end_pruning_step=%s (use -1 to prune until training stops)",
          beginPruningStep, endPruningStep);
      checkArgument(pruningFrequency > 0, "pruning_frequency=%s must be positive", pruningFrequency);
      return new SparsitySchedule(this);
    }
  }
}
