package org.matcomp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * Runs a matcomp command in this JVM and captures what it prints through picocli's writers, for the CLI tests. Every
 * run also checks that nothing went to {@code System.out} directly: a command prints through the writers it was
 * given, or a caller that redirects them (a test, a tool embedding the CLI) loses part of the output.
 */
final class Cli {
  /** What one command did. */
  record Run(int exit, String out, String err) {
    /** Asserts the bad-input contract: exit 2, one line on stderr containing {@code message}, no stack trace. */
    Run refused(String message) {
      assertEquals(2, exit, "exit code; stderr: " + err);
      assertTrue(err.contains(message), "stderr lacks '" + message + "': " + err);
      assertFalse(err.contains("\tat "), "no stack trace: " + err);
      assertEquals(1, err.strip().lines().count(), "one line: " + err);
      return this;
    }
  }

  private Cli() {}

  static Run run(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    PrintStream oldOut = System.out;
    ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
    System.setOut(new PrintStream(capturedOut, true, StandardCharsets.UTF_8));
    try {
      int exit = cl.execute(args);
      assertEquals("", capturedOut.toString(StandardCharsets.UTF_8), "written to System.out, not the command's"
          + " writer");
      return new Run(exit, out.toString(), err.toString());
    } finally {
      System.setOut(oldOut);
    }
  }
}
