package org.matcomp.compressor.compose;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.matcomp.compressor.Expr;
import org.matcomp.compressor.ExprRewrite;
import org.matcomp.compressor.FactorLayout;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.Factored;
import org.matcomp.compressor.ProductRule;
import org.matcomp.compressor.ValueCoding;

/**
 * The first method's rule over the factors it would have had, each coded one read through its decoder: the inner
 * layout is recovered from the stored one (a coded factor's primary stored factor names it), the inner rule written
 * over it, and every read of a coded factor replaced by the decoding expression.
 */
final class ComposedRule implements ProductRule {
  private final ProductRule inner;
  private final ValueCoding coding;

  ComposedRule(ProductRule inner, ValueCoding coding) {
    this.inner = inner;
    this.coding = coding;
  }

  /** The stored layout read back as the first method's: coded factors as the float factors they stand for. */
  private record Decoded(FactorLayout inner, Map<String, FactorSpec> coded) {}

  private Decoded decoded(FactorLayout stored) {
    Map<String, FactorSpec> coded = new LinkedHashMap<>();
    Set<String> companions = new HashSet<>();
    for (FactorSpec s : stored.factors()) {
      coding.original(s, stored).ifPresent(o -> {
        coded.put(s.name(), o);
        companions.addAll(coding.roles(o));
      });
    }
    List<FactorSpec> specs = new ArrayList<>();
    for (FactorSpec s : stored.factors()) {
      if (coded.containsKey(s.name())) {
        specs.add(coded.get(s.name()));
      } else if (!companions.contains(s.name())) {
        specs.add(s);
      }
    }
    Map<String, FactorSpec> byOriginal = new LinkedHashMap<>();
    coded.values().forEach(o -> byOriginal.put(o.name(), o));
    return new Decoded(new FactorLayout(stored.rows(), stored.cols(), specs), byOriginal);
  }

  private Expr chain(Expr e, Decoded d) {
    return ExprRewrite.replaceFactors(e, f -> {
      FactorSpec original = d.coded().get(f.role());
      return original == null ? f : coding.decode(original);
    });
  }

  @Override
  public Expr dense(FactorLayout layout) {
    Decoded d = decoded(layout);
    return chain(inner.dense(d.inner()), d);
  }

  @Override
  public Optional<Factored> factored(FactorLayout layout) {
    Decoded d = decoded(layout);
    return inner.factored(d.inner()).map(f -> new Factored(chain(f.left(), d), chain(f.right(), d), f.rank()));
  }

  @Override
  public boolean isFactored() {
    return inner.isFactored();
  }

  @Override
  public Expr applyTo(FactorLayout layout) {
    Decoded d = decoded(layout);
    return chain(inner.applyTo(d.inner()), d);
  }

  @Override
  public Expr lookup(FactorLayout layout) {
    Decoded d = decoded(layout);
    return chain(inner.lookup(d.inner()), d);
  }
}
