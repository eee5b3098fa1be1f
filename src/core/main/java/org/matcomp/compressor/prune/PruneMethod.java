package org.matcomp.compressor.prune;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.matcomp.compressor.HparamView;
import org.matcomp.compressor.MatrixCompressor;
import org.matcomp.compressor.BaseMethod;
import org.matcomp.compressor.MethodParameters;
import org.matcomp.compressor.ProductRule;

/**
 * Pruning (the reference's separate model_pruning library, so no compression_option): A ⊙ mask, the kept values
 * stored with a bitmap or their positions.
 */
public final class PruneMethod extends BaseMethod {
  public static final PruneMethod INSTANCE = new PruneMethod();

  private PruneMethod() {
    super("prune", OptionalInt.empty(),
        "A ⊙ mask: kept values plus a bitmap or their positions (magnitude, weight-change or gradient scores;"
        + " blocks; N:M)",
        Set.of("prune_option", "gradient_decay_rate", "target_sparsity", "block_height", "block_width",
        "block_pooling_function", PruneCompressor.N_M_KEY, PruneCompressor.N_M_AXIS_KEY, "initial_sparsity",
        "sparsity_function_begin_step", "sparsity_function_end_step", "sparsity_function_exponent",
        "begin_pruning_step", "end_pruning_step", "pruning_frequency"),
        Map.of("--sparsity", "target_sparsity", "--score", "prune_option", "--n-m", PruneCompressor.N_M_KEY));
  }

  @Override
  public MethodParameters parameters(HparamView h) {
    return new PruneParameters(PruneCompressor.fromHparams(h), SparsitySchedule.fromHparams(h));
  }

  @Override
  public MatrixCompressor compressor(MethodParameters p) {
    return ((PruneParameters) p).masking();
  }

  @Override
  public ProductRule rule() {
    return new PrunedRule();
  }

  /** Gradual pruning: masks from 20 % of the steps, sparsity ramping to 90 % by 60 %, at most every 50 steps. */
  @Override
  public Map<String, String> trainingDefaults(long steps) {
    return Map.of("begin_pruning_step", Long.toString(steps / 5),
        "sparsity_function_begin_step", Long.toString(steps / 5),
        "sparsity_function_end_step", Long.toString(steps * 3 / 5),
        "pruning_frequency", Long.toString(Math.max(1, Math.min(50, steps / 40))),
        "target_sparsity", "0.9");
  }

  @Override
  public List<Map<String, String>> sweepPoints() {
    return java.util.stream.DoubleStream.of(0.5, 0.8, 0.9, 0.95, 0.98)
        .mapToObj(s -> Map.of("target_sparsity", Double.toString(s))).toList();
  }
}
