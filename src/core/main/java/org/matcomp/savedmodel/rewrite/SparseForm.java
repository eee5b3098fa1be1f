package org.matcomp.savedmodel.rewrite;

import java.util.List;
import java.util.Optional;
import org.matcomp.compressor.Factorization;
import org.matcomp.compressor.Method;
import org.matcomp.savedmodel.trace.ConsumerKind;
import org.tensorflow.proto.DataType;

/**
 * A weight served as its nonzeros: two variables the init op fills from the stored factors (int64 coordinates
 * [count, 2] and their float values, see {@link SparseReplacement}), multiplied by SparseTensorDenseMatMul without
 * ever forming the dense weight. SparseTensorDenseMatMul takes the sparse operand on the left, so x·W runs as
 * (Wᵀ·xᵀ)ᵀ; W·x runs as it is.
 */
final class SparseForm implements InferenceForm {
  static final int INDICES = 0;
  static final int VALUES = 1;

  private final Method method;

  /** @param method the method whose stored factors the nonzeros come from (it names the emitted nodes) */
  SparseForm(Method method) {
    this.method = method;
  }

  @Override
  public Method method() {
    return method;
  }

  /** Nothing is stored in this form: its variables are filled at load. */
  @Override
  public List<StoredFactor> store(Factorization f) {
    throw new UnsupportedOperationException("the sparse form's variables are built when the model loads");
  }

  @Override
  public Optional<String> unsupported(ConsumerKind kind) {
    return kind == ConsumerKind.MATMUL ? Optional.empty()
        : Optional.of("sparse execution serves 2-D MatMuls only, not " + kind);
  }

  @Override
  public void emit(SiteContext site) {
    if (site.kind() != ConsumerKind.MATMUL) {
      throw new IllegalStateException(unsupported(site.kind()).orElseThrow());
    }
    OpEmitter ops = site.ops();
    String shape = ops.constInt64(site.rows(), site.cols());
    String x = site.otherInput();
    boolean ta = site.transposeA();
    boolean tb = site.transposeB();
    if (site.weightInput() == 0) {
      ops.sparseTensorDenseMatMul(site.name(), site.factor(INDICES), site.factor(VALUES), shape, x, ta, tb);
    } else {
      // op(x)·op(W) = (op(W)ᵀ·op(x)ᵀ)ᵀ
      String t = ops.sparseTensorDenseMatMul(null, site.factor(INDICES), site.factor(VALUES), shape, x, !tb, !ta);
      ops.transpose(site.name(), t, new int[] {1, 0}, DataType.DT_FLOAT);
      site.resultIn("y");
    }
  }
}
