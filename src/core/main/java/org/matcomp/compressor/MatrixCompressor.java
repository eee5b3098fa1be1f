package org.matcomp.compressor;

import java.util.List;
import org.matcomp.linalg.FloatMatrix;

/**
 * One compression method: how to factor a matrix A (m×n) and which factors that yields. Implementations are pure
 * Java and deterministic for a given spec seed; each method is one class.
 */
public interface MatrixCompressor {
  Method method();

  /** The factors this method produces for an m×n matrix, before any data exists (variables are created from it). */
  List<FactorSpec> layout(String name, int rows, int cols);

  /** What {@link #layout} stores for an m×n matrix, against its dense size. */
  default CompressedSize size(String name, int rows, int cols) {
    return CompressedSize.of(rows, cols, layout(name, rows, cols));
  }

  /**
   * Factors {@code a}. {@code name} names the matrix in every error message.
   *
   * @throws IllegalArgumentException for a matrix this method cannot compress (bad shape, non-finite entries,
   *     sizes out of range), naming {@code name}.
   */
  Factorization compress(String name, FloatMatrix a);
}
