package org.matcomp.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Temporary work lives beside the output under one recognisable name, is gone after every normal run, and what a
 * killed run left is removed by the next one — but never the work of a run that is still alive (issue 11, defects 3
 * and 12).
 */
class WorkDirectoryTest {
  @TempDir
  Path dir;

  private List<String> names() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** A leftover as a killed run leaves it: a work directory whose lock file nobody holds. */
  private Path leftover(long pid, boolean withLock) throws Exception {
    Path d = Files.createDirectory(dir.resolve(WorkDirectory.PREFIX + pid + ".dead"));
    Files.createDirectories(d.resolve("model/variables"));
    Files.writeString(d.resolve("model/variables/variables.data-00000-of-00001"), "half a model");
    if (withLock) {
      Files.writeString(d.resolve("lock"), "pid " + pid + "\n");
    }
    return d;
  }

  @Test
  void commitMovesTheOutputIntoPlaceAndCloseLeavesNothingElse() throws Exception {
    Path out = dir.resolve("out");
    try (WorkDirectory w = WorkDirectory.beside(out, "test")) {
      assertTrue(w.path().getFileName().toString().startsWith(".matcomp-work." + ProcessHandle.current().pid() + "."));
      assertTrue(Files.readString(w.path().resolve("lock")).startsWith("pid " + ProcessHandle.current().pid()));
      Path staged = Files.createDirectory(w.resolve("model"));
      Files.writeString(staged.resolve("f"), "x");
      w.commit(staged, out, false);
    }
    assertEquals(List.of("out"), names());
    assertEquals("x", Files.readString(out.resolve("f")));
  }

  @Test
  void anExistingTargetIsKeptUnlessReplacingAndThenKeepsItsMode() throws Exception {
    Path out = Files.createDirectory(dir.resolve("out"));
    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-x---"));
    try (WorkDirectory w = WorkDirectory.beside(out, "test")) {
      Path staged = Files.createDirectory(w.resolve("model"));
      assertThrows(FileAlreadyExistsException.class, () -> w.commit(staged, out, false));
      w.commit(staged, out, true);
    }
    assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
    assertEquals(List.of("out"), names());
  }

  @Test
  void outputsGetTheModeTheUmaskGivesAnyNewDirectoryNotOwnerOnly() throws Exception {
    Path reference = Files.createDirectory(dir.resolve("made-by-hand"));
    Path out = dir.resolve("out");
    try (WorkDirectory w = WorkDirectory.beside(out, "test")) {
      w.commit(Files.createDirectory(w.resolve("model")), out, false);
    }
    assertEquals(Files.getPosixFilePermissions(reference), Files.getPosixFilePermissions(out));
  }

  @Test
  void theNextRunRemovesWhatADeadRunLeft() throws Exception {
    Path locked = leftover(123, true);
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    Path unlocked = leftover(p.pid(), false); // died before it made its lock
    try (WorkDirectory w = WorkDirectory.beside(dir.resolve("out"), "test")) {
      assertFalse(Files.exists(locked));
      assertFalse(Files.exists(unlocked));
      assertEquals(List.of(w.path().getFileName().toString()), names());
    }
    assertEquals(List.of(), names());
  }

  @Test
  void theWorkOfALiveRunIsLeftAlone() throws Exception {
    // A live owner holds the lock: here a child JVM (fcntl locks are per process, so it must be another one).
    Path live = leftover(999_999_999L, true);
    Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), LockHolder.class.getName(), live.resolve("lock").toString()).start();
    try {
      waitUntilLocked(live.resolve("lock"));
      Path withoutLock = leftover(ProcessHandle.current().pid(), false); // this JVM's pid: alive
      try (WorkDirectory w = WorkDirectory.beside(dir.resolve("out"), "test")) {
        assertTrue(Files.exists(live.resolve("model/variables")));
        assertTrue(Files.exists(withoutLock));
      }
    } finally {
      holder.destroyForcibly().waitFor();
    }
  }

  /** Holds an exclusive lock on the file {@code args[0]} for 30 s. */
  public static final class LockHolder {
    public static void main(String[] args) throws Exception {
      try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE); FileLock l = ch.lock()) {
        Thread.sleep(30_000);
      }
    }
  }

  private static void waitUntilLocked(Path lock) throws Exception {
    for (int i = 0; i < 400; i++) {
      try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.WRITE)) {
        FileLock l = ch.tryLock();
        if (l == null) {
          return;
        }
        l.release();
      }
      Thread.sleep(25);
    }
    throw new AssertionError("flock never took " + lock);
  }
}
