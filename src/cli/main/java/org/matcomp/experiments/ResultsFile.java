package org.matcomp.experiments;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.matcomp.io.WorkDirectory;

/**
 * {@code results.json}: each model's settings (recorded before its first run, so a resumed experiment can be held to
 * them) and every finished run, by key. Rewritten whole after each run (via a temp file and a move), so an
 * interrupted experiment leaves the runs it finished and nothing half-written.
 */
final class ResultsFile {
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

  private final Path file;
  private final JsonObject settings;
  private final Map<String, JsonObject> runs;

  private ResultsFile(Path file, JsonObject settings, Map<String, JsonObject> runs) {
    this.file = file;
    this.settings = settings;
    this.runs = runs;
  }

  /** The file's content, or an empty one if it does not exist yet. */
  static ResultsFile open(Path file) throws IOException {
    if (!Files.exists(file)) {
      return new ResultsFile(file, new JsonObject(), new LinkedHashMap<>());
    }
    try {
      JsonObject root = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), JsonObject.class);
      if (root == null || !root.has("settings") || !root.has("runs")) {
        throw new IllegalArgumentException(file + " is not an experiments results file (no settings and runs):"
            + " use another --dir");
      }
      Map<String, JsonObject> runs = new LinkedHashMap<>();
      for (JsonElement e : root.getAsJsonArray("runs")) {
        JsonObject run = e.getAsJsonObject();
        runs.put(run.get("key").getAsString(), run);
      }
      return new ResultsFile(file, root.getAsJsonObject("settings"), runs);
    } catch (JsonParseException | IllegalStateException | ClassCastException e) {
      throw new IllegalArgumentException(file + " is not valid experiments JSON (" + e.getMessage()
          + "): use another --dir", e);
    }
  }

  /**
   * Records {@code model}'s settings, or refuses them when the file holds others: a resumed experiment whose runs
   * would not be comparable.
   */
  void requireSettings(String model, Map<String, String> wanted) {
    JsonObject want = new JsonObject();
    wanted.forEach(want::addProperty);
    JsonObject had = settings.has(model) ? settings.getAsJsonObject(model) : null;
    if (had == null) {
      settings.add(model, want);
      return;
    }
    if (!had.equals(want)) {
      for (Map.Entry<String, String> e : wanted.entrySet()) {
        JsonElement old = had.get(e.getKey());
        if (old == null || !old.getAsString().equals(e.getValue())) {
          throw new IllegalArgumentException(String.format("%s holds %s runs made with %s=%s; this one asks %s=%s:"
              + " resume with the same settings or use another --dir", file, model, e.getKey(),
              old == null ? "(unset)" : old.getAsString(), e.getKey(), e.getValue()));
        }
      }
      throw new IllegalArgumentException(file + " holds " + model + " runs made with other settings (" + had
          + "): resume with the same settings or use another --dir");
    }
  }

  Optional<JsonObject> run(String key) {
    return Optional.ofNullable(runs.get(key));
  }

  Map<String, JsonObject> runs() {
    return java.util.Collections.unmodifiableMap(runs);
  }

  /** Adds a finished run and rewrites the file. */
  void add(String key, JsonObject run) throws IOException {
    runs.put(key, run);
    write();
  }

  /** Writes the file as it stands (settings included). */
  void write() throws IOException {
    JsonObject root = new JsonObject();
    root.add("settings", settings);
    JsonArray all = new JsonArray();
    runs.values().forEach(all::add);
    root.add("runs", all);
    Path abs = file.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    try (WorkDirectory work = WorkDirectory.beside(abs, "results " + abs)) {
      Path tmp = work.resolve("results.json");
      Files.writeString(tmp, GSON.toJson(root) + "\n", StandardCharsets.UTF_8);
      work.commit(tmp, abs, true);
    }
  }
}
