package org.matcomp.operator;

import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.FactorType;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TUint8;
import org.tensorflow.types.family.TType;

/** Conversions between factors and TF tensors; the one place that knows which TF type holds which factor type. */
public final class FactorTensors {
  private FactorTensors() {}

  public static Class<? extends TType> tfType(FactorType type) {
    return switch (type) {
      // narrow floats train as a float32 shadow, read through their rounding (ExprInGraph)
      case FLOAT32, FLOAT16, BFLOAT16, INT8, INT8_PER_TENSOR -> TFloat32.class;
      case INT32 -> TInt32.class;
      case UINT8, UINT4, UINT2, UINT1 -> TUint8.class; // codes train unpacked, a byte each
      case BIT -> TBool.class;
    };
  }

  public static Shape shape(FactorSpec spec) {
    int[] dims = spec.shape();
    long[] l = new long[dims.length];
    for (int i = 0; i < dims.length; i++) {
      l[i] = dims[i];
    }
    return Shape.of(l);
  }

  /** A new tensor holding the factor's values; the caller closes it. */
  public static Tensor toTensor(Factor f) {
    Shape shape = shape(f.spec());
    return switch (f.spec().type()) {
      case FLOAT32, FLOAT16, BFLOAT16, INT8, INT8_PER_TENSOR -> TFloat32.tensorOf(shape, DataBuffers.of(f.floats(), true, false));
      case INT32 -> TInt32.tensorOf(shape, DataBuffers.of(f.ints(), true, false));
      case UINT8, UINT4, UINT2, UINT1 -> {
        int[] v = f.ints();
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
          b[i] = (byte) v[i];
        }
        yield TUint8.tensorOf(shape, DataBuffers.of(b, true, false));
      }
      case BIT -> {
        int[] v = f.ints();
        boolean[] b = new boolean[v.length];
        for (int i = 0; i < v.length; i++) {
          b[i] = v[i] != 0;
        }
        yield TBool.tensorOf(shape, DataBuffers.of(b, true, false));
      }
    };
  }

  /** Reads a tensor of the factor's type back into a factor (for exports and checks). */
  public static Factor fromTensor(FactorSpec spec, Tensor t) {
    int n = Math.toIntExact(spec.entries());
    return switch (spec.type()) {
      case FLOAT32, FLOAT16, BFLOAT16, INT8, INT8_PER_TENSOR -> {
        float[] v = new float[n];
        ((TFloat32) t).copyTo(DataBuffers.of(v, false, false));
        yield Factor.ofFloats(spec, v);
      }
      case INT32 -> {
        int[] v = new int[n];
        ((TInt32) t).copyTo(DataBuffers.of(v, false, false));
        yield Factor.ofInts(spec, v);
      }
      case UINT8, UINT4, UINT2, UINT1 -> {
        byte[] b = new byte[n];
        ((TUint8) t).copyTo(DataBuffers.of(b, false, false));
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
          v[i] = b[i] & 0xff;
        }
        yield Factor.ofInts(spec, v);
      }
      case BIT -> {
        boolean[] b = new boolean[n];
        ((TBool) t).copyTo(DataBuffers.of(b, false, false));
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
          v[i] = b[i] ? 1 : 0;
        }
        yield Factor.ofInts(spec, v);
      }
    };
  }
}
