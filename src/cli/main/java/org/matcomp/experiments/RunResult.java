package org.matcomp.experiments;

import java.util.List;
import org.matcomp.compressor.CompressedSize;
import org.matcomp.operator.CompressionReport;

/**
 * What one run measured: the metric of the final model, the metric of the dense model just before compression began
 * (NaN for the dense run), and the accounting of every matrix.
 */
public record RunResult(double metric, double metricBeforeCompression, CompressionReport report, double seconds) {
  /** The bytes of the matrices a method compressed, dense and stored ({@code none} entries left out). */
  CompressedSize compressedMatrices() {
    List<CompressionReport.Entry> compressed = report.matrices().stream()
        .filter(e -> !e.method().equals("none")).toList();
    CompressedSize total = CompressedSize.empty();
    for (CompressionReport.Entry e : compressed) {
      total = total.plus(e.size());
    }
    return total;
  }

  /** Dense bytes over stored bytes of the compressed matrices; 1 for the dense run. */
  double ratio() {
    CompressedSize s = compressedMatrices();
    return s.compressedBytes() == 0 ? 1 : s.ratio();
  }
}
