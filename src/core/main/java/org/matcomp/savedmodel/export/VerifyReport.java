package org.matcomp.savedmodel.export;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The outputs of every signature before and after compression on the same inputs: max and mean absolute difference
 * per output, and for labelled examples the accuracy of the arg-max class before and after.
 */
public record VerifyReport(List<SignatureCheck> signatures) {
  public VerifyReport {
    signatures = List.copyOf(signatures);
  }

  /** One output's differences over {@code count} entries. */
  public record Diff(double max, double sum, long count) {
    public double mean() {
      return count == 0 ? 0 : sum / count;
    }

    Diff plus(Diff o) {
      return new Diff(Math.max(max, o.max), sum + o.sum, count + o.count);
    }
  }

  /**
   * @param examples rows fed (all batches)
   * @param labelled rows with labels; accuracies are NaN without any
   * @param skipped why the signature could not be run, or null
   */
  public record SignatureCheck(String name, int examples, Map<String, Diff> outputs, int labelled,
      double accuracyBefore, double accuracyAfter, String skipped) {}

  public Diff total() {
    Diff d = new Diff(0, 0, 0);
    for (SignatureCheck s : signatures) {
      for (Diff o : s.outputs().values()) {
        d = d.plus(o);
      }
    }
    return d;
  }

  public OptionalDouble accuracyBefore() {
    return signatures.stream().filter(s -> s.labelled() > 0).mapToDouble(SignatureCheck::accuracyBefore).findFirst();
  }

  public OptionalDouble accuracyAfter() {
    return signatures.stream().filter(s -> s.labelled() > 0).mapToDouble(SignatureCheck::accuracyAfter).findFirst();
  }

  /** How many labelled examples the accuracies count. */
  public int labelledExamples() {
    return signatures.stream().filter(s -> s.labelled() > 0).mapToInt(SignatureCheck::labelled).findFirst()
        .orElse(0);
  }

  public JsonArray toJson() {
    JsonArray a = new JsonArray();
    for (SignatureCheck s : signatures) {
      JsonObject o = new JsonObject();
      o.addProperty("name", s.name());
      if (s.skipped() != null) {
        o.addProperty("skipped", s.skipped());
        a.add(o);
        continue;
      }
      o.addProperty("examples", s.examples());
      JsonObject outs = new JsonObject();
      s.outputs().forEach((k, d) -> {
        JsonObject j = new JsonObject();
        j.addProperty("max_abs_diff", d.max());
        j.addProperty("mean_abs_diff", d.mean());
        outs.add(k, j);
      });
      o.add("outputs", outs);
      if (s.labelled() > 0) {
        o.addProperty("labelled_examples", s.labelled());
        o.addProperty("accuracy_before", s.accuracyBefore());
        o.addProperty("accuracy_after", s.accuracyAfter());
      }
      a.add(o);
    }
    return a;
  }
}
