package org.matcomp.savedmodel.rewrite;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/** AttrValue and TensorProto construction for hand-built NodeDefs. */
public final class Attrs {
  private Attrs() {}

  public static AttrValue type(DataType t) {
    return AttrValue.newBuilder().setType(t).build();
  }

  public static AttrValue bool(boolean b) {
    return AttrValue.newBuilder().setB(b).build();
  }

  public static AttrValue integer(long i) {
    return AttrValue.newBuilder().setI(i).build();
  }

  public static AttrValue string(String s) {
    return AttrValue.newBuilder().setS(ByteString.copyFromUtf8(s)).build();
  }

  public static AttrValue shape(long[] dims) {
    return AttrValue.newBuilder().setShape(shapeProto(dims)).build();
  }

  public static AttrValue types(Iterable<DataType> ts) {
    return AttrValue.newBuilder().setList(AttrValue.ListValue.newBuilder().addAllType(ts)).build();
  }

  public static AttrValue ints(long... values) {
    AttrValue.ListValue.Builder l = AttrValue.ListValue.newBuilder();
    for (long v : values) {
      l.addI(v);
    }
    return AttrValue.newBuilder().setList(l).build();
  }

  public static TensorShapeProto shapeProto(long[] dims) {
    TensorShapeProto.Builder b = TensorShapeProto.newBuilder();
    for (long d : dims) {
      b.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
    }
    return b.build();
  }

  static AttrValue int32Tensor(int... values) {
    ByteBuffer buf = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    buf.asIntBuffer().put(values);
    return tensor(DataType.DT_INT32, new long[] {values.length}, buf.array());
  }

  public static AttrValue int32Scalar(int value) {
    ByteBuffer buf = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value);
    return tensor(DataType.DT_INT32, new long[0], buf.array());
  }

  static AttrValue floatTensor(float... values) {
    ByteBuffer buf = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(values);
    return tensor(DataType.DT_FLOAT, new long[] {values.length}, buf.array());
  }

  /** A float tensor of {@code shape} (row-major values). */
  static AttrValue floatTensor(long[] shape, float[] values) {
    ByteBuffer buf = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(values);
    return tensor(DataType.DT_FLOAT, shape, buf.array());
  }

  static AttrValue int64Tensor(long... values) {
    ByteBuffer buf = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    buf.asLongBuffer().put(values);
    return tensor(DataType.DT_INT64, new long[] {values.length}, buf.array());
  }

  public static AttrValue stringTensor(Iterable<String> values, long count) {
    TensorProto.Builder t = TensorProto.newBuilder().setDtype(DataType.DT_STRING)
        .setTensorShape(shapeProto(new long[] {count}));
    values.forEach(v -> t.addStringVal(ByteString.copyFromUtf8(v)));
    return AttrValue.newBuilder().setTensor(t).build();
  }

  private static AttrValue tensor(DataType t, long[] shape, byte[] content) {
    return AttrValue.newBuilder().setTensor(TensorProto.newBuilder().setDtype(t).setTensorShape(shapeProto(shape))
        .setTensorContent(ByteString.copyFrom(content))).build();
  }
}
