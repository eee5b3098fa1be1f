package org.matcomp.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.matcomp.cli.Main;
import picocli.CommandLine;
import org.matcomp.CliRequirements;

/** Finding the project's Python: a missing environment is one line naming the setup command, exit 2. */
class PythonEnvironmentTest {
  @TempDir
  Path dir;

  @Test
  void aMissingInterpreterNamesTheSetupCommand() {
    withPython(dir.resolve("no-such-python").toString(), () -> {
      PythonEnvironment.Missing e = assertThrows(PythonEnvironment.Missing.class, PythonEnvironment::locate);
      assertTrue(e.getMessage().contains("run python-interop/setup-venv.sh"), e.getMessage());
      assertEquals(false, PythonEnvironment.available());
    });
  }

  @Test
  void aBenchmarkThatNeedsPythonStopsWithOneLineAndExitTwo() {
    withPython(dir.resolve("no-such-python").toString(), () -> {
      CommandLine cl = Main.commandLine();
      StringWriter err = new StringWriter();
      cl.setErr(new PrintWriter(err));
      int exit = cl.execute("bench", "tfmot", "--work-dir", dir.resolve("w").toString());
      assertEquals(2, exit, err.toString());
      assertEquals(1, err.toString().strip().lines().count(), err.toString());
      assertTrue(err.toString().contains("python-interop/setup-venv.sh"), err.toString());
    });
  }

  @Test
  void runsTheEnvironmentsInterpreterWithTheInteropPackageOnItsPath() throws Exception {
    PythonEnvironment python = CliRequirements.python();
    String out = python.runChecked(Duration.ofSeconds(60), List.of("-c",
        "import sys, matcomp_interop, numpy; print(sys.prefix.endswith('.venv'), numpy.__version__)"));
    assertEquals("True 1.26.4", out.strip());
  }

  @Test
  void aProcessThatOutlivesItsTimeoutIsKilledAndReported() {
    PythonEnvironment python = CliRequirements.python();
    java.io.IOException e = assertThrows(java.io.IOException.class,
        () -> python.run(Duration.ofSeconds(1), List.of("-c", "import time; time.sleep(30)")));
    assertTrue(e.getMessage().contains("did not finish within 1 s"), e.getMessage());
  }

  private static void withPython(String path, Runnable body) {
    String old = System.getProperty("matcomp.python");
    System.setProperty("matcomp.python", path);
    try {
      body.run();
    } finally {
      if (old == null) {
        System.clearProperty("matcomp.python");
      } else {
        System.setProperty("matcomp.python", old);
      }
    }
  }
}
