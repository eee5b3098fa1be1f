package org.matcomp.cli;

import java.util.Map;
import org.matcomp.spec.CompressionMethod;
import org.matcomp.spec.CompressionSpec;
import picocli.CommandLine.Option;

/**
 * Options shared by {@code train} and {@code factor} that make a {@link CompressionSpec}: the method, an absolute
 * {@code --rank}, and a graph_compression hparam string whose {@code rank} keeps the reference's percentage meaning.
 */
final class SpecOptions {
  @Option(names = "--method", defaultValue = "lowrank",
      description = "none, lowrank, simhash, kmeans, kmeans-prune, prune, dictionary, ... (default: ${DEFAULT-VALUE})")
  String method;

  @Option(names = "--rank", description = "absolute size kept (low-rank: rank; simhash: bits per column)")
  Integer rank;

  @Option(names = "--spec", description = "graph_compression hparam string, e.g. 'rank=200,compression_frequency=100'")
  String hparams;

  @Option(names = "--sparsity", description = "prune: fraction of entries zeroed, in [0, 1)")
  Double sparsity;

  @Option(names = "--score", description = "prune: magnitude (default), first-order, second-order, gradient")
  String score;

  @Option(names = "--clusters", description = "kmeans / kmeans-prune: codebook size k")
  Integer clusters;

  @Option(names = "--init", description = "kmeans: centroid initialisation linear, density, random, kmeans++")
  String init;

  @Option(names = "--atoms", description = "dictionary: number of atoms")
  Integer atoms;

  @Option(names = "--nonzeros", description = "dictionary / omp: atoms per row (k)")
  Integer nonzeros;

  @Option(names = "--iterations", description = "dictionary: learning iterations")
  Integer iterations;

  @Option(names = "--blocks", description = "block / mixed-block: number of diagonal blocks (compression factor)")
  Integer blocks;

  @Option(names = "--n-m", description = "prune: N:M structured sparsity, e.g. 2:4 (keep 2 of every 4 in a row)")
  String nm;

  CompressionMethod method() {
    return CompressionMethod.fromCliName(method);
  }

  /**
   * The spec: {@code defaults} (job-specific schedule keys), then {@code --spec}, then the explicit flags. A flag and
   * a {@code --spec} key that set the same thing are an error naming both, as is a key given twice: either choice
   * would silently drop what the user wrote.
   */
  CompressionSpec spec(CompressionSpec.Builder defaults, Map<String, String> methodParameters) {
    requirePositive("--rank", rank);
    requirePositive("--clusters", clusters);
    requirePositive("--atoms", atoms);
    requirePositive("--nonzeros", nonzeros);
    requirePositive("--iterations", iterations);
    requirePositive("--blocks", blocks);
    if (sparsity != null && !(sparsity >= 0 && sparsity < 1)) {
      throw new IllegalArgumentException("--sparsity " + sparsity + " must be in [0, 1)");
    }
    if (rank != null && clusters != null) {
      throw new IllegalArgumentException("--rank " + rank + " and --clusters " + clusters + " both set the size kept;"
          + " give one");
    }
    requireNotAlsoInSpec("--rank", rank, "rank", "absolute_rank", "num_clusters");
    requireNotAlsoInSpec("--clusters", clusters, "rank", "absolute_rank", "num_clusters");
    requireNotAlsoInSpec("--sparsity", sparsity, "target_sparsity");
    requireNotAlsoInSpec("--score", score, "prune_option");
    requireNotAlsoInSpec("--n-m", nm, "n_m");
    requireNotAlsoInSpec("--init", init, "kmeans_init");
    requireNotAlsoInSpec("--atoms", atoms, "dl_atoms");
    requireNotAlsoInSpec("--nonzeros", nonzeros, "dl_nonzeros");
    requireNotAlsoInSpec("--iterations", iterations, "dl_iterations");
    requireNotAlsoInSpec("--blocks", blocks, "block_compression_factor", "compression_factor");
    CompressionSpec base = defaults.method(method()).build();
    if (hparams != null) {
      base = base.withHparams(hparams);
      if (base.method() != method() && hparamItems().containsKey("compression_option")) {
        throw new IllegalArgumentException("--spec says compression_option for " + base.method()
            + " but --method is " + method());
      }
    }
    CompressionSpec.Builder b = base.toBuilder().method(method());
    if (rank != null) {
      b.absoluteRank(rank);
    }
    methodParameters.forEach(b::methodParameter);
    if (sparsity != null) {
      b.methodParameter("target_sparsity", Double.toString(sparsity));
    }
    if (score != null) {
      b.methodParameter("prune_option", score);
    }
    if (nm != null) {
      b.methodParameter("n_m", nm);
    }
    if (clusters != null) {
      b.absoluteRank(clusters);
    }
    if (init != null) {
      b.methodParameter("kmeans_init", init);
    }
    if (atoms != null) {
      b.methodParameter("dl_atoms", atoms.toString());
    }
    if (nonzeros != null) {
      b.methodParameter("dl_nonzeros", nonzeros.toString());
    }
    if (iterations != null) {
      b.methodParameter("dl_iterations", iterations.toString());
    }
    if (blocks != null) {
      b.methodParameter(method() == CompressionMethod.MIXED_BLOCK ? "compression_factor" : "block_compression_factor",
          Integer.toString(blocks));
    }
    return b.build();
  }

  /** The items of {@code --spec} (empty without one), checked for form and duplicate keys. */
  Map<String, String> hparamItems() {
    return hparams == null ? Map.of() : CompressionSpec.hparamItems(hparams);
  }

  boolean hparamsSetRank() {
    return hparamItems().containsKey("rank") || hparamItems().containsKey("absolute_rank");
  }

  /**
   * Refuses a flag given together with a {@code --spec} key that sets the same value (for flags a command owns,
   * such as {@code --seed}); {@code value} null means the flag was not given.
   */
  void requireNotAlsoInSpec(String flag, Object value, String... keys) {
    if (value == null) {
      return;
    }
    Map<String, String> items = hparamItems();
    for (String k : keys) {
      if (items.containsKey(k)) {
        throw new IllegalArgumentException(flag + " " + value + " and --spec " + k + "=" + items.get(k)
            + " both set it; give one");
      }
    }
  }

  private static void requirePositive(String flag, Integer value) {
    if (value != null && value <= 0) {
      throw new IllegalArgumentException(flag + " " + value + " must be positive");
    }
  }
}
