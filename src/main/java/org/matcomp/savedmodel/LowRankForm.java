package org.matcomp.savedmodel;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorType;
import org.matcomp.compressor.Factorization;
import org.matcomp.spec.CompressionMethod;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;

/**
 * W ≈ B·C (B m×r, C r×n) applied without ever forming W: x·W becomes (x·B)·C, r(m+n) multiply-adds a row instead
 * of mn. Transposed MatMuls use (x·Cᵀ)·Bᵀ, a weight on the left B·(C·x); a Conv2D runs its window with B as a
 * kh×kw×cin×r filter then a 1×1 convolution by C; an embedding gathers rows of B and multiplies them by C.
 */
final class LowRankForm implements InferenceForm {
  @Override
  public CompressionMethod method() {
    return CompressionMethod.LOWRANK;
  }

  @Override
  public List<StoredFactor> store(Factorization f) {
    List<Factor> fs = f.factors();
    checkArgument(fs.size() == 2 && fs.stream().allMatch(x -> x.spec().type() == FactorType.FLOAT32),
        "low-rank expects two float factors B, C; got %s", fs);
    int[] b = fs.get(0).spec().shape();
    int[] c = fs.get(1).spec().shape();
    checkArgument(b.length == 2 && c.length == 2 && b[0] == f.rows() && c[1] == f.cols() && b[1] == c[0],
        "low-rank factors %s do not multiply to %sx%s", fs, f.rows(), f.cols());
    return List.of(
        new StoredFactor("B", HostTensor.ofFloats(new long[] {b[0], b[1]}, fs.get(0).floats())),
        new StoredFactor("C", HostTensor.ofFloats(new long[] {c[0], c[1]}, fs.get(1).floats())));
  }

  @Override
  public void emit(SiteContext site) {
    OpEmitter ops = site.ops();
    String b = site.factor(0);
    String c = site.factor(1);
    int r = (int) site.factorShape(0)[1];
    String x = site.otherInput();
    switch (site.kind()) {
      case MATMUL -> {
        boolean ta = site.transposeA();
        boolean tb = site.transposeB();
        if (site.weightInput() == 1) {
          // op(x)·W = (op(x)·B)·C; op(x)·Wᵀ = (op(x)·Cᵀ)·Bᵀ
          String t = tb ? ops.matMul(null, x, c, ta, true) : ops.matMul(null, x, b, ta, false);
          ops.matMul(site.name(), t, tb ? b : c, false, tb);
        } else {
          // W·op(x) = B·(C·op(x)); Wᵀ·op(x) = Cᵀ·(Bᵀ·op(x))
          String t = ta ? ops.matMul(null, b, x, true, tb) : ops.matMul(null, c, x, false, tb);
          ops.matMul(site.name(), ta ? c : b, t, ta, false);
        }
      }
      case CONV2D -> {
        long[] s = site.variableShape();
        String b4 = ops.reshape(null, b, ops.constInt32((int) s[0], (int) s[1], (int) s[2], r), DataType.DT_FLOAT);
        NodeDef.Builder first = site.consumerWithWeight(b4)
            .setName(ops.sink().uniqueName(site.name() + "/lowrank_window"));
        String t = ops.raw(first, "output");
        String c4 = ops.reshape(null, c, ops.constInt32(1, 1, r, (int) s[3]), DataType.DT_FLOAT);
        NodeDef.Builder second = site.consumer().toBuilder().clearInput().addInput(t).addInput(c4)
            .putAttr("strides", Attrs.ints(1, 1, 1, 1)).putAttr("dilations", Attrs.ints(1, 1, 1, 1))
            .putAttr("padding", Attrs.string("VALID")).putAttr("explicit_paddings", Attrs.ints());
        ops.raw(second, "output");
      }
      case RESOURCE_GATHER, GATHER -> {
        DataType ti = site.indexType();
        String rowsOfB = ops.gather(null, b, x, DataType.DT_FLOAT, ti);
        String flat = ops.reshape(null, rowsOfB, ops.constInt32(-1, r), DataType.DT_FLOAT);
        String product = ops.matMul(null, flat, c, false, false);
        String shape = ops.concat(List.of(ops.shape(x, ti), ops.constInt32(site.cols())), DataType.DT_INT32);
        ops.reshape(site.name(), product, shape, DataType.DT_FLOAT);
      }
    }
  }
}
