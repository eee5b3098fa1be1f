package org.matcomp.spec;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.base.MoreObjects;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import org.matcomp.compressor.HparamView;
import org.matcomp.compressor.MatrixCompressor;
import org.matcomp.compressor.Method;
import org.matcomp.compressor.MethodParameters;
import org.matcomp.compressor.lowrank.LowRankMethod;

/**
 * What to compress and when: graph_compression's hparams with the same names, defaults and meanings, plus the
 * explicit sizes the Java API offers instead of the reference's overloaded {@code rank}.
 *
 * <p>{@link #parse(String)} accepts the reference's hparam strings verbatim; {@link #toHparamString()} writes one
 * back. Every value is checked when built, so a spec that exists is a valid one.
 */
public final class CompressionSpec {
  private final String name;
  private final int rank;
  private final OptionalInt absoluteRank;
  private final long beginCompressionStep;
  private final long endCompressionStep;
  private final long compressionFrequency;
  private final double alphaDecrementValue;
  private final Method method;
  private final MethodParameters parameters;
  private final UpdateOption updateOption;
  private final int blockSize;
  private final long seed;
  private final Map<String, String> methodParameters;

  private CompressionSpec(Builder b) {
    this.name = b.name;
    this.rank = b.rank;
    this.absoluteRank = b.absoluteRank;
    this.beginCompressionStep = b.beginCompressionStep;
    this.endCompressionStep = b.endCompressionStep;
    this.compressionFrequency = b.compressionFrequency;
    this.alphaDecrementValue = b.alphaDecrementValue;
    this.method = b.method;
    this.updateOption = b.updateOption;
    this.blockSize = b.blockSize;
    this.seed = b.seed;
    this.methodParameters = Map.copyOf(b.methodParameters);
    this.parameters = b.parameters;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Parses a graph_compression hparam string such as {@code name=c,rank=200,compression_option=1}. */
  public static CompressionSpec parse(String hparams) {
    return HparamParser.parse(hparams, builder());
  }

  /**
   * The keys an hparam string sets, in order, with their values as written; the string is checked as {@link #parse}
   * checks it (form, duplicates), without building a spec.
   */
  public static Map<String, String> hparamItems(String hparams) {
    return HparamParser.items(hparams);
  }

  /** Applies a hparam string on top of this spec (later keys win), as the reference's {@code hparams.parse} does. */
  public CompressionSpec withHparams(String hparams) {
    return HparamParser.parse(hparams, toBuilder());
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.rank = rank;
    b.absoluteRank = absoluteRank;
    b.beginCompressionStep = beginCompressionStep;
    b.endCompressionStep = endCompressionStep;
    b.compressionFrequency = compressionFrequency;
    b.alphaDecrementValue = alphaDecrementValue;
    b.method = method;
    b.updateOption = updateOption;
    b.blockSize = blockSize;
    b.seed = seed;
    b.methodParameters.putAll(methodParameters);
    return b;
  }

  /** The scope name of the compression, used to name graph nodes. */
  public String name() {
    return name;
  }

  /**
   * graph_compression's {@code rank} hparam as written. Its meaning depends on the method (a compression
   * percentage for low-rank: kept rank = ceil(d·100/rank)); compressors translate it, see each compressor.
   */
  public int rank() {
    return rank;
  }

  /** An absolute size (kept rank, clusters, atoms...) that overrides {@link #rank()} when present. */
  public OptionalInt absoluteRank() {
    return absoluteRank;
  }

  public long beginCompressionStep() {
    return beginCompressionStep;
  }

  /** Last step at which α may still decrease; negative means no end. */
  public long endCompressionStep() {
    return endCompressionStep;
  }

  public long compressionFrequency() {
    return compressionFrequency;
  }

  public double alphaDecrementValue() {
    return alphaDecrementValue;
  }

  /** The method's typed, validated settings (its record type is the method's, e.g. {@code LowRankParameters}). */
  public MethodParameters parameters() {
    return parameters;
  }

  /**
   * This spec's hparams read as method {@code m}'s parameters, whatever method the spec names (for code that wants
   * one method's settings from a shared hparam string).
   */
  @SuppressWarnings("unchecked")
  public <P extends MethodParameters> P parametersFor(Method m) {
    return (P) m.parameters(new HparamView(name, m.name(), rank, absoluteRank, blockSize, seed, methodParameters));
  }

  /** The compressor this spec asks for. */
  public MatrixCompressor compressor() {
    return method.compressor(parameters);
  }

  public Method method() {
    return method;
  }

  public UpdateOption updateOption() {
    return updateOption;
  }

  /** Block size for block methods (k-means blocks, block-diagonal factors). */
  public int blockSize() {
    return blockSize;
  }

  /** Seed of every random choice a compressor makes (projections, initialisation). */
  public long seed() {
    return seed;
  }

  /** Method-specific settings not in the reference (clusters, init, sparsity, ...), by matcomp key. */
  public Map<String, String> methodParameters() {
    return methodParameters;
  }

  public String methodParameter(String key, String fallback) {
    return methodParameters.getOrDefault(key, fallback);
  }

  /** The spec as a graph_compression hparam string that {@link #parse} reads back to an equal spec. */
  public String toHparamString() {
    return HparamParser.format(this);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof CompressionSpec s)) {
      return false;
    }
    return rank == s.rank && absoluteRank.equals(s.absoluteRank) && beginCompressionStep == s.beginCompressionStep
        && endCompressionStep == s.endCompressionStep && compressionFrequency == s.compressionFrequency
        && Double.compare(alphaDecrementValue, s.alphaDecrementValue) == 0 && blockSize == s.blockSize
        && seed == s.seed && name.equals(s.name) && method.equals(s.method) && updateOption == s.updateOption
        && methodParameters.equals(s.methodParameters);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, rank, absoluteRank, beginCompressionStep, endCompressionStep, compressionFrequency,
        alphaDecrementValue, method, updateOption, blockSize, seed, methodParameters);
  }

  @Override
  public String toString() {
    return MoreObjects.toStringHelper(this)
        .add("name", name)
        .add("method", method)
        .add("rank", rank)
        .add("absoluteRank", absoluteRank)
        .add("begin", beginCompressionStep)
        .add("end", endCompressionStep)
        .add("frequency", compressionFrequency)
        .add("alphaDecrement", alphaDecrementValue)
        .add("update", updateOption)
        .add("blockSize", blockSize)
        .add("seed", seed)
        .add("params", methodParameters)
        .toString();
  }

  /**
   * Mutable builder; {@link #build()} validates and freezes. Defaults are graph_compression's
   * ({@code CompressionOp.get_default_hparams}): rank 7, begin 0, end −1, frequency 10, decrement 0.01, low-rank,
   * in-graph update. Note that the reference's default rank 7 keeps the full rank for low-rank (no compression).
   */
  public static final class Builder {
    private String name = "model_compression";
    private int rank = 7;
    private OptionalInt absoluteRank = OptionalInt.empty();
    private long beginCompressionStep = 0;
    private long endCompressionStep = -1;
    private long compressionFrequency = 10;
    private double alphaDecrementValue = 0.01;
    private Method method = LowRankMethod.INSTANCE;
    private MethodParameters parameters;
    private UpdateOption updateOption = UpdateOption.GRAPH;
    private int blockSize = 1;
    private long seed = 0;
    private final Map<String, String> methodParameters = new LinkedHashMap<>();

    private Builder() {}

    public Builder name(String v) {
      name = v;
      return this;
    }

    public Builder rank(int v) {
      rank = v;
      return this;
    }

    public Builder absoluteRank(int v) {
      absoluteRank = OptionalInt.of(v);
      return this;
    }

    public Builder beginCompressionStep(long v) {
      beginCompressionStep = v;
      return this;
    }

    public Builder endCompressionStep(long v) {
      endCompressionStep = v;
      return this;
    }

    public Builder compressionFrequency(long v) {
      compressionFrequency = v;
      return this;
    }

    public Builder alphaDecrementValue(double v) {
      alphaDecrementValue = v;
      return this;
    }

    public Builder method(Method v) {
      method = v;
      return this;
    }

    public Builder compressionOption(int code) {
      method = Methods.byOptionCode(code);
      return this;
    }

    public Builder updateOption(UpdateOption v) {
      updateOption = v;
      return this;
    }

    public Builder blockSize(int v) {
      blockSize = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public Builder methodParameter(String key, String value) {
      methodParameters.put(Objects.requireNonNull(key), Objects.requireNonNull(value, key));
      return this;
    }

    public CompressionSpec build() {
      checkArgument(name != null && !name.isBlank(), "name must not be empty");
      checkArgument(rank > 0, "rank=%s must be positive", rank);
      absoluteRank.ifPresent(r -> checkArgument(r > 0, "absolute rank=%s must be positive", r));
      checkArgument(beginCompressionStep >= 0, "begin_compression_step=%s must be >= 0", beginCompressionStep);
      checkArgument(endCompressionStep < 0 || endCompressionStep > beginCompressionStep,
          "begin_compression_step=%s must be before end_compression_step=%s (use -1 for no end)",
          beginCompressionStep, endCompressionStep);
      checkArgument(compressionFrequency > 0, "compression_frequency=%s must be positive", compressionFrequency);
      checkArgument(alphaDecrementValue > 0 && alphaDecrementValue <= 1 && Double.isFinite(alphaDecrementValue),
          "alpha_decrement_value=%s must be in (0, 1]", alphaDecrementValue);
      checkArgument(blockSize > 0, "block_size=%s must be positive", blockSize);
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(updateOption, "update_option");
      // the method's own settings are read and checked now, so a spec that exists is valid for its method too
      parameters = method.parameters(new HparamView(name, method.name(), rank, absoluteRank, blockSize, seed,
          methodParameters));
      return new CompressionSpec(this);
    }
  }
}
