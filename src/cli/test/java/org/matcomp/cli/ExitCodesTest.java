package org.matcomp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.matcomp.io.Npy;
import org.matcomp.linalg.FloatMatrix;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * 0 done, 1 internal failure, 2 bad usage or input, 3 an I/O failure writing an output or reading a file that is
 * there; every failure is one line on stderr, and {@code --help} lists the codes.
 */
class ExitCodesTest {
  @TempDir
  Path dir;

  private Path matrix() throws Exception {
    Path a = dir.resolve("a.npy");
    Npy.write(a, FloatMatrix.of(4, 3, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13}));
    return a;
  }

  /** Asserts one line on stderr holding {@code message}, no stack trace. */
  private static void oneLine(Cli.Run r, int exit, String message) {
    assertEquals(exit, r.exit(), "exit code; stderr: " + r.err());
    assertTrue(r.err().contains(message), "stderr lacks '" + message + "': " + r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    assertEquals("", r.out(), "nothing on stdout after a failure");
  }

  @Test
  void anUnknownFlagIsBadUsage() {
    Cli.Run r = Cli.run("factor", "--input", "a.npy", "--rnak", "2");
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().startsWith("Unknown options: '--rnak', '2'"), r.err());
  }

  @Test
  void noCommandIsBadUsage() {
    Cli.Run r = Cli.run();
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("Missing required subcommand") && r.err().contains("Usage: matcomp"), r.err());
    assertEquals("", r.out());
  }

  @Test
  void aMissingInputIsBadInput() {
    Path missing = dir.resolve("missing.npy");
    oneLine(Cli.run("factor", "--method", "lowrank", "--rank", "1", "--input", missing.toString()), 2,
        "no such file: " + missing);
  }

  @Test
  void aMalformedInputIsBadInput() throws Exception {
    Path text = Files.writeString(dir.resolve("a.npy"), "1,2,3\n4,5,6\n");
    oneLine(Cli.run("factor", "--method", "lowrank", "--rank", "1", "--input", text.toString()), 2,
        text + ": wrong magic, not a .npy file");
  }

  /**
   * /proc takes no new files, for root neither (creating one fails with ENOENT; a user without root is refused
   * before by the permission check, also an I/O failure): the report cannot be written, which is not the user's
   * mistake, and nothing was done wrong before it.
   */
  @Test
  void aReportThatCannotBeWrittenIsAnIoFailure() throws Exception {
    Path json = Path.of("/proc/matcomp-exit-code-test-" + ProcessHandle.current().pid() + ".json");
    assumeFalse(Files.exists(json));
    Cli.Run r = Cli.run("factor", "--method", "lowrank", "--rank", "1", "--input", matrix().toString(), "--json",
        json.toString());
    assertEquals(3, r.exit(), r.err());
    assertTrue(r.err().startsWith("matcomp factor: ") && r.err().contains(json.toString()), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertFalse(Files.exists(json));
  }

  @Test
  void anOutputDirectoryNobodyMayWriteInIsAnIoFailure() throws Exception {
    Path locked = Files.createDirectory(dir.resolve("locked"));
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      assumeFalse(Files.isWritable(locked), "permissions do not bind this user (root)");
      oneLine(Cli.run("factor", "--method", "lowrank", "--rank", "1", "--input", matrix().toString(), "--output",
          locked.resolve("f").toString()), 3, "no permission to write in " + locked);
    } finally {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void anOutputUnderARegularFileIsBadUsageNotAnIoFailure() throws Exception {
    Path a = matrix();
    oneLine(Cli.run("factor", "--method", "lowrank", "--rank", "1", "--input", a.toString(), "--json",
        a.resolve("r.json").toString()), 2, "cannot be created: " + a + " is not a directory");
  }

  @Command(name = "broken")
  static final class Broken implements Callable<Integer> {
    @Override
    public Integer call() {
      throw new IllegalStateException("the factors lost their shape");
    }
  }

  /** Whatever is neither the user's input nor the machine's I/O is ours: exit 1, still one line. */
  @Test
  void anyOtherFailureIsInternal() {
    CommandLine cl = Main.commandLine().addSubcommand(new Broken());
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(new StringWriter()));
    assertEquals(1, cl.execute("broken"), err.toString());
    assertEquals("matcomp broken: the factors lost their shape (internal error IllegalStateException;"
        + " MATCOMP_DEBUG=1 prints the stack trace)", err.toString().strip());
  }

  @Test
  void everyCommandsHelpListsTheExitCodes() {
    for (String command : new String[] {"train", "factor", "bench", "inspect", "compress"}) {
      Cli.Run r = Cli.run(command, "--help");
      assertEquals(0, r.exit(), r.err());
      assertTrue(r.out().contains("Exit codes:"), command + ": " + r.out());
      for (String line : new String[] {"0   done", "1   internal failure", "2   bad usage or input",
          "3   I/O failure"}) {
        assertTrue(r.out().contains(line), command + " lacks '" + line + "': " + r.out());
      }
    }
    assertTrue(Cli.run("--help").out().contains("3   I/O failure"));
  }
}
