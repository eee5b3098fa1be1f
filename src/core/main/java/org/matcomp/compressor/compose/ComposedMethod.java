package org.matcomp.compressor.compose;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.matcomp.compressor.CoderMethod;
import org.matcomp.compressor.HparamView;
import org.matcomp.compressor.MatrixCompressor;
import org.matcomp.compressor.Method;
import org.matcomp.compressor.MethodParameters;
import org.matcomp.compressor.ProductRule;

/**
 * {@code first+coder}: {@code first} factors the matrix, then {@code coder} stores each of its float factors that it
 * makes smaller ({@code prune+kmeans}: the kept values clustered; {@code lowrank+int8}: B and C in 8 bits). One rule
 * for every pair: the first method's product rule with each coded factor read through the coder's decoder.
 */
public final class ComposedMethod implements Method {
  private final Method first;
  private final CoderMethod coder;
  private final Set<String> hparamKeys;
  private final Map<String, String> cliFlags;

  private ComposedMethod(Method first, CoderMethod coder) {
    this.first = first;
    this.coder = coder;
    Set<String> keys = new HashSet<>(first.hparamKeys());
    keys.addAll(coder.coderHparamKeys());
    this.hparamKeys = Set.copyOf(keys);
    Map<String, String> flags = new HashMap<>(first.cliFlags());
    coder.coderCliFlags().forEach((flag, key) -> {
      String earlier = flags.putIfAbsent(flag, key);
      if (earlier != null && !earlier.equals(key)) {
        throw new IllegalArgumentException(String.format("'%s': %s sets %s for %s and %s for %s", name(), flag,
            earlier, first.name(), key, coder.name()));
      }
    });
    this.cliFlags = Map.copyOf(flags);
  }

  /**
   * {@code first+coder}, refused with one line naming the pair when {@code coder} cannot code factors (it needs a
   * matrix to factor) or {@code first} already stores codes (a quantiser applied twice, a codebook recoded).
   */
  public static ComposedMethod of(Method first, Method coder) {
    String name = first.name() + "+" + coder.name();
    if (!(coder instanceof CoderMethod c)) {
      throw new IllegalArgumentException(String.format("'%s': %s cannot be applied to another method's factors"
          + " (it factors a matrix); the second part must code values: %s", name, coder.name(), CODERS));
    }
    if (first instanceof CoderMethod || first instanceof ComposedMethod || first.name().equals("kmeans-prune")) {
      throw new IllegalArgumentException(String.format("'%s': %s already stores its matrix as codes or narrow values;"
          + " %s would code them a second time. Put a method that factors the matrix first (lowrank, prune,"
          + " dictionary, simhash, ...)", name, first.name(), coder.name()));
    }
    if (first.trainsFromScratch()) {
      throw new IllegalArgumentException(String.format("'%s': %s trains its factors from scratch, so there are no"
          + " factors to code when the matrix is compressed", name, first.name()));
    }
    return new ComposedMethod(first, c);
  }

  static final String CODERS = "kmeans, int8, fp16, bf16";

  public Method first() {
    return first;
  }

  public CoderMethod coder() {
    return coder;
  }

  @Override
  public String name() {
    return first.name() + "+" + coder.name();
  }

  @Override
  public OptionalInt optionCode() {
    return OptionalInt.empty();
  }

  @Override
  public String description() {
    return first.name() + " with its float factors stored by " + coder.name();
  }

  @Override
  public Set<String> hparamKeys() {
    return hparamKeys;
  }

  @Override
  public Map<String, String> cliFlags() {
    return cliFlags;
  }

  @Override
  public MethodParameters parameters(HparamView hparams) {
    return new ComposedParameters(first.parameters(hparams), coder.coder(hparams));
  }

  @Override
  public MatrixCompressor compressor(MethodParameters parameters) {
    ComposedParameters p = (ComposedParameters) parameters;
    return new ComposedCompressor(this, first.compressor(p.first()), p.coder());
  }

  @Override
  public ProductRule rule() {
    return new ComposedRule(first.rule(), coder.coder(EMPTY).coding());
  }

  @Override
  public Map<String, String> trainingDefaults(long steps) {
    return first.trainingDefaults(steps);
  }

  /** The codings depend on no setting, so any hparams give the rule's. */
  private static final HparamView EMPTY = new HparamView("rule", "rule", 1, OptionalInt.empty(), 1, 0, Map.of());

  @Override
  public boolean equals(Object o) {
    return o instanceof ComposedMethod m && m.first.equals(first) && m.coder.equals(coder);
  }

  @Override
  public int hashCode() {
    return name().hashCode();
  }

  @Override
  public String toString() {
    return name();
  }
}
