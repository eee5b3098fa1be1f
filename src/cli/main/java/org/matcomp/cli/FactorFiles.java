package org.matcomp.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.io.Npy;
import org.matcomp.io.NpyArray;
import org.matcomp.io.WorkDirectory;

/**
 * Writes a factorisation's factors as {@code <name>.npy} files into a directory, all or nothing: they are written in a
 * {@link WorkDirectory} beside it and the directory is moved into place in one rename.
 */
final class FactorFiles {
  private FactorFiles() {}

  /**
   * Refuses a {@code dir} that exists as anything but an empty directory (IllegalArgumentException: the user's path
   * is wrong, exit 2); run before any work.
   */
  public static void checkTarget(Path dir) throws IOException {
    Path target = dir.toAbsolutePath();
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalArgumentException("--output " + dir + " exists and is not a directory; give a new or empty"
          + " directory");
    }
    try (Stream<Path> s = Files.list(target)) {
      if (s.findAny().isPresent()) {
        throw new IllegalArgumentException("--output " + dir + " exists and is not empty; refusing to overwrite it");
      }
    }
  }

  /** Writes {@code factors} into {@code dir} (which must not exist, or be empty) and returns the files written. */
  public static List<Path> write(Path dir, List<Factor> factors) throws IOException {
    checkTarget(dir);
    Path target = dir.toAbsolutePath();
    try (WorkDirectory work = WorkDirectory.beside(target, "factor --output " + target)) {
      Path staged = Files.createDirectory(work.resolve("factors"));
      List<Path> written = new ArrayList<>();
      for (Factor f : factors) {
        Path file = staged.resolve(f.name() + ".npy");
        Files.write(file, Npy.toBytes(toArray(f)));
        written.add(target.resolve(file.getFileName()));
      }
      // An empty directory the user made is replaced, keeping its permissions.
      work.commit(staged, target, true);
      return written;
    }
  }

  /** The array a factor is stored as: float32, int32, uint8, or bool for bits. */
  public static NpyArray toArray(Factor f) {
    FactorSpec spec = f.spec();
    int[] dims = spec.shape();
    long[] shape = new long[dims.length];
    for (int i = 0; i < dims.length; i++) {
      shape[i] = dims[i];
    }
    return switch (spec.type()) {
      case FLOAT32 -> NpyArray.ofFloats(shape, f.floats());
      case INT32 -> NpyArray.ofInts(shape, f.ints());
      case UINT8 -> {
        int[] v = f.ints();
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
          b[i] = (byte) v[i];
        }
        yield NpyArray.ofUnsignedBytes(shape, b);
      }
      case BIT -> {
        int[] v = f.ints();
        boolean[] b = new boolean[v.length];
        for (int i = 0; i < v.length; i++) {
          b[i] = v[i] != 0;
        }
        yield NpyArray.ofBooleans(shape, b);
      }
    };
  }
}
