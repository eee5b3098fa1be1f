package org.matcomp.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.matcomp.spec.CompressionSpec;
import picocli.CommandLine.Option;
import org.matcomp.compressor.Method;
import org.matcomp.spec.Methods;

/**
 * Options shared by {@code train}, {@code factor} and {@code compress} that make a {@link CompressionSpec}: the
 * method, the method flags, and a graph_compression hparam string whose {@code rank} keeps the reference's percentage
 * meaning. Which flag a method takes, and which hparam it sets, is the method's to say ({@link Method#cliFlags()}): a
 * flag the chosen method does not take is refused, naming the ones it does.
 */
final class SpecOptions {
  /** The hparam of an absolute size, and every spec key that also sets the size kept. */
  private static final String ABSOLUTE_RANK = "absolute_rank";
  private static final String[] SIZE_KEYS = {"rank", ABSOLUTE_RANK, "num_clusters"};

  @Option(names = "--method", defaultValue = "lowrank", completionCandidates = MethodNames.class,
      description = "one of: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
  String method;

  @Option(names = "--rank", description = "absolute size kept (low-rank: the rank; simhash: projections)")
  Integer rank;

  @Option(names = "--spec", description = "graph_compression hparam string, e.g. 'rank=200,compression_frequency=100'")
  String hparams;

  @Option(names = "--sparsity", description = "fraction of entries zeroed, in [0, 1)")
  Double sparsity;

  @Option(names = "--score", description = "pruning score: magnitude (default), first-order, second-order, gradient")
  String score;

  @Option(names = "--clusters", description = "codebook size k")
  Integer clusters;

  @Option(names = "--init", description = "centroid initialisation: linear, density, random, kmeans++")
  String init;

  @Option(names = "--atoms", description = "number of dictionary atoms")
  Integer atoms;

  @Option(names = "--nonzeros", description = "atoms per row (k); also factor --method omp")
  Integer nonzeros;

  @Option(names = "--iterations", description = "dictionary learning iterations")
  Integer iterations;

  @Option(names = "--blocks", description = "number of blocks (the compression factor)")
  Integer blocks;

  @Option(names = "--n-m", description = "N:M structured sparsity, e.g. 2:4 (keep 2 of every 4 in a row)")
  String nm;

  /** The method names {@code --method} accepts, for picocli's help: none and {@link Methods#ALL}. */
  static final class MethodNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      List<String> names = new ArrayList<>();
      names.add(Methods.NONE.name());
      names.addAll(Methods.names());
      return names.iterator();
    }
  }

  Method method() {
    return Methods.byName(method);
  }

  /** The method flags given, in a fixed order, flag → value. */
  private Map<String, Object> givenFlags() {
    Map<String, Object> given = new LinkedHashMap<>();
    given.put("--rank", rank);
    given.put("--clusters", clusters);
    given.put("--sparsity", sparsity);
    given.put("--score", score);
    given.put("--n-m", nm);
    given.put("--init", init);
    given.put("--atoms", atoms);
    given.put("--nonzeros", nonzeros);
    given.put("--iterations", iterations);
    given.put("--blocks", blocks);
    given.values().removeIf(java.util.Objects::isNull);
    return given;
  }

  /**
   * The spec: {@code defaults} (job-specific schedule), then {@code defaultHparams} (the job's sizes, e.g. a
   * method's training defaults), then {@code --spec}, then the explicit flags. A default size is dropped when the user
   * sets any size, so that a {@code --spec rank=200} is not overruled by a default absolute rank. A flag and a
   * {@code --spec} key that set the same thing are an error naming both, as is a key given twice: either choice would
   * silently drop what the user wrote.
   */
  CompressionSpec spec(CompressionSpec.Builder defaults, Map<String, String> defaultHparams) {
    Method m = method();
    Map<String, Object> given = givenFlags();
    for (Map.Entry<String, Object> e : given.entrySet()) {
      String key = m.cliFlags().get(e.getKey());
      if (key == null) {
        throw new IllegalArgumentException(e.getKey() + " does not apply to --method " + m.name()
            + (m.cliFlags().isEmpty() ? ", which takes no method flags"
                : "; it takes " + String.join(", ", new TreeSet<>(m.cliFlags().keySet()))));
      }
      if (e.getValue() instanceof Integer i && i <= 0) {
        throw new IllegalArgumentException(e.getKey() + " " + i + " must be positive");
      }
      requireNotAlsoInSpec(e.getKey(), e.getValue(), key.equals(ABSOLUTE_RANK) ? SIZE_KEYS : new String[] {key});
    }
    if (sparsity != null && !(sparsity >= 0 && sparsity < 1)) {
      throw new IllegalArgumentException("--sparsity " + sparsity + " must be in [0, 1)");
    }
    CompressionSpec base = defaults.method(m).build();
    Map<String, String> fromDefaults = new LinkedHashMap<>(defaultHparams);
    boolean userSetsSize = java.util.Arrays.stream(SIZE_KEYS).anyMatch(hparamItems()::containsKey)
        || given.keySet().stream().anyMatch(f -> ABSOLUTE_RANK.equals(m.cliFlags().get(f)));
    if (userSetsSize) {
      fromDefaults.keySet().removeAll(List.of(SIZE_KEYS));
    }
    if (!fromDefaults.isEmpty()) {
      base = base.withHparams(fromDefaults.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
          .collect(java.util.stream.Collectors.joining(",")));
    }
    if (hparams != null) {
      base = base.withHparams(hparams);
      if (!base.method().equals(m) && hparamItems().containsKey("compression_option")) {
        throw new IllegalArgumentException("--spec says compression_option for " + base.method()
            + " but --method is " + m);
      }
    }
    CompressionSpec.Builder b = base.toBuilder().method(m);
    given.forEach((flag, value) -> {
      String key = m.cliFlags().get(flag);
      if (key.equals(ABSOLUTE_RANK)) {
        b.absoluteRank((Integer) value);
      } else {
        b.methodParameter(key, value.toString());
      }
    });
    return b.build();
  }

  /**
   * Refuses {@code --method} and the method flags next to {@code option} (a plan), which sets each layer's method and
   * settings itself.
   */
  void refuseAlongside(String option, picocli.CommandLine.Model.CommandSpec command) {
    if (command.commandLine().getParseResult().hasMatchedOption("--method")) {
      throw new IllegalArgumentException(option + " sets each layer's method; drop --method " + method);
    }
    Map<String, Object> given = givenFlags();
    if (!given.isEmpty()) {
      throw new IllegalArgumentException(option + " sets each layer's settings; drop " + String.join(", ",
          given.keySet()) + " (put them in the plan's entries)");
    }
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
}
