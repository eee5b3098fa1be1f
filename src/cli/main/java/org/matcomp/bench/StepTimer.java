package org.matcomp.bench;

import java.util.Arrays;

/**
 * Times repeated actions on a noisy 2-core machine: warm-up runs, then medians. {@link #paired} alternates two
 * actions run by run, so that load from elsewhere hits both alike and their ratio stays meaningful.
 */
public final class StepTimer {
  private StepTimer() {}

  /** Medians of the two actions' times and the median of their per-run ratios (b / a). */
  public record Paired(double medianA, double medianB, double ratio) {}

  public static double medianSeconds(int warmup, int runs, Runnable action) {
    for (int i = 0; i < warmup; i++) {
      action.run();
    }
    double[] t = new double[runs];
    for (int i = 0; i < runs; i++) {
      t[i] = time(action);
    }
    return median(t);
  }

  public static Paired paired(int warmup, int runs, Runnable a, Runnable b) {
    for (int i = 0; i < warmup; i++) {
      a.run();
      b.run();
    }
    double[] ta = new double[runs];
    double[] tb = new double[runs];
    double[] ratio = new double[runs];
    for (int i = 0; i < runs; i++) {
      ta[i] = time(a);
      tb[i] = time(b);
      ratio[i] = tb[i] / ta[i];
    }
    return new Paired(median(ta), median(tb), median(ratio));
  }

  private static double time(Runnable action) {
    long t0 = System.nanoTime();
    action.run();
    return (System.nanoTime() - t0) / 1e9;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}
