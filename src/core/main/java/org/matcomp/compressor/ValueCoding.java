package org.matcomp.compressor;

import java.util.List;
import java.util.Optional;

/**
 * How a coder stores another method's float factor, as a product rule needs it: which stored factors stand for which
 * original factor, and the expression that decodes them. It depends on the stored shapes only, never on the coder's
 * settings, so a rule can be built from a layout alone.
 *
 * <p>A coded factor's stored factors are named after it ({@code B__codes}, {@code B__codebook}); a coding that only
 * narrows the type keeps the name.
 */
public interface ValueCoding {
  /**
   * The original float factor that {@code stored} is the primary stored factor of, if it is one of this coding's;
   * {@code layout} holds its companions.
   */
  Optional<FactorSpec> original(FactorSpec stored, FactorLayout layout);

  /** The roles of every stored factor coding {@code original}, the primary first. */
  List<String> roles(FactorSpec original);

  /** {@code original}'s values (float, its shape) from the stored factors {@link #roles} names. */
  Expr decode(FactorSpec original);

  /**
   * The common naming rule: {@code stored} is {@code X__primary} (an integer factor) and the layout holds its
   * companion {@code X__companion}; the original X is float32 of the stored shape, trainable when the companion is.
   */
  static Optional<FactorSpec> named(FactorSpec stored, FactorLayout layout, String primary, String companion) {
    String name = stored.name();
    String suffix = "__" + primary;
    if (!name.endsWith(suffix) || stored.type().isFloat()) {
      return Optional.empty();
    }
    String original = name.substring(0, name.length() - suffix.length());
    String other = ValueCoder.role(original, companion);
    if (!layout.has(other)) {
      return Optional.empty();
    }
    return Optional.of(new FactorSpec(original, FactorType.FLOAT32, stored.shape(), layout.spec(other).trainable()));
  }
}
