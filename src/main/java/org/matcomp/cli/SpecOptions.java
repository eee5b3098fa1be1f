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
   * The spec: {@code defaults} (job-specific schedule keys), then {@code --spec}, then {@code --method} and
   * {@code --rank}, which are explicit and win.
   */
  CompressionSpec spec(CompressionSpec.Builder defaults, Map<String, String> methodParameters) {
    CompressionSpec base = defaults.method(method()).build();
    if (hparams != null) {
      base = base.withHparams(hparams);
      if (base.method() != method() && hparams.contains("compression_option")) {
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

  boolean hparamsSetRank() {
    return hparams != null && hparams.matches("(^|.*,)\\s*rank\\s*=.*");
  }
}
