package org.matcomp.savedmodel.serving;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;

/**
 * Call times of one signature at one batch size, after warm-up: the median and the 99th percentile in
 * milliseconds, and the examples served a second at the median.
 */
public record Latency(int batch, double p50Ms, double p99Ms, double rowsPerSecond) {
  /** The statistics of {@code seconds}, one call each, at {@code batch} examples a call. */
  public static Latency of(int batch, double[] seconds) {
    checkArgument(seconds.length > 0, "no timed calls");
    double[] s = seconds.clone();
    Arrays.sort(s);
    double p50 = s[(s.length - 1) / 2];
    double p99 = s[Math.min(s.length - 1, (int) Math.ceil(0.99 * s.length) - 1)];
    return new Latency(batch, 1e3 * p50, 1e3 * p99, batch / p50);
  }
}
