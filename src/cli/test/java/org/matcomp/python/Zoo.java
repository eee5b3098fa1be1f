package org.matcomp.python;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.matcomp.CliRequirements;

/**
 * The Python model zoo (python-interop/zoo/build_zoo.py), built once per test run into {@code target/zoo/}. The
 * script keeps its own cache, keyed by its sources and the pinned package versions, so a second run costs a second.
 */
public final class Zoo {
  static final Path DIR = Path.of("target", "zoo");

  /** One zoo model: the SavedModel, its held-out set, 64 fixed sample inputs, and what the zoo recorded. */
  public record Model(String name, Path dir, Path eval, Path sample, JsonObject meta) {
    String metric() {
      return meta.get("metric").getAsString();
    }

    public double metricValue() {
      return meta.get("metric_value").getAsDouble();
    }

    String output() {
      return meta.get("output").getAsString();
    }

    String outputKind() {
      return meta.get("output_kind").getAsString();
    }
  }

  private static List<Model> models;

  private Zoo() {}

  /** Every zoo model, building the zoo first if its cache is stale. */
  public static synchronized List<Model> models() throws IOException, InterruptedException {
    if (models == null) {
      PythonEnvironment python = CliRequirements.python();
      python.runChecked(Duration.ofMinutes(30), List.of(
          python.interopDir().resolve("zoo").resolve("build_zoo.py").toString(), DIR.toString()));
      JsonObject manifest = read(DIR.resolve("MANIFEST.json"));
      List<Model> list = new ArrayList<>();
      for (var e : manifest.getAsJsonArray("models")) {
        String name = e.isJsonObject() ? e.getAsJsonObject().get("name").getAsString() : e.getAsString();
        list.add(new Model(name, DIR.resolve(name), DIR.resolve(name + ".eval"), DIR.resolve(name + ".sample"),
            read(DIR.resolve(name + ".json"))));
      }
      models = List.copyOf(list);
    }
    return models;
  }

  public static Model model(String name) throws IOException, InterruptedException {
    return models().stream().filter(m -> m.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalStateException("the zoo has no model '" + name + "'"));
  }

  static JsonObject read(Path json) throws IOException {
    return JsonParser.parseString(Files.readString(json)).getAsJsonObject();
  }
}
