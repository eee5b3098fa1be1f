package org.matcomp.savedmodel;

import java.util.List;
import java.util.Locale;
import org.matcomp.savedmodel.serving.SparseTiming;

/**
 * Whether the fast serving form multiplies a mostly-zero weight without densifying it: its nonzeros (indices and
 * values, built once at load like the fast form's dense weights) read by {@code SparseTensorDenseMatMul}. Which wins
 * depends on the matrix, the batch and the machine (TF's sparse kernel beat the dense MatMul only from about 95 %
 * zeros on a 4096² weight, and lost 1.6× at 90 %), so by default each candidate is timed both ways at
 * {@code batchSizes} and served sparse only when faster at every one of them. {@link Mode#ALWAYS} serves every
 * candidate sparse, for a user whose serving machine is not the one compressing.
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

  /** Whether a weight with this fraction of zeros is a candidate at all. */
  public boolean considers(double zeros) {
    return switch (mode) {
      case NEVER -> false;
      case ALWAYS -> true;
      case MEASURED -> zeros >= MIN_ZEROS;
    };
  }

  /** Whether a candidate timed as {@code timings} (one per batch size; empty when not timed) is served sparse. */
  public boolean choose(List<SparseTiming> timings) {
    return switch (mode) {
      case NEVER -> false;
      case ALWAYS -> true;
      case MEASURED -> !timings.isEmpty() && timings.stream().allMatch(SparseTiming::sparseWins);
    };
  }

  private static String joined(List<Integer> sizes) {
    return String.join(",", sizes.stream().map(String::valueOf).toList());
  }
}
