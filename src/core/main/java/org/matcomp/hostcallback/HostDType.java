package org.matcomp.hostcallback;

import static com.google.common.base.Preconditions.checkArgument;

import org.tensorflow.proto.DataType;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;
import org.tensorflow.types.family.TType;

/**
 * The tensor element types a host callback can receive and produce: the {@code Tin} / {@code Tout} type list of the
 * {@code MatcompHostCallback} op. Data is in native byte order; a {@code BOOL} element is one byte, 0 or 1.
 */
public enum HostDType {
  FLOAT(DataType.DT_FLOAT, 4, TFloat32.class),
  DOUBLE(DataType.DT_DOUBLE, 8, TFloat64.class),
  INT32(DataType.DT_INT32, 4, TInt32.class),
  UINT8(DataType.DT_UINT8, 1, TUint8.class),
  INT64(DataType.DT_INT64, 8, TInt64.class),
  BOOL(DataType.DT_BOOL, 1, TBool.class);

  /** TF marks a tensor read through a reference (e.g. a VariableV2 output) by adding this to its type number. */
  private static final int REF_OFFSET = 100;

  private final DataType dataType;
  private final int byteSize;
  private final Class<? extends TType> tensorType;

  HostDType(DataType dataType, int byteSize, Class<? extends TType> tensorType) {
    this.dataType = dataType;
    this.byteSize = byteSize;
    this.tensorType = tensorType;
  }

  /** The TF data type, never a {@code _REF} type. */
  public DataType dataType() {
    return dataType;
  }

  public int byteSize() {
    return byteSize;
  }

  /** The TF Java tensor class, e.g. {@code TFloat32.class}. */
  public Class<? extends TType> tensorType() {
    return tensorType;
  }

  /** The type for a TF type number, with {@code _REF} stripped (DT_FLOAT_REF = 101 is FLOAT). */
  public static HostDType fromTfCode(int code) {
    int plain = code > REF_OFFSET ? code - REF_OFFSET : code;
    for (HostDType t : values()) {
      if (t.dataType.getNumber() == plain) {
        return t;
      }
    }
    throw new IllegalArgumentException("TF data type number " + code + " is not supported by host callbacks;"
        + " supported: float, double, int32, uint8, int64, bool");
  }

  /** The type of {@code dataType}, with {@code _REF} stripped. */
  public static HostDType of(DataType dataType) {
    checkArgument(dataType != null && dataType != DataType.UNRECOGNIZED, "unrecognized TF data type %s", dataType);
    return fromTfCode(dataType.getNumber());
  }

  /** The type of a TF Java tensor class such as {@code TFloat32.class}. */
  public static HostDType of(Class<? extends TType> tensorType) {
    for (HostDType t : values()) {
      if (t.tensorType.equals(tensorType)) {
        return t;
      }
    }
    throw new IllegalArgumentException("tensor type " + (tensorType == null ? null : tensorType.getSimpleName())
        + " is not supported by host callbacks; supported: TFloat32, TFloat64, TInt32, TUint8, TInt64, TBool");
  }
}
