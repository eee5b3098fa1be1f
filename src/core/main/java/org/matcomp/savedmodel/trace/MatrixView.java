package org.matcomp.savedmodel.trace;

import java.util.Arrays;
import org.matcomp.linalg.EinsumEquation;
import org.tensorflow.proto.NodeDef;

/**
 * How one consumer sees a weight as the rows×cols matrix a compressor factors: the weight's axes reordered by
 * {@code permutation} (identity but for an Einsum whose contracted axes are not first) and flattened row-major.
 * {@code weightShape} is the shape the consumer must be given back (the variable's shape, or for an Einsum its
 * reordered shape, with {@code einsum} saying how the equation reads it).
 */
public record MatrixView(int rows, int cols, int[] permutation, long[] weightShape, EinsumEquation einsum) {
  /** A view, or the one-line reason the consumer does not read the weight as a matrix. */
  public record Result(MatrixView view, String problem) {}

  public static Result of(ConsumerKind kind, NodeDef consumer, int weightInput, long[] shape) {
    if (shape == null || Arrays.stream(shape).anyMatch(d -> d < 0)) {
      return new Result(null, "its shape is not fully known");
    }
    int[] identity = identity(shape.length);
    return switch (kind) {
      case CONV2D -> shape.length == 4 ? view(shape[0] * shape[1] * shape[2], shape[3], identity, shape, null)
          : rank(kind, shape);
      case DEPTHWISE -> shape.length == 4 ? view(shape[0] * shape[1], shape[2] * shape[3], identity, shape, null)
          : rank(kind, shape);
      case EINSUM -> einsum(consumer, weightInput, shape);
      default -> shape.length == 2 ? view(shape[0], shape[1], identity, shape, null) : rank(kind, shape);
    };
  }

  private static Result einsum(NodeDef consumer, int weightInput, long[] shape) {
    String eq = consumer.containsAttr("equation") ? consumer.getAttrOrThrow("equation").getS().toStringUtf8() : "";
    EinsumEquation e;
    try {
      e = EinsumEquation.parse(eq, weightInput);
    } catch (IllegalArgumentException ex) {
      return new Result(null, "Einsum '" + consumer.getName() + "': " + ex.getMessage());
    }
    if (e.weight().length() != shape.length) {
      return new Result(null, "Einsum '" + consumer.getName() + "': equation '" + eq + "' gives the weight "
          + e.weight().length() + " axes, the variable has " + shape.length);
    }
    String order = e.contracted() + e.kept();
    int[] perm = new int[shape.length];
    long[] permuted = new long[shape.length];
    long rows = 1;
    for (int i = 0; i < perm.length; i++) {
      perm[i] = e.weight().indexOf(order.charAt(i));
      permuted[i] = shape[perm[i]];
      if (i < e.contracted().length()) {
        rows *= permuted[i];
      }
    }
    return view(rows, product(shape) / rows, perm, permuted, e);
  }

  private static Result view(long rows, long cols, int[] perm, long[] weightShape, EinsumEquation e) {
    return new Result(new MatrixView(Math.toIntExact(rows), Math.toIntExact(cols), perm, weightShape, e), null);
  }

  private static Result rank(ConsumerKind kind, long[] shape) {
    return new Result(null, kind.label() + " reads it with a shape that is not a matrix: " + Arrays.toString(shape));
  }

  /** The variable's values (row-major in its own shape) as this view's rows×cols matrix. */
  public float[] toMatrix(float[] values, long[] shape) {
    return isIdentity() ? values : permute(values, shape, false);
  }

  /** The inverse of {@link #toMatrix}: a rows×cols matrix back in the variable's own layout. */
  public float[] fromMatrix(float[] matrix, long[] shape) {
    return isIdentity() ? matrix : permute(matrix, shape, true);
  }

  /** Walks the permuted shape in order; entry o of it is entry src of the variable's layout. */
  private float[] permute(float[] in, long[] shape, boolean inverse) {
    int n = shape.length;
    long[] strides = new long[n];
    long s = 1;
    for (int i = n - 1; i >= 0; i--) {
      strides[i] = s;
      s *= shape[i];
    }
    float[] out = new float[in.length];
    int[] index = new int[n];
    for (int o = 0; o < in.length; o++) {
      long src = 0;
      for (int i = 0; i < n; i++) {
        src += index[i] * strides[permutation[i]];
      }
      if (inverse) {
        out[(int) src] = in[o];
      } else {
        out[o] = in[(int) src];
      }
      for (int i = n - 1; i >= 0; i--) {
        if (++index[i] < weightShape[i]) {
          break;
        }
        index[i] = 0;
      }
    }
    return out;
  }

  public boolean isIdentity() {
    for (int i = 0; i < permutation.length; i++) {
      if (permutation[i] != i) {
        return false;
      }
    }
    return true;
  }

  /** Same matrix from the same values: two consumers agree on a weight. */
  public boolean sameMatrixAs(MatrixView o) {
    return rows == o.rows && cols == o.cols && Arrays.equals(permutation, o.permutation);
  }

  private static int[] identity(int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    return p;
  }

  private static long product(long[] s) {
    long p = 1;
    for (long d : s) {
      p *= d;
    }
    return p;
  }
}
