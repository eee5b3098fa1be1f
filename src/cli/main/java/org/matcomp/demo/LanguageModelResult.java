package org.matcomp.demo;

import java.util.List;
import org.matcomp.operator.CompressionReport;

/** What a language-model run measured; {@code densePerplexity} is taken just before the first update (NaN if none). */
public record LanguageModelResult(String method, String spec, double validPerplexity, double densePerplexity,
    CompressionReport report, long steps, double seconds, String finalPhase, List<Double> lossCurve) {
  public LanguageModelResult {
    lossCurve = List.copyOf(lossCurve);
  }
}
