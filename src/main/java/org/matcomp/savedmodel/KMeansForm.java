package org.matcomp.savedmodel;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorType;
import org.matcomp.compressor.Factorization;
import org.matcomp.spec.CompressionMethod;
import org.tensorflow.proto.DataType;

/**
 * A codebook (K×bs floats) and one code per block of bs consecutive row entries, stored as uint8 when K ≤ 256 — the
 * 4× (bs=1) storage cut. The weight is rebuilt as reshape(gather(codebook, int32(codes)), [m, n]) and used by the
 * consumer's own op; an embedding gathers the looked-up rows' codes first, so it decodes only those rows.
 *
 * <p>Factors are recognised by type: the float factor is the codebook ([K, bs] or [K]); the integer one (uint8 or
 * int32, m·n/bs entries, row-major) the codes.
 */
final class KMeansForm implements InferenceForm {
  @Override
  public CompressionMethod method() {
    return CompressionMethod.KMEANS;
  }

  @Override
  public List<StoredFactor> store(Factorization f) {
    List<Factor> floats = f.factors().stream().filter(x -> x.spec().type() == FactorType.FLOAT32).toList();
    List<Factor> ints = f.factors().stream()
        .filter(x -> x.spec().type() == FactorType.UINT8 || x.spec().type() == FactorType.INT32).toList();
    checkArgument(floats.size() == 1 && ints.size() == 1 && f.factors().size() == 2,
        "k-means expects one float codebook and one integer code factor; got %s", f.factors());
    int[] cb = floats.get(0).spec().shape();
    int k = cb[0];
    int bs = cb.length == 1 ? 1 : cb[1];
    checkArgument(cb.length <= 2 && bs > 0 && f.cols() % bs == 0, "codebook shape %s does not fit %s columns",
        java.util.Arrays.toString(cb), f.cols());
    long blocks = (long) f.rows() * (f.cols() / bs);
    checkArgument(ints.get(0).spec().entries() == blocks, "%s codes for %s blocks of %s", ints.get(0).spec().entries(),
        blocks, bs);
    int[] codes = ints.get(0).ints();
    long[] codeShape = {f.rows(), f.cols() / bs};
    HostTensor codeValue = k <= 256 ? HostTensor.ofUnsignedBytes(codeShape, codes) : HostTensor.ofInts(codeShape, codes);
    return List.of(new StoredFactor("codebook", HostTensor.ofFloats(new long[] {k, bs}, floats.get(0).floats())),
        new StoredFactor("codes", codeValue));
  }

  @Override
  public void emit(SiteContext site) {
    OpEmitter ops = site.ops();
    String codebook = site.factor(0);
    String codes = site.factor(1);
    DataType codeType = site.factorDtype(1);
    if (site.kind().isGather()) {
      String ids = site.otherInput();
      DataType ti = site.indexType();
      String rowCodes = ops.gather(null, codes, ids, codeType, ti);
      String decoded = ops.gather(null, codebook, int32(ops, rowCodes, codeType), DataType.DT_FLOAT,
          DataType.DT_INT32);
      String shape = ops.concat(List.of(ops.shape(ids, ti), ops.constInt32(site.cols())), DataType.DT_INT32);
      ops.reshape(site.name(), decoded, shape, DataType.DT_FLOAT);
      return;
    }
    String decoded = ops.gather(null, codebook, int32(ops, codes, codeType), DataType.DT_FLOAT, DataType.DT_INT32);
    String dense = ops.reshape(null, decoded, ops.constInt32(site.rows(), site.cols()), DataType.DT_FLOAT);
    DenseReplacement.emit(site, dense);
  }

  private static String int32(OpEmitter ops, String codes, DataType codeType) {
    return codeType == DataType.DT_INT32 ? codes : ops.cast(codes, codeType, DataType.DT_INT32);
  }
}
