package org.matcomp.savedmodel.rewrite;

import java.util.List;
import org.matcomp.savedmodel.export.TensorValue;
import org.tensorflow.proto.DataType;

/**
 * A weight served sparse: {@code stored} holds its factors on disk (read only by the init op), {@code served}
 * replaces its consumers with {@link SparseForm} over two variables that are not saved — the nonzeros' coordinates
 * and values, of a count known only once the init op has decoded the weight (their first dimension is unknown).
 */
public record SparseReplacement(Replacement stored, Replacement served) {
  /** The sparse serving of {@code stored}, a weight read as stored (no view) by 2-D MatMuls. */
  public static SparseReplacement of(Replacement stored) {
    if (stored.view() != null && !stored.view().isIdentity()) {
      throw new IllegalArgumentException(stored.variable().name() + " is read through a view, not as stored");
    }
    String name = stored.variable().name();
    // no spec: these are no factors of a method, only the layout SparseTensorDenseMatMul reads
    List<StoredFactor> derived = List.of(
        new StoredFactor("sparse_indices", new TensorValue(DataType.DT_INT64, new long[] {-1, 2}, new byte[0]), null),
        new StoredFactor("sparse_values", new TensorValue(DataType.DT_FLOAT, new long[] {-1}, new byte[0]), null));
    Replacement served = new Replacement(stored.variable(), new SparseForm(stored.form().method()), derived,
        List.of(name + "_sparse_indices", name + "_sparse_values"), stored.rows(), stored.cols(), stored.view());
    return new SparseReplacement(stored, served);
  }

  /** The variables the init op fills and no checkpoint holds. */
  public List<String> unsavedVariables() {
    return served.factorVariables();
  }
}
