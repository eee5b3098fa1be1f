package org.matcomp.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorSpec;

/**
 * Writes a factorisation's factors as {@code <name>.npy} files into a directory, all or nothing: they are written to
 * a temporary sibling directory that is then moved into place.
 */
public final class FactorFiles {
  private FactorFiles() {}

  /** Writes {@code factors} into {@code dir} (which must not exist, or be empty) and returns the files written. */
  public static List<Path> write(Path dir, List<Factor> factors) throws IOException {
    Path target = dir.toAbsolutePath();
    if (Files.exists(target)) {
      try (Stream<Path> s = Files.list(target)) {
        if (s.findAny().isPresent()) {
          throw new IOException(target + " exists and is not empty; refusing to overwrite it");
        }
      }
    }
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".");
    try {
      List<Path> written = new ArrayList<>();
      for (Factor f : factors) {
        Path file = tmp.resolve(f.name() + ".npy");
        Files.write(file, Npy.toBytes(toArray(f)));
        written.add(target.resolve(file.getFileName()));
      }
      Files.deleteIfExists(target);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      return written;
    } finally {
      if (Files.exists(tmp)) {
        try (Stream<Path> s = Files.walk(tmp)) {
          for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
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
