package org.matcomp.operator;

import org.matcomp.spec.CompressionSpec;

/**
 * When α moves, shared by every compressor and by the host and in-graph update paths. It is graph_compression's
 * in-graph rule: an update fires at step t when begin ≤ t, (t ≤ end or end &lt; 0), and lastUpdate + frequency ≤ t,
 * with lastUpdate starting at −1. The reference's host path differs (end exclusive, −1 never runs, no frequency
 * check); matcomp uses this one rule on both paths so that they agree.
 *
 * <p>α after n updates is max(0, 1 − n·decrement), computed from n rather than by repeated float subtraction, so it
 * reaches exactly 0 after ⌈1/decrement⌉ updates.
 */
public final class CompressionSchedule {
  /** The value of lastUpdateStep before any update. */
  public static final long NEVER = -1;

  private final long begin;
  private final long end;
  private final long frequency;
  private final double decrement;

  public CompressionSchedule(CompressionSpec spec) {
    this.begin = spec.beginCompressionStep();
    this.end = spec.endCompressionStep();
    this.frequency = spec.compressionFrequency();
    this.decrement = spec.alphaDecrementValue();
  }

  /** Whether an update fires at {@code step} given the step of the last one ({@link #NEVER} if none). */
  public boolean isUpdateStep(long step, long lastUpdateStep) {
    boolean inRange = step >= begin && (end < 0 || step <= end);
    return inRange && lastUpdateStep + frequency <= step;
  }

  /** Whether the update at this point is the first one, which computes the factors from A. */
  public static boolean isFirstUpdate(long lastUpdateStep) {
    return lastUpdateStep == NEVER;
  }

  /** α after {@code updates} updates. */
  public float alphaAfter(long updates) {
    double a = 1.0 - updates * decrement;
    return a <= decrement * 1e-6 ? 0f : (float) a;
  }

  /** The number of updates that produced {@code alpha} (inverse of {@link #alphaAfter}). */
  public long updatesBehind(float alpha) {
    if (alpha <= 0) {
      return (long) Math.ceil(1.0 / decrement - 1e-9);
    }
    return Math.round((1.0 - alpha) / decrement);
  }

  /** α after one more update from {@code alpha}. */
  public float nextAlpha(float alpha) {
    return alpha <= 0 ? 0f : alphaAfter(updatesBehind(alpha) + 1);
  }

  /** Steps at which updates fire when every step from 0 to {@code lastStep} is visited, for reports and tests. */
  public long[] updateSteps(long lastStep) {
    long last = NEVER;
    java.util.List<Long> steps = new java.util.ArrayList<>();
    for (long t = 0; t <= lastStep; t++) {
      if (isUpdateStep(t, last)) {
        steps.add(t);
        last = t;
      }
    }
    return steps.stream().mapToLong(Long::longValue).toArray();
  }
}
