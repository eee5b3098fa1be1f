package org.matcomp.compressor.prune;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.stream.IntStream;

/**
 * N:M structured sparsity (2:4 and kin): the matrix splits into groups of M consecutive entries along a row (or a
 * column), and each group keeps its N largest scores, ties to the lower index.
 *
 * <p>The scheduled sparsity s still counts, as in model_pruning's intra-block rule ({@code num_zeros =
 * floor(M·s)}): a group keeps {@code max(N, M − floor(M·s))}, so a gradual schedule tightens 4:4 → 3:4 → 2:4 and
 * never goes below N:M. At s = 1 − N/M (what {@link PruneCompressor} uses) that is exactly N.
 *
 * <p>Direction: {@link Axis#ALONG_ROWS} groups entries of a row (M must divide the columns).
 * {@link Axis#ALONG_COLUMNS} groups entries of a column (M must divide the rows); for a [in, out] dense kernel used
 * as x·W that is the reduction dimension, which is what sparse tensor cores need and what the reference's
 * intra-block rule does (it transposes 2-D weights first).
 */
public final class NmMask implements MaskRule {
  /** Which way the groups of M run. */
  public enum Axis {
    ALONG_ROWS,
    ALONG_COLUMNS
  }

  /** Tolerance on floor(M·s) so a schedule value meant to be exactly 0.75 is not floored to 2 by float error. */
  private static final double FLOOR_SLACK = 1e-9;
  private static final int RANK_COUNT_MAX_M = 64;

  private final int n;
  private final int m;
  private final Axis axis;

  private NmMask(int n, int m, Axis axis) {
    this.n = n;
    this.m = m;
    this.axis = axis;
  }

  public static NmMask of(int n, int m, Axis axis) {
    checkArgument(m >= 1, "N:M group size M=%s must be positive", m);
    checkArgument(n >= 1 && n <= m, "N:M needs 1 <= N <= M, got %s:%s", n, m);
    checkArgument(axis != null, "N:M axis is null");
    return new NmMask(n, m, axis);
  }

  /** Parses "N:M" such as "2:4". */
  public static NmMask parse(String nm, Axis axis) {
    String[] parts = nm.trim().split(":");
    checkArgument(parts.length == 2, "N:M '%s' is not of the form N:M (e.g. 2:4)", nm);
    try {
      return of(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()), axis);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("N:M '" + nm + "' is not of the form N:M (e.g. 2:4)", e);
    }
  }

  public int n() {
    return n;
  }

  public int m() {
    return m;
  }

  public Axis axis() {
    return axis;
  }

  /** The sparsity at which each group keeps exactly N: 1 − N/M. */
  public double nativeSparsity() {
    return 1 - (double) n / m;
  }

  /** Entries each group keeps at sparsity s. */
  public int keptPerGroup(double sparsity) {
    int zeros = (int) Math.floor(m * sparsity + FLOOR_SLACK);
    return Math.max(n, m - zeros);
  }

  private void checkGroups(String matrix, int rows, int cols) {
    Checks.shape(matrix, rows, cols);
    if (axis == Axis.ALONG_ROWS) {
      checkArgument(cols % m == 0, "%s: N:M %s:%s along rows needs M to divide the %s columns of the %sx%s matrix",
          matrix, n, m, cols, rows, cols);
    } else {
      checkArgument(rows % m == 0, "%s: N:M %s:%s along columns needs M to divide the %s rows of the %sx%s matrix",
          matrix, n, m, rows, rows, cols);
    }
  }

  @Override
  public int keptCount(String matrix, int rows, int cols, double sparsity) {
    checkGroups(matrix, rows, cols);
    Checks.sparsity(matrix, sparsity);
    return (int) ((long) rows * cols / m * keptPerGroup(sparsity));
  }

  @Override
  public PruningMask select(String matrix, float[] scores, int rows, int cols, double sparsity) {
    checkGroups(matrix, rows, cols);
    Checks.finiteMatrix(matrix, "scores", scores, rows, cols);
    Checks.sparsity(matrix, sparsity);
    int keep = keptPerGroup(sparsity);
    // Each group lies inside one row (ALONG_ROWS) or one column (ALONG_COLUMNS); lines go to threads whole, and
    // flags are packed into bits afterwards so no two threads share a word.
    boolean alongRows = axis == Axis.ALONG_ROWS;
    int lines = alongRows ? rows : cols;
    int lineLength = alongRows ? cols : rows;
    int stride = alongRows ? 1 : cols;
    byte[] flags = new byte[rows * cols];
    IntStream range = IntStream.range(0, lines);
    if ((long) rows * cols >= 1 << 16) {
      range = range.parallel();
    }
    range.forEach(line -> {
      int lineStart = alongRows ? line * cols : line;
      float[] buf = m > RANK_COUNT_MAX_M ? new float[m] : null;
      int[] keys = buf == null ? new int[m] : null;
      for (int g = 0; g < lineLength; g += m) {
        int start = lineStart + g * stride;
        if (buf == null) {
          keepByRank(scores, flags, start, stride, keep, keys);
        } else {
          keepBySelection(scores, flags, start, stride, keep, buf);
        }
      }
    });
    return PruningMask.fromFlags(rows, cols, flags);
  }

  /**
   * Small groups (M ≤ 64, one bit per member): pick the {@code keep} best by repeated arg-max, or when that is the
   * larger half, the {@code M − keep} worst by repeated arg-min. Order is score descending, then index ascending, so
   * the first of equal maxima is taken and the last of equal minima dropped.
   */
  private void keepByRank(float[] s, byte[] flags, int start, int stride, int keep, int[] keys) {
    for (int t = 0; t < m; t++) {
      keys[t] = TopKSelector.key(s[start + t * stride]);
    }
    long picked = 0;
    boolean pickKept = keep <= m - keep;
    int picks = pickKept ? keep : m - keep;
    for (int r = 0; r < picks; r++) {
      int at = -1;
      for (int t = 0; t < m; t++) {
        if ((picked & (1L << t)) == 0
            && (at < 0 || (pickKept ? keys[t] > keys[at] : keys[t] <= keys[at]))) {
          at = t;
        }
      }
      picked |= 1L << at;
    }
    for (int t = 0; t < m; t++) {
      if (((picked >>> t) & 1) == (pickKept ? 1 : 0)) {
        flags[start + t * stride] = 1;
      }
    }
  }

  private void keepBySelection(float[] s, byte[] flags, int start, int stride, int keep, float[] buf) {
    for (int t = 0; t < m; t++) {
      buf[t] = s[start + t * stride];
    }
    long[] chosen = TopKSelector.select(buf, keep);
    for (int t = 0; t < m; t++) {
      if ((chosen[t >>> 6] & (1L << t)) != 0) {
        flags[start + t * stride] = 1;
      }
    }
  }

  @Override
  public String toString() {
    return "NmMask[" + n + ":" + m + ", " + axis + "]";
  }
}
