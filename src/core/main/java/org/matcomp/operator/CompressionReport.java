package org.matcomp.operator;

import java.util.List;
import org.matcomp.compressor.CompressedSize;

/**
 * Per-matrix and total parameters and bytes, dense vs compressed. Matrices left dense count on both sides, so the
 * total ratio is the model's real one, not just that of the compressed layers.
 */
public record CompressionReport(List<Entry> matrices) {
  public CompressionReport {
    matrices = List.copyOf(matrices);
  }

  /** One weight matrix: its method ("none" when left dense) and sizes. */
  public record Entry(String name, int rows, int cols, String method, CompressedSize size) {}

  public static Entry dense(String name, int rows, int cols) {
    return new Entry(name, rows, cols, "none", CompressedSize.dense(rows, cols));
  }

  /** The size {@code m} will have once its schedule has finished (for plans; a run's report uses {@link #served}). */
  public static Entry of(CompressedWeight m) {
    return new Entry(m.name(), m.rows(), m.cols(), m.spec().method().name(), m.size());
  }

  /**
   * What {@code m} reads in {@code session} now ({@link CompressedWeight#servedSize}): a run that ended before its
   * schedule finished reports the model it produced, not the one the method would have.
   */
  public static Entry served(CompressedWeight m, org.tensorflow.Session session) {
    return new Entry(m.name(), m.rows(), m.cols(), m.spec().method().name(), m.servedSize(session));
  }

  public CompressedSize total() {
    CompressedSize t = CompressedSize.empty();
    for (Entry e : matrices) {
      t = t.plus(e.size());
    }
    return t;
  }
}
