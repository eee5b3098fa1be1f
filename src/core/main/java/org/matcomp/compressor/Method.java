package org.matcomp.compressor;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * One compression method, described once: its names, the hparams it reads (parsed into a typed record when a spec is
 * parsed), how it factors a matrix, and its product rule. Everything else — the hparam parser's known keys, the
 * CLI's flags and help, error messages, the training graph and the SavedModel form — is derived from this.
 *
 * <p>Adding a method is one new package {@code compressor/<method>/} holding its descriptor, parameter record,
 * compressor, factorization and rule, plus one line in {@code Methods.ALL}.
 */
public interface Method {
  /** The name on the command line, in hparam-free specs and in reports ({@code lowrank}, {@code kmeans}, ...). */
  String name();

  /**
   * The name as it may appear inside TF node and variable names ({@code kmeans-prune} → {@code kmeans_prune},
   * {@code prune+kmeans} → {@code prune_kmeans}).
   */
  default String identifier() {
    return name().replaceAll("[^A-Za-z0-9_]", "_");
  }

  /** graph_compression's {@code compression_option}, if the reference has this method. */
  OptionalInt optionCode();

  /** One line for help texts: what B⊗C is. */
  String description();

  /** The method-specific hparam keys its parameters read (beyond the spec's own rank, block_size and seed). */
  Set<String> hparamKeys();

  /**
   * CLI flags that set one of its hparams, flag → key (e.g. {@code --clusters} → {@code absolute_rank}); a flag not
   * listed here is refused for this method.
   */
  Map<String, String> cliFlags();

  /** The typed parameters, read and validated from a spec's hparams; errors name the spec, key, value and method. */
  MethodParameters parameters(HparamView hparams);

  /** The compressor for {@code parameters} (which {@link #parameters} made). */
  MatrixCompressor compressor(MethodParameters parameters);

  /** The product rule B⊗C over the factors this method's compressor lays out. */
  ProductRule rule();

  /**
   * The hparams {@code train} starts from for a run of {@code steps} steps — sizes that really compress, schedules
   * that finish — under the user's {@code --spec} and flags, which win.
   */
  default Map<String, String> trainingDefaults(long steps) {
    return Map.of();
  }

  /** The settings {@code train --sweep} tries, from light to heavy compression, as hparams. */
  default List<Map<String, String>> sweepPoints() {
    return List.of(Map.of());
  }

  /**
   * True for graph_compression's structured options (input/output, block, mixed block), whose factors replace x·A
   * from the first step and train from scratch instead of taking over from A through the α blend.
   */
  default boolean trainsFromScratch() {
    return false;
  }
}
