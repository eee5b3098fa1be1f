package org.matcomp.operator;

import java.util.Arrays;
import java.util.List;
import org.matcomp.linalg.EinsumEquation;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * An einsum that reads a weight, {@code einsum(equation, x, W)} with W the second operand (as Keras EinsumDense and
 * attention layers write it), where W is a compressed rows×cols matrix: its contracted axes flattened into rows and
 * its kept axes into cols, each group in the equation's order. For {@code abc,cde->abde} on a [c, d, e] kernel that
 * is the kernel reshaped to c × (d·e).
 *
 * <p>The dense form reshapes the matrix to [contracted…, kept…] and runs the equation with the weight's subscripts
 * in that order, so no transpose is ever needed; the factored form (W = L·R) runs two einsums through the rank axis
 * and never builds W.
 */
public final class EinsumRead {
  private final EinsumEquation equation;
  private final long[] matrixShape;
  private final int rows;
  private final int cols;

  private EinsumRead(EinsumEquation equation, long[] matrixShape, int rows, int cols) {
    this.equation = equation;
    this.matrixShape = matrixShape;
    this.rows = rows;
    this.cols = cols;
  }

  /**
   * The read of {@code equation} with the weight second and of shape {@code weightShape} (its axes in the order the
   * equation names them); fails with the reason when the weight's axes are not each contracted or kept.
   */
  public static EinsumRead of(String equation, long... weightShape) {
    EinsumEquation e = EinsumEquation.parse(equation, 1);
    if (e.weight().length() != weightShape.length) {
      throw new IllegalArgumentException("equation '" + equation + "' gives the weight " + e.weight().length()
          + " axes, the shape " + Arrays.toString(weightShape) + " has " + weightShape.length);
    }
    String order = e.matrixOrder();
    long[] permuted = new long[weightShape.length];
    long rows = 1;
    for (int i = 0; i < permuted.length; i++) {
      permuted[i] = weightShape[e.weight().indexOf(order.charAt(i))];
      if (permuted[i] <= 0) {
        throw new IllegalArgumentException("weight shape " + Arrays.toString(weightShape) + " has an axis of "
            + permuted[i]);
      }
      if (i < e.contracted().length()) {
        rows *= permuted[i];
      }
    }
    long cols = Arrays.stream(permuted).reduce(1, Math::multiplyExact) / rows;
    return new EinsumRead(e, permuted, Math.toIntExact(rows), Math.toIntExact(cols));
  }

  /** The product of the contracted axes: the rows of the matrix this read expects. */
  public int rows() {
    return rows;
  }

  /** The product of the kept axes. */
  public int cols() {
    return cols;
  }

  /** Fails naming both shapes when {@code weight} is not the rows×cols matrix this read expects. */
  void check(String weight, int weightRows, int weightCols) {
    if (weightRows != rows || weightCols != cols) {
      throw new IllegalArgumentException("'" + weight + "' is " + weightRows + "x" + weightCols + ", the einsum '"
          + equation.withWeight(equation.weight()) + "' reads a " + rows + "x" + cols + " matrix (contracted x kept)");
    }
  }

  /** The einsum with W given as its rows×cols matrix. */
  Operand<TFloat32> dense(Ops tf, Operand<TFloat32> x, Operand<TFloat32> matrix) {
    Operand<TFloat32> w = tf.reshape(matrix, tf.constant(matrixShape));
    return tf.linalg.einsum(List.of(x, w), equation.withWeight(equation.matrixOrder()));
  }

  /** The einsum with W = left·right, through the rank axis. */
  Operand<TFloat32> factored(Ops tf, Operand<TFloat32> x, GraphProductRule.Factors f) {
    int c = equation.contracted().length();
    long[] leftShape = Arrays.copyOf(matrixShape, c + 1);
    leftShape[c] = f.rank();
    long[] rightShape = new long[matrixShape.length - c + 1];
    rightShape[0] = f.rank();
    System.arraycopy(matrixShape, c, rightShape, 1, matrixShape.length - c);
    EinsumEquation.Factored steps = equation.factored();
    Operand<TFloat32> t = tf.linalg.einsum(List.of(x, tf.reshape(f.left(), tf.constant(leftShape))),
        steps.first());
    return tf.linalg.einsum(List.of(t, tf.reshape(f.right(), tf.constant(rightShape))), steps.second());
  }

  @Override
  public String toString() {
    return equation.withWeight(equation.weight()) + " " + Arrays.toString(matrixShape);
  }
}
