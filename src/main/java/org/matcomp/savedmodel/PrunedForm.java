package org.matcomp.savedmodel;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;
import java.util.Optional;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorType;
import org.matcomp.compressor.Factorization;
import org.matcomp.spec.CompressionMethod;
import org.tensorflow.proto.DataType;

/**
 * The kept values of a pruned matrix plus their positions — a bitmap packed eight entries a byte (LSB first), or
 * int32 flat row-major indices when fewer than 1/32 survive — or, when that is no smaller than the dense matrix,
 * the masked matrix itself. At run time the values are put back — indices by ScatterNd; a bitmap is unpacked with
 * RightShift and BitwiseAnd, and each set bit's running count (Cumsum) picks its value by a gather — and the consumer
 * runs on the dense result.
 *
 * <p>Factors are recognised by type: float = values; BIT = mask (m·n entries); INT32 = indices.
 */
final class PrunedForm implements InferenceForm {
  @Override
  public CompressionMethod method() {
    return CompressionMethod.PRUNE;
  }

  @Override
  public List<StoredFactor> store(Factorization f) {
    Optional<Factor> values = f.factors().stream().filter(x -> x.spec().type() == FactorType.FLOAT32).findFirst();
    Optional<Factor> mask = f.factors().stream().filter(x -> x.spec().type() == FactorType.BIT).findFirst();
    Optional<Factor> indices = f.factors().stream().filter(x -> x.spec().type() == FactorType.INT32).findFirst();
    checkArgument(f.factors().size() == 2 && values.isPresent() && (mask.isPresent() ^ indices.isPresent()),
        "pruning expects float values plus a bit mask or int32 indices; got %s", f.factors());
    long mn = (long) f.rows() * f.cols();
    float[] v = values.get().floats();
    long sparseBytes = 4L * v.length + (mask.isPresent() ? (mn + 7) / 8 : 4L * v.length);
    if (sparseBytes >= 4 * mn) {
      return List.of(new StoredFactor("masked", HostTensor.ofFloats(new long[] {f.rows(), f.cols()},
          f.product().copyData())));
    }
    StoredFactor vals = new StoredFactor("values", HostTensor.ofFloats(new long[] {v.length}, v));
    if (indices.isPresent()) {
      int[] idx = indices.get().ints();
      return List.of(vals, new StoredFactor("indices", HostTensor.ofInts(new long[] {idx.length}, idx)));
    }
    int[] bits = mask.get().ints();
    checkArgument(bits.length == mn, "mask holds %s entries for a %sx%s matrix", bits.length, f.rows(), f.cols());
    int[] packed = new int[(int) ((mn + 7) / 8)];
    for (int i = 0; i < bits.length; i++) {
      if (bits[i] != 0) {
        packed[i >>> 3] |= 1 << (i & 7);
      }
    }
    return List.of(vals, new StoredFactor("bitmap", HostTensor.ofUnsignedBytes(new long[] {packed.length}, packed)));
  }

  @Override
  public void emit(SiteContext site) {
    OpEmitter ops = site.ops();
    int mn = Math.multiplyExact(site.rows(), site.cols());
    String shape2d = ops.constInt32(site.rows(), site.cols());
    String dense;
    if (site.factorShape(0).length == 2) {
      dense = site.factor(0);
    } else if (site.factorShape(1).length == 1 && isIndices(site)) {
      String positions = ops.expandDims(site.factor(1), -1, DataType.DT_INT32);
      String flat = ops.scatterNd(null, positions, site.factor(0), ops.constInt32(mn), DataType.DT_FLOAT,
          DataType.DT_INT32);
      dense = ops.reshape(null, flat, shape2d, DataType.DT_FLOAT);
    } else {
      String bytes = ops.cast(site.factor(1), DataType.DT_UINT8, DataType.DT_INT32);
      String column = ops.expandDims(bytes, -1, DataType.DT_INT32);
      String shifted = ops.rightShift(column, ops.constInt32(0, 1, 2, 3, 4, 5, 6, 7), DataType.DT_INT32);
      String bits = ops.bitwiseAnd(shifted, ops.constInt32Scalar(1), DataType.DT_INT32);
      String flatBits = ops.reshape(null, bits, ops.constInt32(-1), DataType.DT_INT32);
      String used = ops.slice(flatBits, ops.constInt32(0), ops.constInt32(mn), DataType.DT_INT32);
      // entry i holds value number cumsum(bits)[i] − 1 when its bit is set; index 0 of the padded values is the 0
      // every pruned entry reads — a gather, cheaper at load than Where + ScatterNd
      String slot = ops.mul(ops.cumsum(used, DataType.DT_INT32), used, DataType.DT_INT32);
      String padded = ops.concat(List.of(ops.constFloat(0f), site.factor(0)), DataType.DT_FLOAT);
      String flat = ops.gather(null, padded, slot, DataType.DT_FLOAT, DataType.DT_INT32);
      dense = ops.reshape(null, flat, shape2d, DataType.DT_FLOAT);
    }
    DenseReplacement.emit(site, dense);
  }

  /** The stored second factor is int32 indices when its length equals the values' length. */
  private static boolean isIndices(SiteContext site) {
    return site.factorShape(1)[0] == site.factorShape(0)[0] && site.factorDtype(1) == DataType.DT_INT32;
  }
}
