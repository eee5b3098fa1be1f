package org.matcomp.demo.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.matcomp.data.Dataset;

/**
 * Reads unsigned-byte IDX files (LeCun's MNIST format, also Fashion-MNIST's), gzipped or plain: a big-endian magic
 * 0x000008NN with NN the number of dimensions, NN big-endian int32 dimensions, then the bytes in row-major order.
 *
 * <p>Files are untrusted input: a wrong magic, a dimension mismatch, a truncated or over-long payload is an
 * IOException naming the file. The payload is read incrementally, so a header claiming more data than the file holds
 * fails at the end of the stream instead of allocating the claimed size up front.
 */
public final class IdxReader {
  /** 1-D unsigned bytes: a label file. */
  public static final int LABELS_MAGIC = 0x0801;
  /** 3-D unsigned bytes: n images of rows×cols pixels. */
  public static final int IMAGES_MAGIC = 0x0803;

  private IdxReader() {}

  /** The labels of a 0x0801 file, each 0..255. */
  public static int[] readLabels(Path file) throws IOException {
    Payload p = read(file, LABELS_MAGIC);
    int[] labels = new int[p.data.length];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = p.data[i] & 0xFF;
    }
    return labels;
  }

  /**
   * Images and labels as a dataset of n × (rows·cols) features, each pixel divided by {@code divisor} (255 gives
   * [0, 1]; division rather than multiplying by 1/255 makes every value the correctly rounded quotient). Throws if
   * the two files disagree on n.
   */
  public static Dataset readDataset(Path images, Path labels, float divisor) throws IOException {
    int[] y = readLabels(labels);
    Payload p = read(images, IMAGES_MAGIC);
    if (p.dims[0] != y.length) {
      throw new IOException(images + " holds " + p.dims[0] + " images but " + labels + " holds " + y.length
          + " labels");
    }
    float[] x = new float[p.data.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = (p.data[i] & 0xFF) / divisor;
    }
    return Dataset.adopt(x, y, p.dims[1] * p.dims[2]);
  }

  private record Payload(int[] dims, byte[] data) {}

  private static Payload read(Path file, int expectedMagic) throws IOException {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      raw.mark(2);
      boolean gzipped = raw.read() == 0x1f && raw.read() == 0x8b;
      raw.reset();
      try (DataInputStream in = new DataInputStream(gzipped ? new GZIPInputStream(raw, 1 << 16) : raw)) {
        int magic = in.readInt();
        if (magic != expectedMagic) {
          throw new IOException(String.format("%s: magic 0x%08x, expected 0x%08x (unsigned bytes, %d dims)", file,
              magic, expectedMagic, expectedMagic & 0xFF));
        }
        int[] dims = new int[magic & 0xFF];
        long count = 1;
        for (int k = 0; k < dims.length; k++) {
          dims[k] = in.readInt();
          if (dims[k] < 0) {
            throw new IOException(file + ": negative dimension " + dims[k] + " in " + Arrays.toString(dims));
          }
          count *= dims[k];
          if (count > Integer.MAX_VALUE - 8) {
            throw new IOException(file + ": dimensions " + Arrays.toString(dims) + " exceed one Java array");
          }
        }
        // readNBytes grows its buffer as data arrives, so a lying header costs no more than the file's real size.
        byte[] data = in.readNBytes((int) count);
        if (data.length < count) {
          throw new IOException(String.format("%s: dimensions %s need %d bytes, the file ends after %d (truncated)",
              file, Arrays.toString(dims), count, data.length));
        }
        if (in.read() >= 0) {
          throw new IOException(file + ": trailing bytes after the " + count + " bytes of " + Arrays.toString(dims));
        }
        return new Payload(dims, data);
      } catch (EOFException e) {
        throw new IOException(file + ": file ends inside the IDX header or gzip stream (truncated)", e);
      } catch (ZipException e) {
        throw new IOException(file + ": corrupt gzip stream: " + e.getMessage(), e);
      }
    }
  }
}
