package org.matcomp.compressor.inputoutput;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.linalg.Gemm;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.BaseFactorization;

/**
 * W = (I ⊗ B)·C·(I ⊗ D): the input x (m) is cut into blocks of b_in = B's rows, each projected by the shared B
 * (b_in × b_in/f_in) to m/f_in values; C (m/f_in × n/f_out) maps those to n/f_out values, cut into blocks of
 * b_out/f_out, each expanded by the shared D (b_out/f_out × b_out) to n outputs. B and D are optional (input or
 * output compression off). Applied in that order, it costs m·b_in/f_in + mn/(f_in·f_out) + n·b_out/f_out per row.
 */
public final class InputOutputFactorization extends BaseFactorization {
  public static final String INPUT = "B";
  public static final String CORE = "C";
  public static final String OUTPUT = "D";

  private final Factor b;
  private final Factor c;
  private final Factor d;
  private final Map<String, Double> diagnostics;

  /** {@code b} and {@code d} may be null (that side is not compressed). */
  InputOutputFactorization(Factor b, Factor c, Factor d, int rows, int cols, Map<String, Double> diagnostics) {
    super(InputOutputMethod.INSTANCE, rows, cols);
    this.b = b;
    this.c = c;
    this.d = d;
    this.diagnostics = Map.copyOf(diagnostics);
  }

  @Override
  public Map<String, Double> diagnostics() {
    return diagnostics;
  }

  @Override
  public List<Factor> factors() {
    List<Factor> fs = new ArrayList<>(3);
    if (b != null) {
      fs.add(b);
    }
    fs.add(c);
    if (d != null) {
      fs.add(d);
    }
    return List.copyOf(fs);
  }

  public boolean compressesInput() {
    return b != null;
  }

  public boolean compressesOutput() {
    return d != null;
  }

  @Override
  public FloatMatrix product() {
    int[] cs = c.spec().shape();
    float[] core = c.floats();
    float[] pc = core;
    if (b != null) {
      int ibs = b.spec().shape()[0];
      int pb = b.spec().shape()[1];
      float[] bv = b.floats();
      int width = cs[1];
      pc = new float[rows() * width];
      // Row block k of (I ⊗ B)·C is B times rows k·pb … of C.
      for (int k = 0; k < rows() / ibs; k++) {
        for (int a = 0; a < ibs; a++) {
          int dst = (k * ibs + a) * width;
          for (int q = 0; q < pb; q++) {
            float s = bv[a * pb + q];
            int src = (k * pb + q) * width;
            for (int j = 0; j < width; j++) {
              pc[dst + j] += s * core[src + j];
            }
          }
        }
      }
    }
    if (d == null) {
      return FloatMatrix.adopt(rows(), cols(), pc == core ? core.clone() : pc);
    }
    return FloatMatrix.adopt(rows(), cols(), expand(pc, rows()));
  }

  @Override
  public FloatMatrix applyTo(FloatMatrix x) {
    checkArgument(x.cols() == rows(), "input has %s columns, the input/output-compressed matrix %s rows", x.cols(),
        rows());
    int batch = x.rows();
    int[] cs = c.spec().shape();
    float[] z = x.copyData();
    if (b != null) {
      // A row-major batch×m input is (batch·m/b_in) rows of one input block each.
      int ibs = b.spec().shape()[0];
      z = Gemm.multiply(z, batch * rows() / ibs, ibs, b.floats(), b.spec().shape()[1]);
    }
    z = Gemm.multiply(z, batch, cs[0], c.floats(), cs[1]);
    return FloatMatrix.adopt(batch, cols(), d == null ? z : expand(z, batch));
  }

  /** Rows of width n/f_out, read as blocks of b_out/f_out, each times D: (batch·n/b_out) rows of one block. */
  private float[] expand(float[] z, int batch) {
    int qb = d.spec().shape()[0];
    int obs = d.spec().shape()[1];
    return Gemm.multiply(z, batch * cols() / obs, qb, d.floats(), obs);
  }

  @Override
  public String toString() {
    return "InputOutputFactorization[" + rows() + "x" + cols() + ", " + factors() + "]";
  }
}
