package org.matcomp.compressor;

/** How a factor's entries are stored: this decides its true size in the compression accounting. */
public enum FactorType {
  FLOAT32(32),
  INT32(32),
  /** Codes into a table (a codebook, a dictionary) of at most 256 entries. */
  UINT8(8),
  /** Signs or masks, one bit an entry when stored. */
  BIT(1);

  private final int bits;

  FactorType(int bits) {
    this.bits = bits;
  }

  public int bitsPerEntry() {
    return bits;
  }

  /** The narrowest type that indexes a table of {@code size} entries: UINT8 up to 256, else INT32. */
  public static FactorType indexFor(int size) {
    return size <= 256 ? UINT8 : INT32;
  }

  /** Bytes to store {@code entries} entries, rounded up to whole bytes. */
  public long bytesFor(long entries) {
    return (entries * bits + 7) / 8;
  }
}
