package org.matcomp.io;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Scratch space for writing one output, beside it: a directory {@code .matcomp-work.<pid>.<nonce>} in the output's
 * parent, so that the finished output reaches its place by a rename on the same file system, and so that whatever
 * an interrupted run leaves behind carries one recognisable name.
 *
 * <p>It is removed by {@link #close()} on every normal path, by a shutdown hook on SIGTERM / SIGINT, and — after a
 * {@code kill -9} or a crash, which run no hook — by the next matcomp run that writes into the same directory: each
 * work directory holds a {@code lock} file (the owner's pid, start time and purpose, for humans) on which its owner
 * keeps an exclusive lock for its lifetime. The kernel drops the lock when the owner dies, so a lock another process
 * can take marks a dead owner's leftovers.
 *
 * <p>Everything is created with the default permissions the umask allows (never {@code createTempDirectory}'s
 * 0700), so an output moved into place is as readable as any file the user creates.
 */
public final class WorkDirectory implements AutoCloseable {
  /** The name every work directory starts with. */
  public static final String PREFIX = ".matcomp-work.";
  private static final String LOCK = "lock";

  /** Work directories of this process that still exist; the shutdown hook removes them. */
  private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();
  /**
   * Held while an output is moved into place and while the shutdown hook runs, so that the hook never deletes a
   * staged output half-way while it is being renamed to its final name (which would publish a partial output).
   */
  private static final Object COMMIT = new Object();
  private static boolean shuttingDown;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(WorkDirectory::removeAllOnShutdown, "matcomp-work-cleanup"));
  }

  private final Path dir;
  private final FileChannel lockChannel;
  private boolean closed;

  private WorkDirectory(Path dir, FileChannel lockChannel) {
    this.dir = dir;
    this.lockChannel = lockChannel;
  }

  /**
   * A fresh work directory in the parent of {@code output} (created if missing), after removing the leftovers of
   * dead runs there. {@code purpose} goes into the lock file (e.g. "compress OUT_DIR").
   */
  public static WorkDirectory beside(Path output, String purpose) throws IOException {
    Path parent = output.toAbsolutePath().normalize().getParent();
    checkArgument(parent != null, "%s has no parent directory to work in", output);
    Files.createDirectories(parent);
    removeStale(parent);
    long pid = ProcessHandle.current().pid();
    Path dir;
    while (true) {
      dir = parent.resolve(PREFIX + pid + "." + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16));
      try {
        Files.createDirectory(dir);
        break;
      } catch (FileAlreadyExistsException e) {
        // another nonce
      }
    }
    LIVE.add(dir);
    try {
      FileChannel ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      if (ch.tryLock() == null) {
        ch.close();
        throw new IOException("cannot lock " + dir.resolve(LOCK));
      }
      String started = ProcessHandle.current().info().startInstant().map(Object::toString).orElse("?");
      ch.write(ByteBuffer.wrap(String.format("pid %d%nstarted %s%nwriting %s%n", pid, started, purpose)
          .getBytes(StandardCharsets.UTF_8)));
      return new WorkDirectory(dir, ch);
    } catch (IOException | RuntimeException e) {
      LIVE.remove(dir);
      deleteRecursively(dir);
      throw e;
    }
  }

  public Path path() {
    return dir;
  }

  /** {@code name} inside the work directory. */
  public Path resolve(String name) {
    checkArgument(!name.equals(LOCK) && !name.contains("/"), "work file name %s", name);
    return dir.resolve(name);
  }

  /**
   * Moves the finished {@code staged} (a file or directory inside this work directory) to {@code target} in one
   * rename. An existing {@code target} is replaced only if {@code replace}; it is first moved aside into this work
   * directory (and put back if the final rename fails), so {@code target} is at every moment the old one, the new
   * one, or — for the instant between two renames — absent, never a mixture. A replaced target's permissions carry
   * over to the new one.
   */
  public void commit(Path staged, Path target, boolean replace) throws IOException {
    checkArgument(staged.startsWith(dir), "%s is not inside the work directory %s", staged, dir);
    Path abs = target.toAbsolutePath().normalize();
    synchronized (COMMIT) {
      if (shuttingDown) {
        throw new IOException("interrupted: not moving " + abs.getFileName() + " into place");
      }
      Path old = null;
      if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
        if (!replace) {
          throw new FileAlreadyExistsException(abs.toString(), null, "exists; not replacing it");
        }
        copyPermissions(abs, staged);
        old = dir.resolve("replaced");
        move(abs, old);
      }
      try {
        move(staged, abs);
      } catch (IOException e) {
        if (old != null) {
          move(old, abs);
        }
        throw e;
      }
    }
  }

  /** Releases the lock and removes the directory with everything still in it. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      lockChannel.close();
    } finally {
      deleteRecursively(dir);
      LIVE.remove(dir);
    }
  }

  /**
   * Removes the work directories in {@code parent} whose owner is dead: its lock can be taken, or — for one that
   * died before making its lock — its pid names no live process. Directories of live runs, this one's included,
   * are left alone.
   */
  public static void removeStale(Path parent) {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, PREFIX + "*")) {
      for (Path p : entries) {
        try {
          if (!LIVE.contains(p) && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && ownerIsDead(p)) {
            deleteRecursively(p);
          }
        } catch (IOException | UncheckedIOException e) {
          // Best effort: a leftover we may not open or remove (another user's) must not stop this run.
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // The same for a parent we cannot list.
    }
  }

  private static boolean ownerIsDead(Path p) throws IOException {
    Path lock = p.resolve(LOCK);
    try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.WRITE)) {
      FileLock l = ch.tryLock();
      if (l == null) {
        return false;
      }
      l.release();
      return true;
    } catch (OverlappingFileLockException e) {
      return false; // held by this JVM
    } catch (NoSuchFileException e) {
      return pidOf(p).map(pid -> ProcessHandle.of(pid).isEmpty()).orElse(false);
    }
  }

  private static java.util.Optional<Long> pidOf(Path p) {
    String[] parts = p.getFileName().toString().substring(PREFIX.length()).split("\\.");
    try {
      return java.util.Optional.of(Long.parseLong(parts[0]));
    } catch (NumberFormatException e) {
      return java.util.Optional.empty();
    }
  }

  private static void removeAllOnShutdown() {
    synchronized (COMMIT) {
      shuttingDown = true;
      for (Path p : LIVE) {
        // TF threads may still be writing into it; a few passes catch files created during the first.
        for (int attempt = 0; attempt < 3 && Files.exists(p, LinkOption.NOFOLLOW_LINKS); attempt++) {
          try {
            deleteRecursively(p);
          } catch (IOException | UncheckedIOException e) {
            // try again
          }
        }
      }
    }
  }

  private static void copyPermissions(Path from, Path to) {
    PosixFileAttributeView src = Files.getFileAttributeView(from, PosixFileAttributeView.class);
    PosixFileAttributeView dst = Files.getFileAttributeView(to, PosixFileAttributeView.class);
    if (src == null || dst == null) {
      return;
    }
    try {
      dst.setPermissions(src.readAttributes().permissions());
    } catch (IOException | SecurityException e) {
      // The output is still right, only its mode is the default one.
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  /** Deletes {@code p} and everything below it, without following symbolic links; absent is fine. */
  public static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path f : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(f);
      }
    } catch (NoSuchFileException e) {
      // removed meanwhile
    }
  }
}
