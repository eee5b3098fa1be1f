package org.matcomp.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The little of the .npy format the OMP and dictionary benchmarks need to hand matrices to the scikit-learn
 * scripts and read their supports back: 2-D C-order little-endian float32 and int32, format version 1.0. A
 * stand-in until org.matcomp.io.Npy is on main; it deliberately rejects everything else.
 */
final class MiniNpy {
  private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
  private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\((\\d+),\\s*(\\d+)\\)");

  private MiniNpy() {}

  static void writeFloats(Path file, float[] data, int rows, int cols) throws IOException {
    ByteBuffer body = header("<f4", rows, cols, 4L * data.length);
    body.asFloatBuffer().put(data);
    Files.write(file, body.array());
  }

  static void writeInts(Path file, int[] data, int rows, int cols) throws IOException {
    ByteBuffer body = header("<i4", rows, cols, 4L * data.length);
    body.asIntBuffer().put(data);
    Files.write(file, body.array());
  }

  /** Reads a 2-D float32 array; returns {rows, cols} in {@code shape}. */
  static float[] readFloats(Path file, int[] shape) throws IOException {
    ByteBuffer b = open(file, "<f4", shape);
    float[] out = new float[shape[0] * shape[1]];
    b.asFloatBuffer().get(out);
    return out;
  }

  /** Reads a 2-D int32 array; returns {rows, cols} in {@code shape}. */
  static int[] readInts(Path file, int[] shape) throws IOException {
    ByteBuffer b = open(file, "<i4", shape);
    int[] out = new int[shape[0] * shape[1]];
    b.asIntBuffer().get(out);
    return out;
  }

  private static ByteBuffer header(String descr, int rows, int cols, long dataBytes) {
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
    int unpadded = 10 + dict.length() + 1;
    int total = (unpadded + 63) / 64 * 64;
    StringBuilder h = new StringBuilder(dict);
    while (10 + h.length() + 1 < total) {
      h.append(' ');
    }
    h.append('\n');
    ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(total + dataBytes)).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
    b.putShort((short) h.length());
    b.put(h.toString().getBytes(StandardCharsets.US_ASCII));
    return b.slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  private static ByteBuffer open(Path file, String descr, int[] shape) throws IOException {
    byte[] all = Files.readAllBytes(file);
    ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    if (all.length < 10 || (all[0] & 0xff) != 0x93 || all[6] != 1) {
      throw new IOException(file + " is not a version-1 .npy file");
    }
    int len = b.getShort(8) & 0xffff;
    String h = new String(all, 10, len, StandardCharsets.US_ASCII);
    Matcher d = DESCR.matcher(h);
    Matcher s = SHAPE.matcher(h);
    if (!d.find() || !d.group(1).equals(descr) || h.contains("'fortran_order': True") || !s.find()) {
      throw new IOException(file + ": expected a 2-D C-order " + descr + " array, header " + h.trim());
    }
    shape[0] = Integer.parseInt(s.group(1));
    shape[1] = Integer.parseInt(s.group(2));
    b.position(10 + len);
    return b.slice().order(ByteOrder.LITTLE_ENDIAN);
  }
}
