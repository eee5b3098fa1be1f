package org.matcomp.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.matcomp.io.WorkDirectory;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Writes JSON reports atomically: in a {@link WorkDirectory} beside the target, then a rename, so no half-written
 * report exists. JSON has no NaN or infinity; a non-finite number (an accuracy nobody measured, a ratio over zero
 * bytes) is written as {@code null}, so every report parses with any JSON reader.
 *
 * <p>{@code --json -} sends the JSON to stdout instead, and then stdout holds nothing else: the human-readable
 * report goes to stderr ({@link #reportWriter}), so {@code matcomp ... --json - | jq} reads one JSON document.
 */
final class JsonOutput {
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls().create();

  private JsonOutput() {}

  /** The {@code --json} value that means stdout. */
  static final String STDOUT = "-";

  static boolean toStdout(Path json) {
    return json != null && json.toString().equals(STDOUT);
  }

  /** The {@code --json} file to check and write, or null when there is none ({@code --json -} included). */
  static Path file(Path json) {
    return toStdout(json) ? null : json;
  }

  /** Where a command's human-readable report goes: stdout, unless {@code --json -} keeps stdout for the JSON. */
  static PrintWriter reportWriter(CommandSpec spec, Path json) {
    return toStdout(json) ? spec.commandLine().getErr() : spec.commandLine().getOut();
  }

  /** Writes {@code e} where {@code --json} says: nowhere (null), stdout ({@code -}), or the file, atomically. */
  static void emit(CommandSpec spec, Path json, JsonElement e) throws IOException {
    if (json == null) {
      return;
    }
    if (toStdout(json)) {
      PrintWriter out = spec.commandLine().getOut();
      out.println(toJson(e));
      out.flush();
    } else {
      write(json, e);
    }
  }

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
    } catch (IOException failure) {
      // The failure names the work directory or the temporary file; the user needs the report's own path.
      throw new IOException("cannot write " + file + ": " + Main.describe(failure), failure);
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
