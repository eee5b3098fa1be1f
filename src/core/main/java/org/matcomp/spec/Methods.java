package org.matcomp.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.matcomp.compressor.Method;
import org.matcomp.compressor.blockdiagonal.BlockDiagonalMethod;
import org.matcomp.compressor.compose.ComposedMethod;
import org.matcomp.compressor.dictionary.DictionaryMethod;
import org.matcomp.compressor.inputoutput.InputOutputMethod;
import org.matcomp.compressor.kmeans.KMeansMethod;
import org.matcomp.compressor.kmeans.KMeansPruneMethod;
import org.matcomp.compressor.lowrank.LowRankMethod;
import org.matcomp.compressor.narrow.NarrowMethod;
import org.matcomp.compressor.mixedblock.MixedBlockMethod;
import org.matcomp.compressor.prune.PruneMethod;
import org.matcomp.compressor.simhash.SimhashMethod;

/** Every compression method matcomp has, listed once; names, option codes, keys and help derive from this list. */
public final class Methods {
  /** All methods: graph_compression's in its option order, then pruning and matcomp's own. */
  public static final List<Method> ALL = List.of(
      LowRankMethod.INSTANCE,
      SimhashMethod.INSTANCE,
      DictionaryMethod.INSTANCE,
      KMeansMethod.INSTANCE,
      KMeansPruneMethod.INSTANCE,
      InputOutputMethod.INSTANCE,
      BlockDiagonalMethod.INSTANCE,
      MixedBlockMethod.INSTANCE,
      PruneMethod.INSTANCE,
      NarrowMethod.INT8,
      NarrowMethod.FP16,
      NarrowMethod.BF16);

  /** No compression: {@code train}'s dense baseline. Not in {@link #ALL}. */
  public static final Method NONE = NoCompression.INSTANCE;

  private Methods() {}

  /**
   * The method called {@code name} on the command line ({@code none} included), or the composition {@code
   * first+coder} of two of them ({@code prune+kmeans}, {@code lowrank+int8}).
   */
  public static Method byName(String name) {
    if (name.equals(NONE.name())) {
      return NONE;
    }
    int plus = name.indexOf('+');
    if (plus >= 0) {
      String[] parts = name.split("\\+", -1);
      if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
        throw new IllegalArgumentException("method '" + name + "': a composition is two methods, first+coder (e.g."
            + " prune+kmeans, lowrank+int8)");
      }
      if (parts[0].equals(parts[1])) {
        throw new IllegalArgumentException("method '" + name + "' applies " + parts[0] + " twice");
      }
      return ComposedMethod.of(single(parts[0]), single(parts[1]));
    }
    return single(name);
  }

  private static Method single(String name) {
    return ALL.stream().filter(m -> m.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown method '" + name + "'; expected one of " + names()));
  }

  /** The method with graph_compression's {@code compression_option=code}. */
  public static Method byOptionCode(int code) {
    return ALL.stream().filter(m -> m.optionCode().isPresent() && m.optionCode().getAsInt() == code).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("compression_option=" + code + " is not one of "
            + ALL.stream().filter(m -> m.optionCode().isPresent())
                .map(m -> m.optionCode().getAsInt() + " (" + m.name() + ")").collect(Collectors.joining(", "))));
  }

  /** The names of {@link #ALL}. */
  public static List<String> names() {
    return ALL.stream().map(Method::name).toList();
  }

  /** Every method-specific hparam key some method reads. */
  static Set<String> hparamKeys() {
    return ALL.stream().flatMap(m -> m.hparamKeys().stream()).collect(Collectors.toCollection(TreeSet::new));
  }

  /** The CLI flags some method takes, sorted. */
  public static Set<String> cliFlags() {
    return ALL.stream().flatMap(m -> m.cliFlags().keySet().stream())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** For help texts: {@code name (option N): description} a line. */
  public static String help() {
    return ALL.stream().map(m -> m.name() + m.optionCode().stream().mapToObj(c -> " (option " + c + ")")
        .collect(Collectors.joining()) + ": " + m.description()).collect(Collectors.joining("\n"));
  }

  static String[] nameArray() {
    return Arrays.copyOf(names().toArray(String[]::new), ALL.size());
  }
}
