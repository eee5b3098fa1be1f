package org.matcomp.io;

import java.util.Optional;

/**
 * The element types matcomp exchanges with NumPy. Byte order belongs to a file, not to the values, so it is not part
 * of the dtype: {@link Npy} converts on read and writes little-endian, as np.save does on x86.
 */
public enum NpyDtype {
  FLOAT32('f', 4),
  FLOAT64('f', 8),
  /** IEEE half precision, held as its bits (short[]): NumPy's float16. */
  FLOAT16('f', 2),
  INT16('i', 2),
  INT32('i', 4),
  INT64('i', 8),
  UINT8('u', 1),
  /** Unsigned 16-bit entries held in a short[]: the bits of bfloat16 values, which NumPy has no dtype for. */
  UINT16('u', 2),
  BOOL('b', 1);

  private final char kind;
  private final int itemSize;

  NpyDtype(char kind, int itemSize) {
    this.kind = kind;
    this.itemSize = itemSize;
  }

  /** Bytes per element. */
  public int itemSize() {
    return itemSize;
  }

  /** NumPy's descr as np.save writes it: '|' for single bytes, little-endian otherwise ("<f4", "|u1"). */
  public String descr() {
    return (itemSize == 1 ? "|" : "<") + kind + itemSize;
  }

  /** The dtype for NumPy's kind character and item size ('f', 4 → FLOAT32), if matcomp supports it. */
  static Optional<NpyDtype> of(char kind, int itemSize) {
    for (NpyDtype d : values()) {
      if (d.kind == kind && d.itemSize == itemSize) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }
}
