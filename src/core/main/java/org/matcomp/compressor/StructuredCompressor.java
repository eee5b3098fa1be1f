package org.matcomp.compressor;

/**
 * A method whose small factors replace x·A outright and train from scratch — graph_compression's input/output (9),
 * block-diagonal (10) and mixed-block (12) options — rather than taking over from A through the α blend. The
 * reference never reads A for these: its variables start from Xavier-uniform draws and nothing updates them but the
 * optimizer. {@link #compress} still fits the structure to a given A (for {@code factor} and for warm starts).
 */
public interface StructuredCompressor extends MatrixCompressor {
  /**
   * Factors for training from scratch: Xavier-uniform draws with the reference's limits, in layout order,
   * deterministic for {@code seed}. {@code name} names the matrix in every error message.
   */
  Factorization initialFactors(String name, int rows, int cols, long seed);
}
