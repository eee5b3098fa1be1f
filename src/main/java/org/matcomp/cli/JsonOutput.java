package org.matcomp.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.matcomp.io.WorkDirectory;

/**
 * Writes JSON reports atomically: in a {@link WorkDirectory} beside the target, then a rename, so no half-written
 * report exists. JSON has no NaN or infinity; a non-finite number (an accuracy nobody measured, a ratio over zero
 * bytes) is written as {@code null}, so every report parses with any JSON reader.
 */
final class JsonOutput {
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls().create();

  private JsonOutput() {}

  static String toJson(JsonElement e) {
    return GSON.toJson(finite(e));
  }

  static void write(Path file, JsonElement e) throws IOException {
    String text = toJson(e) + "\n";
    Path abs = file.toAbsolutePath();
    try (WorkDirectory work = WorkDirectory.beside(abs, "report " + abs)) {
      Path tmp = work.resolve("report.json");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      work.commit(tmp, abs, true);
    }
  }

  /** A copy of {@code e} with every NaN or infinite number replaced by null. */
  static JsonElement finite(JsonElement e) {
    if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
      double d = e.getAsDouble();
      return Double.isFinite(d) ? e : JsonNull.INSTANCE;
    }
    if (e.isJsonArray()) {
      JsonArray out = new JsonArray();
      e.getAsJsonArray().forEach(x -> out.add(finite(x)));
      return out;
    }
    if (e.isJsonObject()) {
      JsonObject out = new JsonObject();
      for (Map.Entry<String, JsonElement> m : e.getAsJsonObject().entrySet()) {
        out.add(m.getKey(), finite(m.getValue()));
      }
      return out;
    }
    return e;
  }
}
