package org.matcomp.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Reads and writes graph_compression hparam strings ({@code key=value,key=[a,b],...}), the format of
 * {@code tf.contrib.training.HParams.parse}. Kept apart from {@link CompressionSpec} so the value type stays a value.
 */
final class HparamParser {
  /** Keys with a typed field in {@link CompressionSpec}. */
  private static final Map<String, BiConsumer<CompressionSpec.Builder, String>> TYPED = new LinkedHashMap<>();

  /**
   * The reference's hparams that no matcomp method reads (TPU, summary and collection switches, trainability flags,
   * pruning maps): accepted verbatim so existing strings parse, and kept.
   */
  private static final Set<String> REFERENCE_ONLY_KEYS = Set.of(
      "use_tpu", "use_collection", "do_transpose", "run_update_interval_check", "add_summary",
      "is_b_matrix_trainable", "is_c_matrix_trainable", "is_d_matrix_trainable", "is_c_matrix_present",
      "use_lsh", "weight_sparsity_map", "block_dims_map", "threshold_decay", "nbins", "use_2d_blocks");

  /** Every key kept as a method parameter: what the methods read ({@link Methods#ALL}) and the reference's rest. */
  static final Set<String> REFERENCE_KEYS = union(Methods.hparamKeys(), REFERENCE_ONLY_KEYS);

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> u = new java.util.TreeSet<>(a);
    u.addAll(b);
    return Set.copyOf(u);
  }

  static {
    TYPED.put("name", (b, v) -> b.name(v));
    TYPED.put("rank", (b, v) -> b.rank(parseInt("rank", v)));
    TYPED.put("begin_compression_step", (b, v) -> b.beginCompressionStep(parseLong("begin_compression_step", v)));
    TYPED.put("end_compression_step", (b, v) -> b.endCompressionStep(parseLong("end_compression_step", v)));
    TYPED.put("compression_frequency", (b, v) -> b.compressionFrequency(parseLong("compression_frequency", v)));
    TYPED.put("alpha_decrement_value", (b, v) -> b.alphaDecrementValue(parseDouble("alpha_decrement_value", v)));
    TYPED.put("compression_option", (b, v) -> b.compressionOption(parseInt("compression_option", v)));
    TYPED.put("update_option", (b, v) -> b.updateOption(UpdateOption.fromCode(parseInt("update_option", v))));
    TYPED.put("block_size", (b, v) -> b.blockSize(parseInt("block_size", v)));
    TYPED.put("seed", (b, v) -> b.seed(parseLong("seed", v)));
    // matcomp's own: an absolute size (kept rank, clusters, ...) that the reference's percentage rank cannot say.
    TYPED.put("absolute_rank", (b, v) -> b.absoluteRank(parseInt("absolute_rank", v)));
    // matcomp's own: the method by name, for methods the reference has no compression_option for (prune, int8,
    // compositions); written only for those, so reference strings read back unchanged.
    TYPED.put("method", (b, v) -> b.method(Methods.byName(v)));
  }

  private HparamParser() {}

  static CompressionSpec parse(String hparams, CompressionSpec.Builder builder) {
    for (Map.Entry<String, String> e : items(hparams).entrySet()) {
      String key = e.getKey();
      String value = e.getValue();
      BiConsumer<CompressionSpec.Builder, String> setter = TYPED.get(key);
      if (setter != null) {
        setter.accept(builder, value);
      } else if (REFERENCE_KEYS.contains(key)) {
        builder.methodParameter(key, value);
      } else {
        throw new IllegalArgumentException("unknown hparam '" + key + "' (value '" + value + "'); known: "
            + TYPED.keySet() + " and graph_compression's " + REFERENCE_KEYS.stream().sorted().toList());
      }
    }
    return builder.build();
  }

  /**
   * The string's key=value items in order. A key given twice is an error naming both values: the reference's
   * {@code HParams.parse} refuses it too, and taking either one silently hides a typo.
   */
  static Map<String, String> items(String hparams) {
    if (hparams == null) {
      throw new IllegalArgumentException("hparam string is null");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String item : splitTopLevel(hparams)) {
      int eq = item.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("hparam '" + item + "' is not of the form key=value");
      }
      String key = item.substring(0, eq).trim();
      String value = item.substring(eq + 1).trim();
      if (value.isEmpty()) {
        throw new IllegalArgumentException("hparam " + key + " has an empty value");
      }
      requireAsciiDigits(key, value);
      String earlier = out.putIfAbsent(key, value);
      if (earlier != null) {
        throw new IllegalArgumentException("hparam " + key + " is given twice (" + key + "=" + earlier + " and "
            + key + "=" + value + ")");
      }
    }
    return out;
  }

  /**
   * Java's number parsers accept any Unicode digit ({@code rank=２００} would mean 200); an hparam string is ASCII,
   * so a digit outside 0-9 is an error wherever it appears, including the method parameters parsed later.
   */
  private static void requireAsciiDigits(String key, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isDigit(c) && (c < '0' || c > '9')) {
        throw new IllegalArgumentException(String.format("hparam %s='%s' has the non-ASCII digit '%s' (U+%04X)", key,
            value, c, (int) c));
      }
    }
  }

  static String format(CompressionSpec s) {
    List<String> parts = new ArrayList<>();
    parts.add("name=" + s.name());
    parts.add("rank=" + s.rank());
    parts.add("begin_compression_step=" + s.beginCompressionStep());
    parts.add("end_compression_step=" + s.endCompressionStep());
    parts.add("compression_frequency=" + s.compressionFrequency());
    parts.add("alpha_decrement_value=" + s.alphaDecrementValue());
    s.method().optionCode().ifPresentOrElse(c -> parts.add("compression_option=" + c),
        () -> parts.add("method=" + s.method().name()));
    parts.add("update_option=" + s.updateOption().code());
    parts.add("block_size=" + s.blockSize());
    parts.add("seed=" + s.seed());
    s.absoluteRank().ifPresent(r -> parts.add("absolute_rank=" + r));
    s.methodParameters().forEach((k, v) -> {
      if (REFERENCE_KEYS.contains(k)) {
        parts.add(k + "=" + v);
      }
    });
    return String.join(",", parts);
  }

  /** Splits on commas outside brackets, so list values such as {@code weight_sparsity_map=[a:0.5,b:0.9]} survive. */
  private static List<String> splitTopLevel(String s) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    StringBuilder cur = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '[') {
        depth++;
      } else if (c == ']') {
        depth--;
        if (depth < 0) {
          throw new IllegalArgumentException("unbalanced ']' in hparam string '" + s + "'");
        }
      }
      if (c == ',' && depth == 0) {
        addNonBlank(out, cur);
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    if (depth != 0) {
      throw new IllegalArgumentException("unbalanced '[' in hparam string '" + s + "'");
    }
    addNonBlank(out, cur);
    return out;
  }

  private static void addNonBlank(List<String> out, StringBuilder cur) {
    String t = cur.toString().trim();
    if (!t.isEmpty()) {
      out.add(t);
    }
  }

  private static final java.util.regex.Pattern INTEGER = java.util.regex.Pattern.compile("[+-]?[0-9]+");
  /** Python's float() syntax for finite decimals: no hex, no 'd'/'f' suffix, no NaN or Infinity. */
  private static final java.util.regex.Pattern DECIMAL =
      java.util.regex.Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");

  private static int parseInt(String key, String v) {
    try {
      if (!INTEGER.matcher(v).matches()) {
        throw new NumberFormatException(v);
      }
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("hparam " + key + "='" + v + "' is not an integer");
    }
  }

  private static long parseLong(String key, String v) {
    try {
      if (!INTEGER.matcher(v).matches()) {
        throw new NumberFormatException(v);
      }
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("hparam " + key + "='" + v + "' is not an integer");
    }
  }

  private static double parseDouble(String key, String v) {
    try {
      if (!DECIMAL.matcher(v).matches()) {
        throw new NumberFormatException(v);
      }
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("hparam " + key + "='" + v + "' is not a number");
    }
  }
}
