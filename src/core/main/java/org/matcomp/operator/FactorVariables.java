package org.matcomp.operator;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.FactorType;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/** The graph variables holding one matrix's factors, by factor name, in layout order. */
public final class FactorVariables {
  private final Map<String, Variable<? extends TType>> byName;
  private final Map<String, FactorSpec> specs;
  private org.tensorflow.op.Op readGate;
  /** Values read in place of a factor's variable, in a serving graph (bits unpacked from bytes). */
  private final Map<String, org.tensorflow.Operand<? extends TType>> readsInstead = new LinkedHashMap<>();

  FactorVariables(List<FactorSpec> layout, List<Variable<? extends TType>> variables) {
    checkArgument(layout.size() == variables.size(), "%s factor specs for %s variables", layout.size(),
        variables.size());
    Map<String, Variable<? extends TType>> vars = new LinkedHashMap<>();
    Map<String, FactorSpec> sp = new LinkedHashMap<>();
    for (int i = 0; i < layout.size(); i++) {
      vars.put(layout.get(i).name(), variables.get(i));
      sp.put(layout.get(i).name(), layout.get(i));
    }
    this.byName = vars;
    this.specs = sp;
  }

  /**
   * The value of float factor {@code name} for a read path: the variable itself, or, when the graph updates the
   * factors in the same run (update_option 0), a read that waits for that update. A factor stored as a narrower float
   * is read rounded to that type, with the gradient passed straight through to its float32 variable (the
   * straight-through estimator of quantisation-aware training), so training sees the values that will be stored.
   */
  @SuppressWarnings("unchecked")
  public org.tensorflow.Operand<TFloat32> read(org.tensorflow.op.Ops tf, String name) {
    if (readsInstead.containsKey(name)) {
      return (org.tensorflow.Operand<TFloat32>) readsInstead.get(name);
    }
    Variable<TFloat32> v = floats(name);
    org.tensorflow.Operand<TFloat32> value = readGate == null ? v
        : tf.withControlDependencies(List.of(readGate)).identity(v);
    FactorType type = spec(name).type();
    if (!type.isNarrowFloat()) {
      return value;
    }
    org.tensorflow.Operand<TFloat32> rounded;
    if (type.isInt8()) {
      rounded = Int8Read.quantised(tf, value, type, spec(name).shape());
    } else {
      Class<? extends org.tensorflow.types.family.TFloating> narrow = type == FactorType.FLOAT16
          ? org.tensorflow.types.TFloat16.class : org.tensorflow.types.TBfloat16.class;
      rounded = tf.dtypes.cast(tf.dtypes.cast(value, narrow), TFloat32.class);
    }
    return tf.math.add(value, tf.stopGradient(tf.math.sub(rounded, value)));
  }

  /** Any factor's value for a read path (see {@link #read}). */
  @SuppressWarnings("unchecked")
  public <T extends TType> org.tensorflow.Operand<T> readAny(org.tensorflow.op.Ops tf, String name) {
    if (readsInstead.containsKey(name)) {
      return (org.tensorflow.Operand<T>) readsInstead.get(name);
    }
    Variable<T> v = (Variable<T>) variable(name);
    return readGate == null ? v : tf.withControlDependencies(List.of(readGate)).identity(v);
  }

  /**
   * Makes the product rules read {@code value} for factor {@code name} instead of its variable: a serving graph
   * stores bits packed and reads them unpacked, with the factor's own dtype.
   */
  void readInstead(String name, org.tensorflow.Operand<? extends TType> value) {
    spec(name);
    readsInstead.put(name, value);
  }

  void setReadGate(org.tensorflow.op.Op gate) {
    this.readGate = gate;
  }

  /** A float factor (trainable or not). */
  @SuppressWarnings("unchecked")
  public Variable<TFloat32> floats(String name) {
    checkArgument(spec(name).type().isFloat(), "factor %s is %s", name, spec(name).type());
    return (Variable<TFloat32>) byName.get(name);
  }

  /** Any factor; integer factors are TInt32, TUint8 or TBool variables by {@link FactorType}. */
  public Variable<? extends TType> variable(String name) {
    spec(name);
    return byName.get(name);
  }

  public FactorSpec spec(String name) {
    FactorSpec s = specs.get(name);
    checkArgument(s != null, "no factor %s among %s", name, specs.keySet());
    return s;
  }

  public List<FactorSpec> layout() {
    return List.copyOf(specs.values());
  }

  public List<Variable<? extends TType>> all() {
    return List.copyOf(byName.values());
  }

  /** The factors that train (their float variables). */
  @SuppressWarnings("unchecked")
  public List<Variable<TFloat32>> trainable() {
    return specs.values().stream()
        .filter(FactorSpec::trainable)
        .map(s -> (Variable<TFloat32>) byName.get(s.name()))
        .toList();
  }
}
