package org.matcomp.compressor.compose;

import java.util.ArrayList;
import java.util.List;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.FactorType;
import org.matcomp.compressor.Factorization;
import org.matcomp.compressor.MatrixCompressor;
import org.matcomp.compressor.Method;
import org.matcomp.compressor.ValueCoder;
import org.matcomp.linalg.FloatMatrix;

/** Runs the first method, then codes each float32 factor the coder makes smaller; the rest are stored as they are. */
final class ComposedCompressor implements MatrixCompressor {
  private final ComposedMethod method;
  private final MatrixCompressor first;
  private final ValueCoder coder;

  ComposedCompressor(ComposedMethod method, MatrixCompressor first, ValueCoder coder) {
    this.method = method;
    this.first = first;
    this.coder = coder;
  }

  @Override
  public Method method() {
    return method;
  }

  @Override
  public List<FactorSpec> layout(String name, int rows, int cols) {
    List<FactorSpec> out = new ArrayList<>();
    for (FactorSpec s : first.layout(name, rows, cols)) {
      out.addAll(s.type() == FactorType.FLOAT32 ? coder.layout(s).orElse(List.of(s)) : List.of(s));
    }
    return List.copyOf(out);
  }

  @Override
  public Factorization compress(String name, FloatMatrix a) {
    Factorization inner = first.compress(name, a);
    List<Factor> stored = new ArrayList<>();
    for (Factor f : inner.factors()) {
      boolean codes = f.spec().type() == FactorType.FLOAT32 && coder.layout(f.spec()).isPresent();
      stored.addAll(codes ? coder.code(name, f.spec(), f.floats()) : List.of(f));
    }
    return new ComposedFactorization(method, inner.rows(), inner.cols(), stored, inner.diagnostics())
        .requireFinite(name);
  }

  @Override
  public String toString() {
    return method.name() + "[" + first + ", " + coder + "]";
  }
}
