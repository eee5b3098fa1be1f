package org.matcomp.savedmodel.export;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.matcomp.io.WorkDirectory;

/**
 * The rules for {@code compress}'s OUT_DIR: refuses an existing OUT_DIR unless forced, and any OUT_DIR inside
 * MODEL_DIR (or containing it), so the input can never be touched. The output itself is written in a
 * {@link WorkDirectory} beside OUT_DIR and moved into place in one rename, so OUT_DIR is either absent, the old one,
 * or complete.
 */
public final class OutputDirectory {
  private OutputDirectory() {}

  /** Checks OUT_DIR against MODEL_DIR and the force flag; throws IllegalArgumentException naming the conflict. */
  public static void check(Path modelDir, Path outDir, boolean force) throws IOException {
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

  public static void deleteRecursively(Path p) throws IOException {
    WorkDirectory.deleteRecursively(p);
  }
}
