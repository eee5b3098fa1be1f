package org.matcomp.demo;

import java.util.List;
import org.matcomp.operator.CompressionReport;

/**
 * The outcome of a PTB LSTM run: test and validation perplexity of the final model, validation perplexity just
 * before the first compression update (NaN when none happened in the run), each epoch's validation perplexity, and
 * the accounting of the matrices.
 */
public record LstmResult(String method, String spec, double testPerplexity, double validPerplexity,
    double densePerplexity, List<Double> validPerEpoch, CompressionReport report, long steps, double seconds,
    String finalPhase) {
  public LstmResult {
    validPerEpoch = List.copyOf(validPerEpoch);
  }
}
