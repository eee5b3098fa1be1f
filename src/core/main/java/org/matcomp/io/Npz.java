package org.matcomp.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads NumPy's .npz format: a zip archive of {@code <name>.npy} entries, stored (np.savez) or deflated
 * (np.savez_compressed), each parsed by {@link Npy}. Arrays come back named as np.load names them, the entry name
 * without ".npy", in archive order.
 *
 * <p>Archives are untrusted input: a malformed archive is an IOException naming the file, a malformed entry one naming
 * the file and the entry. Entries that are not .npy arrays, or that appear twice, are refused rather than skipped:
 * np.load would hand the former back as raw bytes, and of the latter it is unclear which one the user meant.
 */
public final class Npz {
  /** Largest Java array that JVMs reliably allocate; an entry claiming more is refused before reading it. */
  private static final long MAX_ENTRY_BYTES = Integer.MAX_VALUE - 8;
  private static final String SUFFIX = ".npy";

  private Npz() {}

  /** The arrays in {@code file} by name, in archive order (an unmodifiable map). */
  public static Map<String, NpyArray> read(Path file) throws IOException {
    if (Files.isDirectory(file)) {
      throw new IOException(file + ": is a directory, not a .npz file");
    }
    if (!Files.exists(file)) {
      // As Npy.read reports it, so callers tell a missing file from a malformed one the same way for both.
      throw new NoSuchFileException(file.toString());
    }
    ZipFile zip;
    try {
      zip = new ZipFile(file.toFile());
    } catch (ZipException e) {
      // ZipFile's own message ("zip END header not found") names no file.
      throw new IOException(file + ": not a .npz (zip) archive: " + e.getMessage(), e);
    }
    try (zip) {
      Map<String, NpyArray> arrays = new LinkedHashMap<>();
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry entry = entries.nextElement();
        String where = file + " entry '" + entry.getName() + "'";
        if (entry.isDirectory() || !entry.getName().endsWith(SUFFIX)) {
          throw new IOException(where + " is not a .npy array (a .npz holds only <name>.npy entries)");
        }
        String name = entry.getName().substring(0, entry.getName().length() - SUFFIX.length());
        if (arrays.containsKey(name)) {
          throw new IOException(where + " appears twice in the archive");
        }
        arrays.put(name, Npy.read(contents(zip, entry, where), where));
      }
      return Collections.unmodifiableMap(arrays);
    }
  }

  /**
   * The uncompressed bytes of {@code entry}, at most the size the archive declares for it: a deflated stream that
   * inflates to more (a zip bomb, or a corrupt entry) is refused instead of filling memory.
   */
  private static byte[] contents(ZipFile zip, ZipEntry entry, String where) throws IOException {
    long declared = entry.getSize();
    if (declared > MAX_ENTRY_BYTES) {
      throw new IOException(where + " declares " + declared + " bytes, more than one Java array holds");
    }
    long limit = declared >= 0 ? declared : MAX_ENTRY_BYTES;
    try (InputStream in = zip.getInputStream(entry)) {
      byte[] bytes = in.readNBytes((int) limit);
      if (declared >= 0 && bytes.length < declared) {
        throw new IOException(where + " holds " + bytes.length + " bytes, fewer than the " + declared + " it declares"
            + " (truncated?)");
      }
      if (in.read() >= 0) {
        throw new IOException(where + " inflates to more than the " + limit + " bytes it declares");
      }
      return bytes;
    } catch (ZipException | java.io.EOFException e) {
      // e.g. "invalid entry CRC" or "Unexpected end of ZLIB input stream", which name neither file nor entry.
      throw new IOException(where + ": corrupt entry: " + e.getMessage(), e);
    }
  }
}
