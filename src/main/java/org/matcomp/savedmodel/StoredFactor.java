package org.matcomp.savedmodel;

/**
 * One variable of a compressed matrix as exported: a suffix for its name ({@code B}, {@code codes}, ...) and its
 * value in the dtype it is stored in (uint8 codes stay one byte each, a pruning bitmap is packed eight to a byte).
 */
public record StoredFactor(String suffix, HostTensor value) {
  public long bytes() {
    return value.bytes().length;
  }
}
