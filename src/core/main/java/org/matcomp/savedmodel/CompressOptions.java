package org.matcomp.savedmodel;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.matcomp.spec.CompressionPlan;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.spec.LayerPattern;

/**
 * Everything {@code compress} needs to know. {@code spec} carries the method and its settings, its rank included;
 * with {@code rankByEnergy} ({@link #withRankByEnergy}) low-rank instead keeps, per matrix, the smallest rank that holds
 * {@code energy} of the spectral energy.
 * {@code layers} (searched in variable names) turns selection from best-effort into a demand: every matrix it
 * matches must be compressed or the command fails.
 *
 * <p>{@code inputs} (a .npy, or a directory of {@code <input>.npy}) are fed to both models beside the built-in random
 * samples; {@code labels} (a 1-D integer .npy, one class per example row of the inputs) make the comparison an
 * accuracy too: the arg-max of each signature's classifier output against the label, before and after.
 *
 * <p>{@code plan}, when present, replaces the one spec by per-layer entries ({@link #withPlan}).
 */
public record CompressOptions(Path modelDir, Path outDir, String tag, CompressionSpec spec, boolean rankByEnergy,
    Optional<Pattern> layers, double energy, boolean force, boolean verify, Optional<Path> inputs,
    Optional<Path> labels, int verifyBatch, long seed, Optional<CompressionPlan> plan, ServingOptions serving) {
  public CompressOptions {
    Objects.requireNonNull(modelDir, "modelDir");
    Objects.requireNonNull(outDir, "outDir");
    Objects.requireNonNull(spec, "spec");
    checkArgument(energy > 0 && energy <= 1, "--energy %s must be in (0, 1]", energy);
    checkArgument(verifyBatch > 0, "verify batch %s must be positive", verifyBatch);
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(serving, "serving");
  }

  /** Compress {@code modelDir}'s matrices as {@code spec} says into {@code outDir}: tag "serve", no layer filter. */
  public static CompressOptions of(Path modelDir, Path outDir, CompressionSpec spec) {
    return new CompressOptions(modelDir, outDir, "serve", spec, false, Optional.empty(), 0.95, false, false,
        Optional.empty(), Optional.empty(), 64, 42, Optional.empty(), ServingOptions.DEFAULT);
  }

  public CompressOptions withLayers(String regex) {
    return new CompressOptions(modelDir, outDir, tag, spec, rankByEnergy, Optional.of(LayerPattern.compile(regex)), energy,
        force, verify, inputs, labels, verifyBatch, seed, plan, serving);
  }

  public CompressOptions withForce(boolean f) {
    return new CompressOptions(modelDir, outDir, tag, spec, rankByEnergy, layers, energy, f, verify, inputs, labels,
        verifyBatch, seed, plan, serving);
  }

  public CompressOptions withVerify(boolean v) {
    return new CompressOptions(modelDir, outDir, tag, spec, rankByEnergy, layers, energy, force, v, inputs, labels,
        verifyBatch, seed, plan, serving);
  }

  public CompressOptions withTag(String t) {
    return new CompressOptions(modelDir, outDir, t, spec, rankByEnergy, layers, energy, force, verify, inputs, labels,
        verifyBatch, seed, plan, serving);
  }

  /** Low-rank only: each matrix keeps the smallest rank holding {@code e} of its spectral energy, not spec's rank. */
  public CompressOptions withRankByEnergy(double e) {
    return new CompressOptions(modelDir, outDir, tag, spec, true, layers, e, force, verify, inputs, labels,
        verifyBatch, seed, plan, serving);
  }

  public CompressOptions withInputs(Optional<Path> p) {
    return new CompressOptions(modelDir, outDir, tag, spec, rankByEnergy, layers, energy, force, verify, p, labels,
        verifyBatch, seed, plan, serving);
  }

  /** Labels for the examples of {@link #inputs}, which they need. */
  public CompressOptions withLabels(Optional<Path> p) {
    return new CompressOptions(modelDir, outDir, tag, spec, rankByEnergy, layers, energy, force, verify, inputs, p,
        verifyBatch, seed, plan, serving);
  }

  /**
   * Per-layer settings: each matrix takes the first plan entry matching its name, and one no entry matches stays
   * dense; {@code spec} then only supplies what the entries share (name, seed). An entry that sets no size lets the
   * spectrum pick low-rank's rank as {@link #withRankByEnergy} does.
   */
  public CompressOptions withPlan(CompressionPlan p) {
    return new CompressOptions(modelDir, outDir, tag, spec, rankByEnergy, layers, energy, force, verify, inputs, labels,
        verifyBatch, seed, Optional.of(p), serving);
  }

  /** These options with {@code s} as the spec; {@code byEnergy}: low-rank picks its rank from the spectrum. */
  public CompressOptions withSpec(CompressionSpec s, boolean byEnergy) {
    return new CompressOptions(modelDir, outDir, tag, s, byEnergy, layers, energy, force, verify, inputs, labels,
        verifyBatch, seed, plan, serving);
  }

  /** How weights whose form rebuilds them are served ({@link ServingForm}; default: fast). */
  public CompressOptions withServingForm(ServingForm f) {
    return new CompressOptions(modelDir, outDir, tag, spec, rankByEnergy, layers, energy, force, verify, inputs, labels,
        verifyBatch, seed, plan, serving.withForm(f));
  }

  /** Whether the fast form serves mostly-zero weights as their nonzeros ({@link SparseExecution}). */
  public CompressOptions withSparseExecution(SparseExecution s) {
    return new CompressOptions(modelDir, outDir, tag, spec, rankByEnergy, layers, energy, force, verify, inputs, labels,
        verifyBatch, seed, plan, serving.withSparse(s));
  }
}
