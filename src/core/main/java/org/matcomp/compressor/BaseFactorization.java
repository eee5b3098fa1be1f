package org.matcomp.compressor;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Objects;

/**
 * The fixed facts of a {@link Factorization} — its method and the m×n shape of the matrix it replaces — held as
 * values, so that a method's own factorization says only what is particular to it: its factors, its product and how
 * it applies to an input.
 */
public abstract class BaseFactorization implements Factorization {
  private final Method method;
  private final int rows;
  private final int cols;

  /**
   * An empty matrix has nothing to compress: the compressors refuse one by name before they factor it, and this check
   * stops any other path from building a factorization of nothing. The method is checked too, because one read from a
   * method's {@code INSTANCE} during a class-initialisation cycle would be null and fail far from here.
   */
  protected BaseFactorization(Method method, int rows, int cols) {
    this.method = Objects.requireNonNull(method, "method");
    checkArgument(rows > 0 && cols > 0, "a %s factorization replaces a matrix of positive shape, not %sx%s", method,
        rows, cols);
    this.rows = rows;
    this.cols = cols;
  }

  @Override
  public final Method method() {
    return method;
  }

  @Override
  public final int rows() {
    return rows;
  }

  @Override
  public final int cols() {
    return cols;
  }
}
