package org.matcomp.savedmodel;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorType;
import org.matcomp.compressor.Factorization;
import org.matcomp.spec.CompressionMethod;
import org.tensorflow.proto.DataType;

/**
 * W = Z·D with a dictionary D (atoms×n) and a sparse code Z stored as w (index, value) slots per row (indices as
 * uint8 for up to 256 atoms, else int32, and float values, both m×w; unused slots hold value 0). An embedding lookup gathers the looked-up rows' slots,
 * then their atoms, and sums value·atom: w·n work a row, never touching the other rows. Other consumers rebuild W
 * the same way for all rows.
 *
 * <p>Factors are recognised by type and shape: the integer factor holds the indices; of the two float factors the one
 * with the indices' entry count and not named like a dictionary holds the values, the other ([atoms, n]) is D.
 */
final class DictionaryForm implements InferenceForm {
  @Override
  public CompressionMethod method() {
    return CompressionMethod.DICTIONARY;
  }

  @Override
  public List<StoredFactor> store(Factorization f) {
    List<Factor> ints = f.factors().stream()
        .filter(x -> x.spec().type() == FactorType.UINT8 || x.spec().type() == FactorType.INT32).toList();
    List<Factor> floats = f.factors().stream().filter(x -> x.spec().type() == FactorType.FLOAT32).toList();
    checkArgument(f.factors().size() == 3 && ints.size() == 1 && floats.size() == 2,
        "dictionary expects integer code indices, float code values and a float dictionary; got %s", f.factors());
    long slots = ints.get(0).spec().entries();
    checkArgument(slots % f.rows() == 0, "%s code slots for %s rows", slots, f.rows());
    int width = (int) (slots / f.rows());
    Factor dict = dictionary(floats, slots, f.cols());
    Factor values = floats.get(0) == dict ? floats.get(1) : floats.get(0);
    checkArgument(values.spec().entries() == slots, "code values hold %s entries, indices %s", values.spec().entries(),
        slots);
    int atoms = (int) (dict.spec().entries() / f.cols());
    int[] idx = ints.get(0).ints();
    for (int i : idx) {
      checkArgument(i >= 0 && i < atoms, "code index %s outside the %s atoms", i, atoms);
    }
    long[] codeShape = {f.rows(), width};
    HostTensor indices = FactorType.indexFor(atoms) == FactorType.UINT8 ? HostTensor.ofUnsignedBytes(codeShape, idx)
        : HostTensor.ofInts(codeShape, idx);
    return List.of(new StoredFactor("dictionary", HostTensor.ofFloats(new long[] {atoms, f.cols()}, dict.floats())),
        new StoredFactor("code_indices", indices),
        new StoredFactor("code_values", HostTensor.ofFloats(codeShape, values.floats())));
  }

  private static Factor dictionary(List<Factor> floats, long slots, int cols) {
    for (Factor x : floats) {
      if (x.name().toLowerCase().contains("dict") || x.name().equals("D")) {
        return x;
      }
    }
    List<Factor> byShape = floats.stream()
        .filter(x -> x.spec().entries() != slots && x.spec().entries() % cols == 0).toList();
    checkArgument(byShape.size() == 1, "cannot tell the dictionary among %s", floats);
    return byShape.get(0);
  }

  @Override
  public void emit(SiteContext site) {
    OpEmitter ops = site.ops();
    String dict = site.factor(0);
    String idx = site.factor(1);
    String vals = site.factor(2);
    DataType indexType = site.factorDtype(1);
    if (site.kind().isGather()) {
      String ids = site.otherInput();
      DataType ti = site.indexType();
      String rowIdx = int32(ops, ops.gather(null, idx, ids, indexType, ti), indexType);
      String rowVals = ops.gather(null, vals, ids, DataType.DT_FLOAT, ti);
      String atoms = ops.gather(null, dict, rowIdx, DataType.DT_FLOAT, DataType.DT_INT32);
      String weighted = ops.mul(atoms, ops.expandDims(rowVals, -1, DataType.DT_FLOAT), DataType.DT_FLOAT);
      ops.sum(site.name(), weighted, -2, DataType.DT_FLOAT);
      return;
    }
    String atoms = ops.gather(null, dict, int32(ops, idx, indexType), DataType.DT_FLOAT, DataType.DT_INT32);
    String weighted = ops.mul(atoms, ops.expandDims(vals, -1, DataType.DT_FLOAT), DataType.DT_FLOAT);
    DenseReplacement.emit(site, ops.sum(null, weighted, 1, DataType.DT_FLOAT));
  }

  /** Gathers take int32 indices; uint8 ones are widened where they are read. */
  private static String int32(OpEmitter ops, String indices, DataType type) {
    return type == DataType.DT_INT32 ? indices : ops.cast(indices, type, DataType.DT_INT32);
  }
}
