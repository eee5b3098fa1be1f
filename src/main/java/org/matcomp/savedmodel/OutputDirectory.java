package org.matcomp.savedmodel;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The output of {@code compress}: written in a temporary directory beside OUT_DIR and moved into place in one rename,
 * so OUT_DIR is either absent, the old one, or complete. Refuses an existing OUT_DIR unless forced, and any OUT_DIR
 * inside MODEL_DIR (or containing it), so the input can never be touched.
 */
final class OutputDirectory {
  private OutputDirectory() {}

  /** Checks OUT_DIR against MODEL_DIR and the force flag; throws IllegalArgumentException naming the conflict. */
  static void check(Path modelDir, Path outDir, boolean force) throws IOException {
    Path model = modelDir.toRealPath();
    Path out = realish(outDir);
    checkArgument(!out.equals(model), "OUT_DIR %s is MODEL_DIR itself; MODEL_DIR is never modified", outDir);
    checkArgument(!out.startsWith(model), "OUT_DIR %s is inside MODEL_DIR %s; MODEL_DIR is never modified", outDir,
        modelDir);
    checkArgument(!model.startsWith(out), "MODEL_DIR %s is inside OUT_DIR %s, which would be replaced", modelDir,
        outDir);
    if (Files.exists(outDir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      checkArgument(force, "OUT_DIR %s exists; pass --force to replace it", outDir);
      checkArgument(Files.isDirectory(outDir), "OUT_DIR %s exists and is not a directory", outDir);
    }
  }

  /** The path with its existing ancestors resolved through symlinks. */
  private static Path realish(Path p) throws IOException {
    Path abs = p.toAbsolutePath().normalize();
    Path existing = abs;
    Path rest = abs.getFileSystem().getPath("");
    while (existing != null && !Files.exists(existing)) {
      rest = existing.getFileName().resolve(rest);
      existing = existing.getParent();
    }
    return existing == null ? abs : existing.toRealPath().resolve(rest).normalize();
  }

  /** A fresh empty directory beside OUT_DIR (same file system, so the final move is a rename). */
  static Path createTemp(Path outDir) throws IOException {
    Path abs = outDir.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    Files.createDirectories(parent);
    return Files.createTempDirectory(parent, "." + abs.getFileName() + ".tmp-");
  }

  /** Moves the finished {@code temp} to OUT_DIR, replacing an existing OUT_DIR (the caller checked --force). */
  static void commit(Path temp, Path outDir) throws IOException {
    Path abs = outDir.toAbsolutePath().normalize();
    Path old = null;
    if (Files.exists(abs)) {
      old = Files.createTempDirectory(abs.getParent(), "." + abs.getFileName() + ".old-");
      Files.delete(old);
      move(abs, old);
    }
    try {
      move(temp, abs);
    } catch (IOException e) {
      if (old != null) {
        move(old, abs);
      }
      throw e;
    }
    if (old != null) {
      deleteRecursively(old);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path f : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(f);
      }
    }
  }
}
