package org.matcomp;

import java.nio.file.Files;
import org.matcomp.demo.data.FashionMnist;
import org.matcomp.python.PythonEnvironment;

/** What the CLI module's tests need beyond {@link Requirements}: the demo dataset and the Python environment. */
public final class CliRequirements {
  private CliRequirements() {}

  public static void fashionMnist() {
    Requirements.require(Files.isDirectory(FashionMnist.DEFAULT_DIR),
        "Fashion-MNIST: apt-get install -y dataset-fashion-mnist");
  }

  /** The project's Python environment; returns it. */
  public static PythonEnvironment python() {
    Requirements.require(PythonEnvironment.available(), "the Python environment: " + PythonEnvironment.SETUP_COMMAND);
    return PythonEnvironment.locate();
  }
}
