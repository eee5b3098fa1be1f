package org.matcomp.spec;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.matcomp.compressor.Method;

/**
 * A per-layer plan: an ordered list of entries {@code {"layers": REGEX, "method": NAME, settings...}}; a matrix takes
 * the first entry whose regex is found in its name, and a matrix no entry matches stays dense. Settings are the
 * command's flags without dashes ({@code "rank": 16}, {@code "clusters": 16}, {@code "sparsity": 0.9}) or the
 * method's hparam keys ({@code "target_sparsity"}, {@code "num_clusters"}); anything else is refused, naming the
 * entry. A file holds the list itself or an object with the list under {@code "plan"} (what {@code inspect --json}
 * writes), so an inspection can be edited and passed back.
 */
public final class CompressionPlan {
  /** One entry: the layers it covers, the spec it applies, and whether it fixed the size (else the spectrum picks). */
  public record Entry(int index, Pattern layers, CompressionSpec spec, boolean sizeGiven) {
    /** How errors name this entry: its 1-based position and regex. */
    public String label() {
      return "plan entry " + index + " (layers '" + layers.pattern() + "')";
    }
  }

  /** Keys every entry may set besides its method's own: the spec's typed fields. */
  private static final Set<String> SPEC_KEYS = Set.of("rank", "absolute_rank", "block_size", "seed");

  private final List<Entry> entries;
  private final String json;

  private CompressionPlan(List<Entry> entries, String json) {
    this.entries = List.copyOf(entries);
    this.json = json;
  }

  public List<Entry> entries() {
    return entries;
  }

  /** The plan as JSON (a list of entries), for the report and for a file written next to it. */
  public String toJson() {
    return json;
  }

  /**
   * Parses {@code text} ({@code source} names it in errors); each entry's spec starts from {@code base} (name, seed,
   * schedule) with the entry's method and settings.
   */
  public static CompressionPlan parse(String text, String source, CompressionSpec base) {
    return parse(text, source, base, m -> Map.of());
  }

  /**
   * As {@link #parse(String, String, CompressionSpec)}, each entry's settings applied over {@code defaults} of its
   * method (a job's sizes and schedules, e.g. {@link Method#trainingDefaults}); a default size is dropped when the
   * entry sets one.
   */
  public static CompressionPlan parse(String text, String source, CompressionSpec base,
      Function<Method, Map<String, String>> defaults) {
    JsonElement root;
    try {
      root = JsonParser.parseString(text);
    } catch (JsonParseException e) {
      throw new IllegalArgumentException(source + " is not valid JSON: " + firstLine(e.getMessage()), e);
    }
    if (root.isJsonObject() && root.getAsJsonObject().has("plan")) {
      root = root.getAsJsonObject().get("plan");
    }
    if (!root.isJsonArray()) {
      throw new IllegalArgumentException(source + ": a plan is a JSON list of {\"layers\": REGEX, \"method\": NAME, ...}"
          + " entries (or an object holding it under \"plan\")");
    }
    JsonArray list = root.getAsJsonArray();
    if (list.isEmpty()) {
      throw new IllegalArgumentException(source + ": the plan has no entries");
    }
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      entries.add(entry(list.get(i), i + 1, source, base, defaults));
    }
    JsonArray normalised = new JsonArray();
    list.forEach(normalised::add);
    return new CompressionPlan(entries, new com.google.gson.GsonBuilder().setPrettyPrinting().create()
        .toJson(normalised));
  }

  private static Entry entry(JsonElement e, int index, String source, CompressionSpec base,
      Function<Method, Map<String, String>> defaults) {
    String where = source + ": plan entry " + index;
    if (!e.isJsonObject()) {
      throw new IllegalArgumentException(where + " is not an object {\"layers\": REGEX, \"method\": NAME, ...}");
    }
    JsonObject o = e.getAsJsonObject();
    String regex = text(o, "layers", where);
    Pattern layers;
    try {
      layers = Pattern.compile(regex);
    } catch (PatternSyntaxException x) {
      throw new IllegalArgumentException(String.format("%s: layers '%s' is not a valid regular expression: %s%s",
          where, regex, x.getDescription(), x.getIndex() >= 0 ? " at index " + x.getIndex() : ""), x);
    }
    where = source + ": plan entry " + index + " (layers '" + regex + "')";
    Method method;
    try {
      method = Methods.byName(text(o, "method", where));
    } catch (IllegalArgumentException x) {
      throw new IllegalArgumentException(where + ": " + x.getMessage(), x);
    }
    Map<String, String> flagKeys = new LinkedHashMap<>();
    method.cliFlags().forEach((flag, key) -> flagKeys.put(flag.substring(2).replace('-', '_'), key));
    Set<String> known = new TreeSet<>(flagKeys.keySet());
    known.addAll(method.hparamKeys());
    known.addAll(SPEC_KEYS);
    Map<String, String> hparams = new LinkedHashMap<>();
    boolean sizeGiven = false;
    for (Map.Entry<String, JsonElement> kv : o.entrySet()) {
      String key = kv.getKey();
      if (key.equals("layers") || key.equals("method")) {
        continue;
      }
      if (!known.contains(key)) {
        throw new IllegalArgumentException(String.format("%s: '%s' is not a setting of %s; known: %s", where, key,
            method.name(), String.join(", ", known)));
      }
      String hparam = flagKeys.getOrDefault(key, key);
      sizeGiven |= hparam.equals("rank") || hparam.equals("absolute_rank");
      hparams.put(hparam, scalar(kv.getValue(), key, where));
    }
    Map<String, String> all = new LinkedHashMap<>(defaults.apply(method));
    if (sizeGiven || hparams.containsKey("num_clusters")) {
      all.keySet().removeAll(List.of("rank", "absolute_rank", "num_clusters"));
    }
    all.putAll(hparams);
    CompressionSpec spec;
    try {
      spec = base.toBuilder().method(method).build().withHparams(all.isEmpty() ? "name=" + base.name()
          : String.join(",", all.entrySet().stream().map(x -> x.getKey() + "=" + x.getValue()).toList()));
    } catch (IllegalArgumentException x) {
      throw new IllegalArgumentException(where + ": " + x.getMessage(), x);
    }
    return new Entry(index, layers, spec, sizeGiven);
  }

  private static String text(JsonObject o, String key, String where) {
    JsonElement v = o.get(key);
    if (v == null || !v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString() || v.getAsString().isBlank()) {
      throw new IllegalArgumentException(where + " needs \"" + key + "\" as a non-empty string");
    }
    return v.getAsString();
  }

  private static String scalar(JsonElement v, String key, String where) {
    if (!v.isJsonPrimitive()) {
      throw new IllegalArgumentException(where + ": '" + key + "' must be a number, string or boolean, not " + v);
    }
    JsonPrimitive p = v.getAsJsonPrimitive();
    if (p.isNumber()) {
      BigDecimal d = p.getAsBigDecimal();
      return d.stripTrailingZeros().scale() <= 0 ? d.toBigInteger().toString() : d.toPlainString();
    }
    return p.getAsString();
  }

  /** The regex that selects exactly the matrix called {@code name}: anchored, metacharacters escaped. */
  public static String exactly(String name) {
    return "^" + name.replaceAll("([\\\\^$.|?*+()\\[\\]{}])", "\\\\$1") + "$";
  }

  /** The first entry whose regex is found in {@code matrix}, if any. */
  public Optional<Entry> entryFor(String matrix) {
    return entries.stream().filter(e -> e.layers().matcher(matrix).find()).findFirst();
  }

  /** Refuses an entry whose regex matches none of {@code matrices} (a typo, never a request to do nothing). */
  public <T> void requireEveryEntryMatches(List<T> matrices, Function<T, String> name) {
    for (Entry e : entries) {
      if (matrices.stream().noneMatch(m -> e.layers().matcher(name.apply(m)).find())) {
        throw new IllegalArgumentException(e.label() + " matches none of the weight matrices "
            + matrices.stream().map(name).toList());
      }
    }
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }
}
