package org.matcomp.cli;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.matcomp.spec.CompressionPlan;
import org.matcomp.spec.CompressionSpec;

/** Reads {@code --plan PLAN.json} for {@code compress} and {@code finetune}; a file that is not a plan is bad input. */
final class PlanFile {
  private PlanFile() {}

  static CompressionPlan read(Path file, CompressionSpec base) throws IOException {
    return read(file, base, m -> java.util.Map.of());
  }

  /** With each entry's method's {@code defaults} under its settings (finetune: the method's training defaults). */
  static CompressionPlan read(Path file, CompressionSpec base,
      java.util.function.Function<org.matcomp.compressor.Method, java.util.Map<String, String>> defaults)
      throws IOException {
    String text;
    try {
      text = Files.readString(file);
    } catch (MalformedInputException e) {
      throw new IllegalArgumentException("--plan " + file + " is not UTF-8 text", e);
    }
    return CompressionPlan.parse(text, "--plan " + file, base, defaults);
  }
}
