package org.matcomp.compressor.dictionary;

import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.matcomp.compressor.HparamView;
import org.matcomp.compressor.MatrixCompressor;
import org.matcomp.compressor.BaseMethod;
import org.matcomp.compressor.MethodParameters;
import org.matcomp.compressor.ProductRule;

/** graph_compression's option 3: rows as sparse codes (OMP) over a learned dictionary (MOD). */
public final class DictionaryMethod extends BaseMethod {
  public static final DictionaryMethod INSTANCE = new DictionaryMethod();

  private DictionaryMethod() {
    super("dictionary", OptionalInt.of(3), "Z·D: k (index, value) pairs a row over a K-atom dictionary D",
        Set.of("dl_atoms", "dl_nonzeros", "dl_iterations"),
        Map.of("--atoms", "dl_atoms", "--nonzeros", "dl_nonzeros", "--iterations", "dl_iterations"));
  }

  @Override
  public MethodParameters parameters(HparamView h) {
    OptionalInt atoms = h.optionalPositiveInt("dl_atoms");
    if (atoms.isEmpty()) {
      atoms = h.absoluteRank();
    }
    return new DictionaryParameters(atoms, h.optionalPositiveInt("dl_nonzeros"), 100.0 / h.rank(),
        h.positiveInt("dl_iterations", DictionaryCompressor.DEFAULT_ITERATIONS), h.seed());
  }

  @Override
  public MatrixCompressor compressor(MethodParameters p) {
    return DictionaryCompressor.of((DictionaryParameters) p);
  }

  @Override
  public ProductRule rule() {
    return new DictionaryRule();
  }
}
