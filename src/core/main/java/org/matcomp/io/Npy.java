package org.matcomp.io;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.matcomp.linalg.FloatMatrix;

/**
 * Reads and writes NumPy's .npy format (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html), the
 * way weights, goldens and datasets move between matcomp and Python.
 *
 * <p>Reading accepts format versions 1.0, 2.0 and 3.0, little- and big-endian, C and Fortran order. Writing produces
 * exactly the bytes np.save writes for the same array (version 1.0, C order, header padded to 64 bytes including
 * NumPy's spare room for growing the first axis), so files can be compared byte for byte with Python's.
 *
 * <p>Files are untrusted input: every inconsistency is an IOException naming the file and the defect, and the data
 * size the header claims is checked against the file size before anything is allocated. The same reader parses .npy
 * bytes held in memory, as a .npz archive holds them ({@link Npz}).
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  /** np.save aligns the data start to this so it can be memory-mapped. */
  private static final int ARRAY_ALIGN = 64;
  /** NumPy pads the header for a growth axis of up to this many digits (numpy.lib.format.GROWTH_AXIS_MAX_DIGITS). */
  private static final int GROWTH_AXIS_MAX_DIGITS = 21;
  /** Far above any real header (numpy itself refuses more than 10000 bytes by default). */
  private static final long MAX_HEADER_BYTES = 1 << 20;
  /** Largest Java array that JVMs reliably allocate. */
  private static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;

  private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
  private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");
  private static final Pattern TYPESTR = Pattern.compile("([<>|=])([a-z])([0-9]+)");

  private Npy() {}

  /** Reads {@code file}; throws IOException naming the file for anything that is not a well-formed .npy file. */
  public static NpyArray read(Path file) throws IOException {
    if (Files.isDirectory(file)) {
      // Reading a directory fails with a bare "Is a directory" that names no file.
      throw corrupt(file.toString(), "is a directory, not a .npy file");
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return parse(ch, ch.size(), file.toString());
    }
  }

  /**
   * Parses the .npy file held in {@code bytes}, e.g. an entry of a .npz archive; {@code source} names it in the
   * IOException thrown for anything that is not a well-formed .npy file.
   */
  public static NpyArray read(byte[] bytes, String source) throws IOException {
    return parse(Channels.newChannel(new ByteArrayInputStream(bytes)), bytes.length, source);
  }

  /** The reader behind both entry points: {@code fileSize} bytes from {@code ch}, checked before any allocation. */
  private static NpyArray parse(ReadableByteChannel ch, long fileSize, String file) throws IOException {
    if (fileSize < 10) {
      throw corrupt(file, "only " + fileSize + " bytes, shorter than the smallest .npy preamble (10 bytes)");
    }
    ByteBuffer pre = readFully(ch, file, 8, "magic and version");
    for (int i = 0; i < MAGIC.length; i++) {
      if (pre.get(i) != MAGIC[i]) {
        throw corrupt(file, "wrong magic, not a .npy file (starts with " + hex(pre, 6) + ")");
      }
    }
    int major = pre.get(6) & 0xFF;
    int minor = pre.get(7) & 0xFF;
    if (major < 1 || major > 3 || minor != 0) {
      throw corrupt(file, "unsupported format version " + major + "." + minor + " (supported: 1.0, 2.0, 3.0)");
    }
    int lenBytes = major == 1 ? 2 : 4;
    ByteBuffer lenBuf = readFully(ch, file, lenBytes, "header length").order(ByteOrder.LITTLE_ENDIAN);
    long headerLen = major == 1 ? lenBuf.getShort(0) & 0xFFFF : lenBuf.getInt(0) & 0xFFFFFFFFL;
    if (headerLen > MAX_HEADER_BYTES) {
      throw corrupt(file, "header length " + headerLen + " exceeds the " + MAX_HEADER_BYTES + "-byte limit");
    }
    long dataStart = 8 + lenBytes + headerLen;
    if (dataStart > fileSize) {
      throw corrupt(file, "header length " + headerLen + " runs past the end of the " + fileSize + "-byte file");
    }
    ByteBuffer headerBuf = readFully(ch, file, (int) headerLen, "header");
    String header = new String(headerBuf.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    Header h = parseHeader(file, header);

    long count = 1;
    for (long d : h.shape) {
      count = multiply(file, h, count, d);
    }
    long bytes = multiply(file, h, count, h.dtype.itemSize());
    long available = fileSize - dataStart;
    if (bytes > available) {
      throw corrupt(file, String.format("header claims %s %s = %d data bytes but only %d follow the header "
          + "(truncated?)", h.dtype, Arrays.toString(h.shape), bytes, available));
    }
    if (bytes < available) {
      throw corrupt(file, String.format("%d unexpected trailing bytes after the %d data bytes of %s %s",
          available - bytes, bytes, h.dtype, Arrays.toString(h.shape)));
    }
    if (bytes > MAX_ARRAY_BYTES) {
      throw corrupt(file, bytes + " data bytes do not fit one Java array");
    }
    ByteBuffer data = readFully(ch, file, (int) bytes, "data").order(h.order);
    Object values = decode(data, h.dtype, (int) count);
    if (h.fortranOrder && h.shape.length > 1) {
      values = fortranToC(values, h.shape);
    }
    return NpyArray.adopt(h.shape, h.dtype, values);
  }

  /** {@link #read} followed by {@link NpyArray#toFloatMatrix}, naming the file if it is not a 2-D float array. */
  public static FloatMatrix readFloatMatrix(Path file) throws IOException {
    NpyArray a = read(file);
    try {
      return a.toFloatMatrix(file.toString());
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /**
   * Writes {@code array} as np.save would, through a {@link WorkDirectory} beside the file and an atomic rename, so a
   * reader never sees a half-written file and a failed write leaves any previous file intact.
   */
  public static void write(Path file, NpyArray array) throws IOException {
    byte[] bytes = toBytes(array);
    Path target = file.toAbsolutePath();
    try (WorkDirectory work = WorkDirectory.beside(target, "npy " + target)) {
      Path tmp = work.resolve("array.npy");
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      work.commit(tmp, target, true);
    }
  }

  /** Writes a matrix as a 2-D float32 array. */
  public static void write(Path file, FloatMatrix matrix) throws IOException {
    write(file, NpyArray.of(matrix));
  }

  /** The complete file contents np.save would write for {@code array}. */
  public static byte[] toBytes(NpyArray array) {
    byte[] header = headerBytes(array);
    NpyDtype dtype = array.dtype();
    long dataBytes = (long) array.size() * dtype.itemSize();
    if (header.length + dataBytes > MAX_ARRAY_BYTES) {
      throw new IllegalArgumentException(array + " is too large to encode in one buffer");
    }
    ByteBuffer b = ByteBuffer.allocate(header.length + (int) dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.put(header);
    Object raw = array.rawData();
    switch (dtype) {
      case FLOAT32 -> b.asFloatBuffer().put((float[]) raw);
      case FLOAT64 -> b.asDoubleBuffer().put((double[]) raw);
      case INT16, UINT16, FLOAT16 -> b.asShortBuffer().put((short[]) raw);
      case INT32 -> b.asIntBuffer().put((int[]) raw);
      case INT64 -> b.asLongBuffer().put((long[]) raw);
      case UINT8, BOOL -> b.put((byte[]) raw);
    }
    return b.array();
  }

  /** numpy.lib.format._write_array_header for a C-ordered array, including its padding rules. */
  private static byte[] headerBytes(NpyArray array) {
    long[] shape = array.shape();
    StringBuilder s = new StringBuilder("{'descr': '").append(array.dtype().descr())
        .append("', 'fortran_order': False, 'shape': (");
    for (int i = 0; i < shape.length; i++) {
      s.append(i > 0 ? ", " : "").append(shape[i]);
    }
    s.append(shape.length == 1 ? ",), }" : "), }");
    if (shape.length > 0) {
      s.append(" ".repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - Long.toString(shape[0]).length())));
    }
    byte[] dict = s.toString().getBytes(StandardCharsets.ISO_8859_1);
    // Version 1.0 unless its 16-bit length cannot hold the header, as numpy's _wrap_header_guess_version decides.
    int major = 1;
    int prefix = MAGIC.length + 2 + 2;
    int hlen = dict.length + 1;
    int pad = ARRAY_ALIGN - ((prefix + hlen) % ARRAY_ALIGN);
    if (hlen + pad > 0xFFFF) {
      major = 2;
      prefix = MAGIC.length + 2 + 4;
      pad = ARRAY_ALIGN - ((prefix + hlen) % ARRAY_ALIGN);
    }
    ByteBuffer b = ByteBuffer.allocate(prefix + hlen + pad).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).put((byte) major).put((byte) 0);
    if (major == 1) {
      b.putShort((short) (hlen + pad));
    } else {
      b.putInt(hlen + pad);
    }
    b.put(dict);
    for (int i = 0; i < pad; i++) {
      b.put((byte) ' ');
    }
    b.put((byte) '\n');
    return b.array();
  }

  private record Header(NpyDtype dtype, ByteOrder order, boolean fortranOrder, long[] shape) {}

  private static Header parseHeader(String file, String header) throws IOException {
    String h = header.strip();
    if (!h.startsWith("{") || !h.endsWith("}")) {
      throw corrupt(file, "header is not a Python dict literal: " + abbreviate(header));
    }
    Matcher descr = DESCR.matcher(h);
    Matcher fortran = FORTRAN.matcher(h);
    Matcher shape = SHAPE.matcher(h);
    if (!descr.find() || !fortran.find() || !shape.find()) {
      throw corrupt(file, "header lacks a plain 'descr', 'fortran_order' or 'shape' entry: " + abbreviate(header));
    }
    Matcher t = TYPESTR.matcher(descr.group(1));
    if (!t.matches()) {
      throw corrupt(file, "unsupported dtype descr '" + descr.group(1) + "'");
    }
    int itemSize;
    try {
      itemSize = Integer.parseInt(t.group(3));
    } catch (NumberFormatException e) {
      throw corrupt(file, "unsupported dtype descr '" + descr.group(1) + "'");
    }
    NpyDtype dtype = NpyDtype.of(t.group(2).charAt(0), itemSize).orElseThrow(() -> corrupt(file,
        "unsupported dtype descr '" + descr.group(1) + "' (supported: " + Arrays.toString(NpyDtype.values()) + ")"));
    ByteOrder order = switch (t.group(1).charAt(0)) {
      case '<' -> ByteOrder.LITTLE_ENDIAN;
      case '>' -> ByteOrder.BIG_ENDIAN;
      case '=' -> ByteOrder.nativeOrder();
      default -> {
        if (itemSize != 1) {
          throw corrupt(file, "descr '" + descr.group(1) + "' has no byte order for a multi-byte type");
        }
        yield ByteOrder.LITTLE_ENDIAN;
      }
    };
    String[] dims = shape.group(1).split(",", -1);
    long[] parsed = new long[dims.length];
    int rank = 0;
    for (int i = 0; i < dims.length; i++) {
      String d = dims[i].strip();
      if (d.isEmpty()) {
        if (i == dims.length - 1 && (i > 0 || dims.length == 1)) {
          continue; // the trailing comma of "(3,)" or the empty "()"
        }
        throw corrupt(file, "malformed shape (" + shape.group(1) + ")");
      }
      try {
        parsed[rank] = Long.parseLong(d);
      } catch (NumberFormatException e) {
        throw corrupt(file, "malformed shape (" + shape.group(1) + ")");
      }
      if (parsed[rank] < 0) {
        throw corrupt(file, "negative dimension in shape (" + shape.group(1) + ")");
      }
      rank++;
    }
    return new Header(dtype, order, fortran.group(1).equals("True"), Arrays.copyOf(parsed, rank));
  }

  private static Object decode(ByteBuffer b, NpyDtype dtype, int count) {
    switch (dtype) {
      case FLOAT32: {
        float[] v = new float[count];
        b.asFloatBuffer().get(v);
        return v;
      }
      case FLOAT64: {
        double[] v = new double[count];
        b.asDoubleBuffer().get(v);
        return v;
      }
      case INT16:
      case UINT16:
      case FLOAT16: {
        short[] v = new short[count];
        b.asShortBuffer().get(v);
        return v;
      }
      case INT32: {
        int[] v = new int[count];
        b.asIntBuffer().get(v);
        return v;
      }
      case INT64: {
        long[] v = new long[count];
        b.asLongBuffer().get(v);
        return v;
      }
      case BOOL: {
        byte[] v = b.array();
        for (int i = 0; i < count; i++) {
          v[i] = (byte) (v[i] != 0 ? 1 : 0);
        }
        return v;
      }
      default:
        return b.array();
    }
  }

  /** Reorders column-major values to row-major: C index i reads Fortran index perm[i]. */
  private static Object fortranToC(Object values, long[] shape) {
    int rank = shape.length;
    int n = java.lang.reflect.Array.getLength(values);
    long[] fStride = new long[rank];
    long s = 1;
    for (int k = 0; k < rank; k++) {
      fStride[k] = s;
      s *= shape[k];
    }
    Object out = java.lang.reflect.Array.newInstance(values.getClass().getComponentType(), n);
    long[] idx = new long[rank];
    long f = 0;
    for (int c = 0; c < n; c++) {
      System.arraycopy(values, (int) f, out, c, 1);
      for (int k = rank - 1; k >= 0; k--) {
        if (++idx[k] < shape[k]) {
          f += fStride[k];
          break;
        }
        f -= fStride[k] * (shape[k] - 1);
        idx[k] = 0;
      }
    }
    return out;
  }

  private static long multiply(String file, Header h, long a, long b) throws IOException {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      throw corrupt(file, "shape " + Arrays.toString(h.shape) + " of " + h.dtype + " overflows a 64-bit size");
    }
  }

  private static ByteBuffer readFully(ReadableByteChannel ch, String file, int n, String what) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(n);
    while (b.hasRemaining()) {
      if (ch.read(b) < 0) {
        throw corrupt(file, "file ends inside the " + what);
      }
    }
    return b.flip();
  }

  private static IOException corrupt(String file, String what) {
    return new IOException(file + ": " + oneLine(what));
  }

  private static String hex(ByteBuffer b, int n) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      s.append(String.format("%02x", b.get(i) & 0xFF));
    }
    return s.toString();
  }

  private static String abbreviate(String s) {
    String t = s.strip();
    return t.length() <= 120 ? t : t.substring(0, 120) + "...";
  }

  /** The message on one line: a file's bytes quoted in it may hold line breaks or other control characters. */
  private static String oneLine(String s) {
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      out.append(c == '\n' ? "\\n" : c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
    }
    return out.toString();
  }
}
