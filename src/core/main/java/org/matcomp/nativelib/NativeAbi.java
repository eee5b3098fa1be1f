package org.matcomp.nativelib;

/**
 * The Java mirror of {@code native/matcomp_native.h}: every number (and the op name) that matcomp's Java code and its
 * native library must agree on. {@code MATCOMP_X} there is {@code X} here; {@code NativeAbiTest} parses the header and
 * fails on any difference either way, so neither side can drift. Change the header first, then this class.
 */
public final class NativeAbi {
  /** The protocol version; {@link NativeLoader} refuses a library that reports another. */
  public static final int ABI_VERSION = 3;

  /** The TF op type of matcomp's host callback. */
  public static final String OP_NAME = "MatcompHostCallback";

  /** Status codes Java may pass to {@code NativeBridge.nFail}: TF's INVALID_ARGUMENT and INTERNAL. */
  public static final int FAIL_INVALID_ARGUMENT = 3;
  public static final int FAIL_INTERNAL = 13;

  /** Outcomes of the dictionary kernels. */
  public static final int STATUS_OK = 0;
  public static final int STATUS_NOT_FINITE = 1;
  public static final int STATUS_NO_MEMORY = 2;
  public static final int STATUS_BAD_ARGUMENT = 3;

  /** The layout of {@code nLearn}'s {@code int[] stats}. */
  public static final int STAT_STATUS = 0;
  public static final int STAT_HISTORY_LENGTH = 1;
  public static final int STAT_REVERTED = 2;
  public static final int STAT_REPLACED = 3;
  public static final int STAT_COUNT = 4;

  /** The most bytes of one line {@link StderrFilter} holds back while they may still begin a line it drops. */
  public static final int STDERR_FILTER_HOLD_MAX = 512;

  private NativeAbi() {}
}
