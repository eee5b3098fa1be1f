package org.matcomp.savedmodel;

import java.util.ArrayList;
import java.util.List;
import org.matcomp.savedmodel.rewrite.Replacement;
import org.matcomp.savedmodel.serving.SparseTiming;

/**
 * How an export serves its compressed weights, for the report: those materialised dense when the model loads, and
 * those served as their nonzeros, with the timings that chose them.
 */
public record ServingOutcome(List<Replacement> materialized, List<Sparse> sparse) {
  /** A weight served sparse: its nonzeros among its entries, and x·W timed both ways (empty when not measured). */
  public record Sparse(String variable, long nonzeros, long entries, List<SparseTiming> timings) {
    public Sparse {
      timings = List.copyOf(timings);
    }

    /** Bytes the served nonzeros take: an int64 coordinate pair and a float each. */
    public long servingBytes() {
      return 20 * nonzeros;
    }
  }

  public ServingOutcome {
    materialized = List.copyOf(materialized);
    sparse = List.copyOf(sparse);
  }

  /** What a report says about serving: memory held at serving time, and every sparse choice with its timings. */
  public List<String> notes() {
    List<String> notes = new ArrayList<>();
    if (!materialized.isEmpty()) {
      long bytes = materialized.stream().mapToLong(r -> 4L * r.rows() * r.cols()).sum();
      notes.add(String.format("serving form fast: %d matrices are rebuilt once when the model loads (its init op),"
          + " not on every call; serving memory holds their dense weights (%d bytes); --serving-form compact"
          + " rebuilds them per call instead", materialized.size(), bytes));
    }
    for (Sparse s : sparse) {
      StringBuilder b = new StringBuilder(String.format("sparse execution: %s served as its %d nonzeros (%.1f %%"
          + " zeros) by SparseTensorDenseMatMul, built when the model loads (%d bytes in serving memory)",
          s.variable(), s.nonzeros(), 100.0 * (s.entries() - s.nonzeros()) / s.entries(), s.servingBytes()));
      if (!s.timings().isEmpty()) {
        b.append("; x·W measured dense → sparse: ").append(String.join(", ", s.timings().stream()
            .map(t -> String.format("batch %d %.3f → %.3f ms", t.batch(), t.denseMs(), t.sparseMs())).toList()));
      }
      notes.add(b.toString());
    }
    return notes;
  }
}
