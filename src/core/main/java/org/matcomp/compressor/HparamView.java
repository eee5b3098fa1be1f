package org.matcomp.compressor;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * A spec's hparams as a method reads them: the spec's own typed fields (rank, absolute rank, block size, seed) and
 * the method-specific keys, kept as text until a method asks for them here. Every typed read fails the same way —
 * {@code spec 'NAME' (method M): key='value' is not <what was expected>} — so all methods report bad hparams alike.
 */
public final class HparamView {
  private final String specName;
  private final String method;
  private final int rank;
  private final OptionalInt absoluteRank;
  private final int blockSize;
  private final long seed;
  private final Map<String, String> values;

  public HparamView(String specName, String method, int rank, OptionalInt absoluteRank, int blockSize, long seed,
      Map<String, String> values) {
    this.specName = specName;
    this.method = method;
    this.rank = rank;
    this.absoluteRank = absoluteRank;
    this.blockSize = blockSize;
    this.seed = seed;
    this.values = Map.copyOf(values);
  }

  /** graph_compression's {@code rank}: for low-rank a compression percentage; other methods read it their way. */
  public int rank() {
    return rank;
  }

  /** matcomp's {@code absolute_rank}: an absolute size (kept rank, clusters, bits) when given. */
  public OptionalInt absoluteRank() {
    return absoluteRank;
  }

  public int blockSize() {
    return blockSize;
  }

  public long seed() {
    return seed;
  }

  public boolean has(String key) {
    return values.containsKey(key);
  }

  public Optional<String> text(String key) {
    return Optional.ofNullable(values.get(key)).map(String::trim);
  }

  public String text(String key, String fallback) {
    return text(key).orElse(fallback);
  }

  public long integer(String key, long fallback) {
    return read(key, fallback, Long::parseLong, "an integer");
  }

  public int positiveInt(String key, int fallback) {
    int v = read(key, fallback, Integer::parseInt, "an integer");
    require(v > 0, key, v, "positive");
    return v;
  }

  /** An integer key that may be absent. */
  public OptionalInt optionalPositiveInt(String key) {
    return has(key) ? OptionalInt.of(positiveInt(key, 1)) : OptionalInt.empty();
  }

  public double decimal(String key, double fallback) {
    double v = read(key, fallback, Double::parseDouble, "a number");
    require(Double.isFinite(v), key, v, "finite");
    return v;
  }

  /** A number in [0, 1). */
  public double fraction(String key, double fallback) {
    double v = decimal(key, fallback);
    require(v >= 0 && v < 1, key, v, "in [0, 1)");
    return v;
  }

  /** A boolean spelled as Python's HParams accepts it: True/False, true/false, 1/0. */
  public boolean bool(String key, boolean fallback) {
    return read(key, fallback, s -> switch (s.toLowerCase(Locale.ROOT)) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default -> throw new NumberFormatException(s);
    }, "a boolean (True or False)");
  }

  /** A value parsed by {@code parser}, whose IllegalArgumentException message says what was wrong. */
  public <T> T parsed(String key, T fallback, Function<String, T> parser) {
    Optional<String> v = text(key);
    if (v.isEmpty()) {
      return fallback;
    }
    try {
      return parser.apply(v.get());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(prefix() + key + "='" + v.get() + "': " + e.getMessage());
    }
  }

  /** Fails with the common message unless {@code ok}: {@code key=value must be <requirement>}. */
  public void require(boolean ok, String key, Object value, String requirement) {
    if (!ok) {
      throw new IllegalArgumentException(prefix() + key + "=" + value + " must be " + requirement);
    }
  }

  private <T> T read(String key, T fallback, Function<String, T> parser, String expected) {
    Optional<String> v = text(key);
    if (v.isEmpty()) {
      return fallback;
    }
    try {
      return parser.apply(v.get());
    } catch (NumberFormatException e) {
      throw error(key, v.get(), "is not " + expected);
    }
  }

  private IllegalArgumentException error(String key, String value, String what) {
    return new IllegalArgumentException(prefix() + key + "='" + value + "' " + what);
  }

  private String prefix() {
    return where() + ": ";
  }

  /** Names the source of these hparams in messages: {@code spec 'NAME' (method M)}. */
  public String where() {
    return "spec '" + specName + "' (method " + method + ")";
  }
}
