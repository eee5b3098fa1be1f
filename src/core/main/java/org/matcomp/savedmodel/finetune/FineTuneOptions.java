package org.matcomp.savedmodel.finetune;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.matcomp.savedmodel.ServingForm;
import org.matcomp.savedmodel.ServingOptions;
import org.matcomp.savedmodel.SparseExecution;
import org.matcomp.spec.CompressionPlan;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.spec.LayerPattern;

/**
 * Everything {@code finetune} needs besides the data: the model and where the result goes, the method and its
 * schedule ({@code spec}; {@link SavedModelFineTuner#scheduleDefaults} gives the usual one for a number of steps), the
 * matrices ({@code layers}, a regex searched in variable names; all weight matrices on the path by default), the
 * output the labels are for and the loss, and the optimisation: Adam at {@code learningRate} for {@code steps}
 * mini-batches of {@code batch}. Every variable on the path trains unless {@code freezeOthers}.
 */
public record FineTuneOptions(Path modelDir, Path outDir, String tag, String signature, CompressionSpec spec,
    Optional<Pattern> layers, Optional<String> output, Loss loss, long steps, int batch, float learningRate,
    boolean freezeOthers, long seed, boolean force, Optional<CompressionPlan> plan, ServingOptions serving) {
  public FineTuneOptions {
    Objects.requireNonNull(modelDir, "modelDir");
    Objects.requireNonNull(outDir, "outDir");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(loss, "loss");
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(serving, "serving");
    checkArgument(steps > 0, "--steps %s must be positive", steps);
    checkArgument(batch > 0, "--batch %s must be positive", batch);
    checkArgument(learningRate > 0 && Float.isFinite(learningRate), "--learning-rate %s must be positive",
        learningRate);
  }

  /** Defaults: tag "serve", signature "serving_default", 3000 steps of 128, learning rate 1e-3, seed 42. */
  public static FineTuneOptions of(Path modelDir, Path outDir, CompressionSpec spec, Loss loss) {
    return new FineTuneOptions(modelDir, outDir, "serve", "serving_default", spec, Optional.empty(), Optional.empty(),
        loss, 3000, 128, 1e-3f, false, 42, false, Optional.empty(), ServingOptions.DEFAULT);
  }

  public FineTuneOptions withLayers(String regex) {
    return new FineTuneOptions(modelDir, outDir, tag, signature, spec, Optional.of(LayerPattern.compile(regex)),
        output, loss, steps, batch, learningRate, freezeOthers, seed, force, plan, serving);
  }

  public FineTuneOptions withOutput(String name) {
    return new FineTuneOptions(modelDir, outDir, tag, signature, spec, layers, Optional.of(name), loss, steps, batch,
        learningRate, freezeOthers, seed, force, plan, serving);
  }

  public FineTuneOptions withTag(String t) {
    return new FineTuneOptions(modelDir, outDir, t, signature, spec, layers, output, loss, steps, batch,
        learningRate, freezeOthers, seed, force, plan, serving);
  }

  public FineTuneOptions withSignature(String key) {
    return new FineTuneOptions(modelDir, outDir, tag, key, spec, layers, output, loss, steps, batch, learningRate,
        freezeOthers, seed, force, plan, serving);
  }

  public FineTuneOptions withTraining(long steps, int batch, float learningRate) {
    return new FineTuneOptions(modelDir, outDir, tag, signature, spec, layers, output, loss, steps, batch,
        learningRate, freezeOthers, seed, force, plan, serving);
  }

  public FineTuneOptions withFreezeOthers(boolean f) {
    return new FineTuneOptions(modelDir, outDir, tag, signature, spec, layers, output, loss, steps, batch,
        learningRate, f, seed, force, plan, serving);
  }

  public FineTuneOptions withSeed(long s) {
    return new FineTuneOptions(modelDir, outDir, tag, signature, spec, layers, output, loss, steps, batch,
        learningRate, freezeOthers, s, force, plan, serving);
  }

  public FineTuneOptions withForce(boolean f) {
    return new FineTuneOptions(modelDir, outDir, tag, signature, spec, layers, output, loss, steps, batch,
        learningRate, freezeOthers, seed, f, plan, serving);
  }

  /**
   * Per-layer methods and settings ({@code compress --plan}'s): each matrix on the path takes the first entry matching
   * its name, and one no entry matches is not compressed (it trains as it is); {@code spec} supplies the schedule.
   */
  public FineTuneOptions withPlan(CompressionPlan p) {
    return new FineTuneOptions(modelDir, outDir, tag, signature, spec, layers, output, loss, steps, batch,
        learningRate, freezeOthers, seed, force, Optional.of(p), serving);
  }

  /** How the export serves weights whose form rebuilds them (default: fast). */
  public FineTuneOptions withServingForm(ServingForm f) {
    return new FineTuneOptions(modelDir, outDir, tag, signature, spec, layers, output, loss, steps, batch,
        learningRate, freezeOthers, seed, force, plan, serving.withForm(f));
  }

  /** Whether the fast form serves mostly-zero weights as their nonzeros ({@link SparseExecution}). */
  public FineTuneOptions withSparseExecution(SparseExecution s) {
    return new FineTuneOptions(modelDir, outDir, tag, signature, spec, layers, output, loss, steps, batch,
        learningRate, freezeOthers, seed, force, plan, serving.withSparse(s));
  }

  /** The spec matrix {@code name} is compressed with: its plan entry's, or the one spec. */
  public CompressionSpec specFor(String name) {
    return plan.map(p -> p.entryFor(name).map(CompressionPlan.Entry::spec).orElseThrow(
        () -> new IllegalArgumentException("no plan entry for " + name))).orElse(spec);
  }
}
