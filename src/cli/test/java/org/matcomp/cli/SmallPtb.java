package org.matcomp.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.matcomp.Requirements;
import org.matcomp.demo.data.PennTreebank;

/** The first lines of each PTB split, for runs of a few seconds: an epoch of about 30 steps of 20 × 20 words. */
final class SmallPtb {
  private SmallPtb() {}

  /** Writes them into {@code dir} and returns it. */
  static Path write(Path dir) throws IOException {
    Requirements.require(Files.isDirectory(PennTreebank.DEFAULT_DIR), "the PTB text in " + PennTreebank.DEFAULT_DIR);
    Files.createDirectories(dir);
    for (String split : List.of("train", "valid", "test")) {
      List<String> lines = Files.readAllLines(PennTreebank.DEFAULT_DIR.resolve("ptb." + split + ".txt"));
      Files.write(dir.resolve("ptb." + split + ".txt"), lines.subList(0, split.equals("train") ? 600 : 150));
    }
    return dir;
  }
}
