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
import org.matcomp.compressor.FactorType;
import org.matcomp.compressor.HalfPrecision;
import org.matcomp.compressor.Int8Quantization;
import org.matcomp.io.Npy;
import org.matcomp.io.NpyArray;
import org.matcomp.io.WorkDirectory;

/**
 * Writes a factorisation's factors as {@code <name>.npy} files into a directory, all or nothing: they are written in a
 * {@link WorkDirectory} beside it and the directory is moved into place in one rename.
 *
 * <p>Factors narrower than a byte — codes, and the bits of masks and sign matrices — are written as they are
 * counted: {@code <name>.npy} holds the packed bytes (a flat uint8 vector, {@link FactorType}'s layout, which is
 * NumPy's {@code unpackbits(bitorder="little")} bit stream cut into {@code bits}-bit little-endian entries), and
 * {@code <name>.packing.json} beside it says how to read them: {@code {"bits": 4, "shape": [rows, cols]}}, with
 * {@code "dtype": "bool"} for bits. {@code python-interop/load_factors.py} unpacks them.
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
        if (f.spec().type().packed()) {
          Files.writeString(staged.resolve(f.name() + ".packing.json"), packing(f.spec()));
        } else if (f.spec().type() == FactorType.BFLOAT16) {
          Files.writeString(staged.resolve(f.name() + ".packing.json"), "{\"dtype\": \"bfloat16\"}\n");
        } else if (f.spec().type().isInt8()) {
          Files.writeString(staged.resolve(f.name() + ".packing.json"), String.format("{\"dtype\": \"int8\","
              + " \"shape\": %s, \"scales\": %d}%n", java.util.Arrays.toString(f.spec().shape()),
              Int8Quantization.scales(f.spec().type(), f.spec().shape())));
        }
        written.add(target.resolve(file.getFileName()));
      }
      // An empty directory the user made is replaced, keeping its permissions.
      work.commit(staged, target, true);
      return written;
    }
  }

  /** What a reader needs to unpack a packed factor's bytes: the bits an entry and the shape they fill. */
  static String packing(FactorSpec spec) {
    StringBuilder shape = new StringBuilder();
    for (int d : spec.shape()) {
      shape.append(shape.length() == 0 ? "" : ", ").append(d);
    }
    return String.format("{\"bits\": %d, \"shape\": [%s]%s}%n", spec.type().bitsPerEntry(), shape,
        spec.type() == FactorType.BIT ? ", \"dtype\": \"bool\"" : "");
  }


  /**
   * The array a factor is stored as: float32, int32, uint8, or packed uint8 bytes for codes and bits narrower than a
   * byte.
   */
  public static NpyArray toArray(Factor f) {
    FactorSpec spec = f.spec();
    int[] dims = spec.shape();
    long[] shape = new long[dims.length];
    for (int i = 0; i < dims.length; i++) {
      shape[i] = dims[i];
    }
    return switch (spec.type()) {
      case FLOAT32 -> NpyArray.ofFloats(shape, f.floats());
      case FLOAT16 -> NpyArray.ofHalfBits(shape, HalfPrecision.bits(f.floats(), false));
      // NumPy has no bfloat16: its bits as uint16, which load_factors.py widens (the packing file says so)
      case BFLOAT16 -> NpyArray.ofUnsignedShorts(shape, HalfPrecision.bits(f.floats(), true));
      // codes + 128, then the scales' float32 bytes: what the SavedModel form stores; the packing file says so
      case INT8, INT8_PER_TENSOR -> {
        byte[] bytes = spec.type().storedBytes(f.floats(), spec.shape());
        yield NpyArray.ofUnsignedBytes(new long[] {bytes.length}, bytes);
      }
      case INT32 -> NpyArray.ofInts(shape, f.ints());
      case UINT8 -> {
        int[] v = f.ints();
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
          b[i] = (byte) v[i];
        }
        yield NpyArray.ofUnsignedBytes(shape, b);
      }
      case UINT4, UINT2, UINT1, BIT -> {
        byte[] packed = spec.type().pack(f.ints());
        yield NpyArray.ofUnsignedBytes(new long[] {packed.length}, packed);
      }
    };
  }
}
