package org.matcomp.savedmodel.rewrite;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.matcomp.compressor.Expr;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.FactorType;
import org.matcomp.compressor.Factorization;
import org.matcomp.compressor.Factored;
import org.matcomp.compressor.FactorLayout;
import org.matcomp.compressor.ProductRule;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;
import org.matcomp.savedmodel.trace.ConsumerKind;
import org.matcomp.linalg.EinsumEquation;
import org.matcomp.savedmodel.trace.MatrixView;
import org.matcomp.compressor.Method;

/**
 * The inference form of any method, from its {@link ProductRule}: the factors are stored by role at their own
 * widths, and each consumer of the weight is replaced by the cheapest reading the rule offers. A factored rule
 * (W = left·right) never forms W: x·W runs as (x·left)·right, transposes and a weight on the left included; a Conv2D
 * as a rank-channel window convolution then a 1×1 one; an embedding as rows of left times right. Other rules rebuild
 * W and run the consumer's own op on it, except lookups, which decode only the rows asked for.
 */
final class RuleForm implements InferenceForm {
  private final Method method;
  private final ProductRule rule;

  RuleForm(Method method, ProductRule rule) {
    this.method = method;
    this.rule = rule;
  }

  @Override
  public Method method() {
    return method;
  }

  @Override
  public List<StoredFactor> store(Factorization f) {
    List<StoredFactor> stored = new ArrayList<>();
    for (Factor x : f.factors()) {
      FactorSpec s = x.spec();
      stored.add(StoredFactor.encode(s, s.type().isFloat() ? x.floats() : null, s.type().isFloat() ? null : x.ints()));
    }
    // the rule must find every role it reads: a factorization of another layout stays dense, with this as reason
    FactorLayout layout = layout(f.rows(), f.cols(), stored);
    rule.dense(layout);
    rule.lookup(layout);
    return stored;
  }

  @Override
  public boolean rebuildsWeight() {
    return !rule.isFactored();
  }

  @Override
  public Expr dense(List<StoredFactor> stored, int rows, int cols) {
    return rule.dense(layout(rows, cols, stored));
  }

  @Override
  public void emit(SiteContext site) {
    OpEmitter ops = site.ops();
    FactorLayout layout = layout(site.rows(), site.cols(), site.storedFactors());
    Map<String, ExprEmitter.FactorRef> refs = new LinkedHashMap<>();
    for (int i = 0; i < site.storedFactors().size(); i++) {
      StoredFactor s = site.storedFactors().get(i);
      refs.put(s.role(), new ExprEmitter.FactorRef(site.factor(i), s.spec()));
    }
    Optional<Factored> factored = rule.factored(layout);
    ExprEmitter ex = new ExprEmitter(ops, refs, Map.of());
    switch (site.kind()) {
      case MATMUL, BATCH_MATMUL -> {
        if (factored.isPresent()) {
          emitFactoredMatMul(site, ex.emit(factored.get().left()), ex.emit(factored.get().right()));
        } else {
          DenseReplacement.emit(site, ex.emit(rule.dense(layout)));
        }
      }
      case CONV2D -> {
        if (factored.isPresent()) {
          emitFactoredConv(site, ex.emit(factored.get().left()), ex.emit(factored.get().right()),
              factored.get().rank());
        } else {
          DenseReplacement.emit(site, ex.emit(rule.dense(layout)));
        }
      }
      case EINSUM -> {
        if (factored.isPresent()) {
          emitFactoredEinsum(site, ex.emit(factored.get().left()), ex.emit(factored.get().right()),
              factored.get().rank());
        } else {
          DenseReplacement.emit(site, ex.emit(rule.dense(layout)));
        }
      }
      case DEPTHWISE -> DenseReplacement.emit(site, ex.emit(rule.dense(layout)));
      case RESOURCE_GATHER, GATHER -> {
        String ids = site.otherInput();
        DataType ti = site.indexType();
        String flat = ops.reshape(null, ids, ops.constInt32(-1), ti);
        String ids32 = ti == DataType.DT_INT32 ? flat : ops.cast(flat, ti, DataType.DT_INT32);
        String rows = new ExprEmitter(ops, refs, Map.of(ProductRule.IDS, ids32)).emit(rule.lookup(layout));
        String shape = ops.concat(List.of(ops.shape(ids, ti), ops.constInt32(site.cols())), DataType.DT_INT32);
        ops.reshape(site.name(), rows, shape, DataType.DT_FLOAT);
      }
    }
  }

  @Override
  public Optional<String> unsupported(ConsumerKind kind) {
    if (kind == ConsumerKind.DEPTHWISE && rule.isFactored()) {
      return Optional.of(method.name() + " does not apply to a depthwise filter (each channel has its own small"
          + " kernel, no product to factor): use kmeans, prune or int8");
    }
    return Optional.empty();
  }

  /**
   * An Einsum x ⊙ W with W (contracted C × kept K) = L·R as two Einsums through a new inner axis z: x with L over C
   * gives every output axis but K, plus z; that with R over z gives the output.
   */
  private static void emitFactoredEinsum(SiteContext site, String left, String right, int rank) {
    OpEmitter ops = site.ops();
    MatrixView v = site.view();
    EinsumEquation e = v.einsum();
    String c = e.contracted();
    String k = e.kept();
    int[] leftShape = new int[c.length() + 1];
    int[] rightShape = new int[k.length() + 1];
    for (int i = 0; i < c.length(); i++) {
      leftShape[i] = Math.toIntExact(v.weightShape()[i]);
    }
    leftShape[c.length()] = rank;
    rightShape[0] = rank;
    for (int i = 0; i < k.length(); i++) {
      rightShape[i + 1] = Math.toIntExact(v.weightShape()[c.length() + i]);
    }
    EinsumEquation.Factored steps = e.factored();
    String l = ops.reshape(null, left, ops.constInt32(leftShape), DataType.DT_FLOAT);
    String r = ops.reshape(null, right, ops.constInt32(rightShape), DataType.DT_FLOAT);
    String t = ops.einsum(site.otherInput(), l, steps.first());
    ops.einsum(site.name(), t, r, steps.second());
  }

  /**
   * x·W = (x·L)·R; x·Wᵀ = (x·Rᵀ)·Lᵀ; W·x = L·(R·x); Wᵀ·x = Rᵀ·(Lᵀ·x) — op(x) keeps the consumer's transpose; a
   * batched consumer stays batched (BatchMatMulV2 broadcasts the rank-2 factors).
   */
  private static void emitFactoredMatMul(SiteContext site, String left, String right) {
    String x = site.otherInput();
    boolean ta = site.transposeA();
    boolean tb = site.transposeB();
    if (site.weightInput() == 1) {
      String t = tb ? product(site, null, x, right, ta, true) : product(site, null, x, left, ta, false);
      product(site, site.name(), t, tb ? left : right, false, tb);
    } else {
      String t = ta ? product(site, null, left, x, true, tb) : product(site, null, right, x, false, tb);
      product(site, site.name(), ta ? right : left, t, ta, false);
    }
  }

  /** op(a)·op(b) with the consumer's own op: MatMul, or BatchMatMulV2 (which broadcasts the rank-2 factors). */
  private static String product(SiteContext site, String name, String a, String b, boolean ta, boolean tb) {
    return site.kind() == ConsumerKind.BATCH_MATMUL ? site.ops().batchMatMul(name, a, b, ta, tb)
        : site.ops().matMul(name, a, b, ta, tb);
  }

  /** The window convolution with L as a kh×kw×cin×rank filter, then a 1×1 convolution with R. */
  private static void emitFactoredConv(SiteContext site, String left, String right, int rank) {
    OpEmitter ops = site.ops();
    long[] s = site.variableShape();
    String l4 = ops.reshape(null, left, ops.constInt32((int) s[0], (int) s[1], (int) s[2], rank), DataType.DT_FLOAT);
    NodeDef.Builder first = site.consumerWithWeight(l4).setName(ops.sink().uniqueName(site.name() + "/factored_window"));
    String t = ops.raw(first, "output");
    String r4 = ops.reshape(null, right, ops.constInt32(1, 1, rank, (int) s[3]), DataType.DT_FLOAT);
    NodeDef.Builder second = site.consumer().toBuilder().clearInput().addInput(t).addInput(r4)
        .putAttr("strides", Attrs.ints(1, 1, 1, 1)).putAttr("dilations", Attrs.ints(1, 1, 1, 1))
        .putAttr("padding", Attrs.string("VALID")).putAttr("explicit_paddings", Attrs.ints());
    ops.raw(second, "output");
  }

  private static FactorLayout layout(int rows, int cols, List<StoredFactor> stored) {
    checkArgument(!stored.isEmpty(), "no factors");
    return new FactorLayout(rows, cols, stored.stream().map(StoredFactor::spec).toList());
  }
}
