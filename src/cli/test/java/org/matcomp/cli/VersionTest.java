package org.matcomp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code --version} prints the top-level POM's version, the one place the number is written. */
class VersionTest {
  @Test
  void versionIsThePomsVersion() throws Exception {
    String pom = Files.readString(Path.of("pom.xml"));
    Matcher m = Pattern.compile("<artifactId>matcomp-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
    assertTrue(m.find(), "the top-level pom.xml names matcomp-parent and its version");
    Cli.Run r = Cli.run("--version");
    assertEquals(0, r.exit(), r.err());
    assertEquals("matcomp " + m.group(1), r.out().strip());
  }
}
