package org.matcomp.savedmodel;

import java.util.List;
import java.util.Locale;
import org.matcomp.savedmodel.serving.SparseTiming;

/**
 * Whether the fast serving form multiplies a mostly-zero weight without densifying it: its nonzeros (indices and
 * values, built once at load like the fast form's dense weights) read by {@code SparseTensorDenseMatMul}. Which wins
 * depends on the matrix, the batch and the machine (TF's sparse kernel beat the dense MatMul only from about 95 %
 * zeros on a 4096² weight, and lost 1.6× at 90 %), so by default each candidate is timed both ways at
 * {@code batchSizes} and served sparse only when it is at least 10 % faster at one of them and nowhere more than 5 %
 * slower (the timer's noise: a tie is no reason to change forms). {@link Mode#ALWAYS} serves every candidate sparse,
 * for a user whose serving machine is not the one compressing.
 *
 * <p>A candidate is a weight whose form rebuilds it (a pruned weight, alone or with its values coded) read only by
 * 2-D MatMuls, as stored; others keep the dense fast form.
 */
public record SparseExecution(Mode mode, List<Integer> batchSizes) {
  public enum Mode {
    /** Timed both ways at the batch sizes; sparse when faster at every one. */
    MEASURED,
    /** Every candidate sparse. */
    ALWAYS,
    /** Never sparse. */
    NEVER;

    public static Mode parse(String name) {
      for (Mode m : values()) {
        if (m.name().equalsIgnoreCase(name)) {
          return m;
        }
      }
      throw new IllegalArgumentException("--sparse-execution '" + name + "' is not measured, always or never");
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Fewer zeros than this never pay for the indices (16 bytes a nonzero) and are not even timed. */
  public static final double MIN_ZEROS = 0.5;

  /**
   * A smaller weight is not timed: its product costs less than a call's overhead, so either form serves as fast, and
   * timings that small are noise (the fast form materialises small low-rank weights for the same reason).
   */
  public static final long MIN_ENTRIES = ServingForm.SMALL_MATRIX_ENTRIES;

  /** Sparse must win by this much at one batch size ... */
  public static final double MIN_GAIN = 0.10;

  /** ... and lose by no more than this at any. */
  public static final double MAX_LOSS = 0.05;

  /** Measured at one example and at 64, the batch sizes the latency report uses. */
  public static final SparseExecution DEFAULT = new SparseExecution(Mode.MEASURED, List.of(1, 64));

  public SparseExecution {
    java.util.Objects.requireNonNull(mode, "mode");
    batchSizes = List.copyOf(batchSizes);
    if (batchSizes.isEmpty()) {
      throw new IllegalArgumentException("--batch-sizes: give at least one batch size");
    }
    for (int b : batchSizes) {
      if (b <= 0) {
        throw new IllegalArgumentException("--batch-sizes " + joined(batchSizes) + ": batch size " + b
            + " is not positive");
      }
    }
  }

  /** Whether a weight of {@code entries} entries can be a candidate at all (before its zeros are counted). */
  public boolean mayServe(long entries) {
    return considers(1.0, entries);
  }

  /** Whether a weight of {@code entries} entries, this fraction of them zero, is a candidate at all. */
  public boolean considers(double zeros, long entries) {
    return switch (mode) {
      case NEVER -> false;
      case ALWAYS -> true;
      case MEASURED -> zeros >= MIN_ZEROS && entries >= MIN_ENTRIES;
    };
  }

  /** Whether a candidate timed as {@code timings} (one per batch size; empty when not timed) is served sparse. */
  public boolean choose(List<SparseTiming> timings) {
    return switch (mode) {
      case NEVER -> false;
      case ALWAYS -> true;
      case MEASURED -> timings.stream().anyMatch(t -> t.sparseMs() <= (1 - MIN_GAIN) * t.denseMs())
          && timings.stream().allMatch(t -> t.sparseMs() <= (1 + MAX_LOSS) * t.denseMs());
    };
  }

  private static String joined(List<Integer> sizes) {
    return String.join(",", sizes.stream().map(String::valueOf).toList());
  }
}
