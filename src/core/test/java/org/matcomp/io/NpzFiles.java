package org.matcomp.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes .npz fixtures as numpy.savez (STORED) or savez_compressed (DEFLATED) would, from {@link Npy#toBytes}. */
public final class NpzFiles {
  private NpzFiles() {}

  /** One {@code <name>.npy} entry per array, in map order, all stored with {@code method}. */
  public static Path write(Path file, int method, Map<String, NpyArray> arrays) throws IOException {
    try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
        putEntry(zip, e.getKey() + ".npy", method, Npy.toBytes(e.getValue()));
      }
    }
    return file;
  }

  /** An entry of any name and content, for archives that are not what np.savez writes. */
  public static void putEntry(ZipOutputStream zip, String name, int method, byte[] bytes) throws IOException {
    ZipEntry entry = new ZipEntry(name);
    entry.setMethod(method);
    if (method == ZipEntry.STORED) {
      // A stored entry carries its size and CRC in its local header, so they must be known up front.
      CRC32 crc = new CRC32();
      crc.update(bytes);
      entry.setSize(bytes.length);
      entry.setCompressedSize(bytes.length);
      entry.setCrc(crc.getValue());
    }
    zip.putNextEntry(entry);
    zip.write(bytes);
    zip.closeEntry();
  }
}
