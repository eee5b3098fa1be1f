package org.matcomp.compressor;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Parameters and bytes of a dense matrix and of what replaces it. The ratio is dense bytes over compressed bytes,
 * with every factor counted at its stored width — the reference divides parameter counts and ignores code widths,
 * which overstates float factors and understates codes.
 */
public record CompressedSize(long denseParams, long denseBytes, long compressedParams, long compressedBytes) {
  public CompressedSize {
    checkArgument(denseParams >= 0 && denseBytes >= 0 && compressedParams >= 0 && compressedBytes >= 0,
        "negative size in %s/%s/%s/%s", denseParams, denseBytes, compressedParams, compressedBytes);
  }

  /** The size of a float32 matrix left dense. */
  public static CompressedSize dense(long rows, long cols) {
    long p = rows * cols;
    return new CompressedSize(p, 4 * p, p, 4 * p);
  }

  /**
   * The size of factors replacing a rows×cols float32 matrix. A bit factor (a mask, signs) counts as parameters in
   * 32-bit words, so that "parameters" stays comparable with the dense float count instead of counting every bit.
   */
  public static CompressedSize of(long rows, long cols, Iterable<FactorSpec> factors) {
    long params = 0;
    long bytes = 0;
    for (FactorSpec f : factors) {
      params += f.type() == FactorType.BIT ? (f.entries() + 31) / 32 : f.entries();
      bytes += f.storageBytes();
    }
    return new CompressedSize(rows * cols, 4 * rows * cols, params, bytes);
  }

  public CompressedSize plus(CompressedSize o) {
    return new CompressedSize(denseParams + o.denseParams, denseBytes + o.denseBytes,
        compressedParams + o.compressedParams, compressedBytes + o.compressedBytes);
  }

  /**
   * Whether the factors take no fewer bytes than the dense float32 matrix, so that compressing it saves nothing: the
   * case a compressor's layout warns about. Bytes rather than parameters, so that bit and byte factors count at their
   * stored width; for float32 factors the two tests agree.
   */
  public boolean savesNothing() {
    return compressedBytes >= denseBytes;
  }

  /** Dense bytes / compressed bytes. */
  public double ratio() {
    return compressedBytes == 0 ? Double.POSITIVE_INFINITY : (double) denseBytes / compressedBytes;
  }

  public static CompressedSize empty() {
    return new CompressedSize(0, 0, 0, 0);
  }
}
