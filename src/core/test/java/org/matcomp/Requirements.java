package org.matcomp;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a test needs from the machine (the native library; the CLI module's tests add Fashion-MNIST and the Python
 * environment in {@code CliRequirements}). On a developer's machine a missing piece skips the test with the command
 * that installs it; in CI ({@code CI=true}) it fails the test, so a green run always means the test ran.
 */
public final class Requirements {
  private Requirements() {}

  /** True when running under CI, where nothing may be skipped. */
  public static boolean inCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** Skips (locally) or fails (in CI) unless {@code present}; {@code remedy} says how to get it. */
  public static void require(boolean present, String remedy) {
    if (!present && inCi()) {
      fail("missing in CI: " + remedy);
    }
    assumeTrue(present, remedy);
  }
}
