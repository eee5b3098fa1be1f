package org.matcomp;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import org.matcomp.data.FashionMnist;
import org.matcomp.python.PythonEnvironment;

/**
 * What a test needs from the machine (Fashion-MNIST, the Python environment, the native library). On a developer's
 * machine a missing piece skips the test with the command that installs it; in CI ({@code CI=true}) it fails the
 * test, so a green run always means the test ran.
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

  public static void fashionMnist() {
    require(Files.isDirectory(FashionMnist.DEFAULT_DIR), "Fashion-MNIST: apt-get install -y dataset-fashion-mnist");
  }

  /** The project's Python environment; returns it. */
  public static PythonEnvironment python() {
    require(PythonEnvironment.available(), "the Python environment: " + PythonEnvironment.SETUP_COMMAND);
    return PythonEnvironment.locate();
  }
}
