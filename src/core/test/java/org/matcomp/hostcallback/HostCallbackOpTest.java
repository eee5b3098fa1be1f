package org.matcomp.hostcallback;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.matcomp.Requirements;
import org.matcomp.nativelib.NativeLoader;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;
import org.tensorflow.types.family.TType;

class HostCallbackOpTest {

  @BeforeAll
  static void nativeLibraryIsBuilt() {
    Requirements.require(NativeLoader.isBuilt(), "matcomp's native library: " + NativeLoader.BUILD_HINT);
  }

  /** Copies every input to the output of the same index, through Java arrays. */
  private static final HostCallback COPY_ALL = call -> {
    for (int i = 0; i < call.numInputs(); i++) {
      call.setOutput(i, call.input(i));
    }
  };

  private static float[] floats(Tensor t) {
    TFloat32 f = (TFloat32) t;
    float[] out = new float[(int) f.shape().size()];
    f.copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  private static HostCallbackOp node(Ops tf, List<? extends Operand<?>> inputs, List<Class<? extends TType>> types,
      HostCallback fn) {
    return HostCallbackOp.create(tf, inputs, types, List.of(), fn);
  }

  @Test
  void identityRoundTripsFloatTensorsOfSeveralRanks() {
    float[] data = new float[24];
    for (int i = 0; i < data.length; i++) {
      data[i] = i * 0.5f - 3;
    }
    Shape[] shapes = {Shape.scalar(), Shape.of(3), Shape.of(2, 3), Shape.of(2, 3, 4)};
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      List<Operand<?>> inputs = new ArrayList<>();
      List<Class<? extends TType>> types = new ArrayList<>();
      for (Shape shape : shapes) {
        float[] values = java.util.Arrays.copyOf(data, (int) shape.size());
        inputs.add(tf.constant(shape, DataBuffers.of(values)));
        types.add(TFloat32.class);
      }
      HostCallbackOp op = node(tf, inputs, types, COPY_ALL);
      Session.Runner runner = s.runner();
      op.outputs().forEach(runner::fetch);
      try (Result r = runner.run()) {
        for (int i = 0; i < shapes.length; i++) {
          assertEquals(shapes[i], r.get(i).shape(), "shape of output " + i);
          assertArrayEquals(java.util.Arrays.copyOf(data, (int) shapes[i].size()), floats(r.get(i)), 0f);
        }
      }
    }
  }

  @Test
  void arithmeticOnEverySupportedType() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      List<Operand<?>> in = List.of(
          tf.constant(new float[][] {{1.5f, -2f}, {4f, 0.25f}}),
          tf.constant(new double[] {1e-3, 2.5}),
          tf.constant(new int[] {7, -8, 9}),
          tf.constant(new long[] {1L << 40, -3}),
          tf.dtypes.cast(tf.constant(new int[] {254, 0}), TUint8.class),
          tf.constant(new boolean[] {true, false, true}));
      List<Class<? extends TType>> types =
          List.of(TFloat32.class, TFloat64.class, TInt32.class, TInt64.class, TUint8.class, TBool.class);
      HostCallbackOp op = node(tf, in, types, call -> {
        float[] f = call.input(0).toFloatArray();
        for (int i = 0; i < f.length; i++) {
          f[i] = f[i] * 2 + 1;
        }
        call.setOutput(0, f, call.input(0).shape());
        double[] d = call.input(1).toDoubleArray();
        call.setOutput(1, new double[] {d[0] + d[1]});
        int[] n = call.input(2).toIntArray();
        call.setOutput(2, new int[] {n[0] * n[1], n[2] - n[1]}, 2);
        long[] l = call.input(3).toLongArray();
        call.setOutput(3, new long[] {l[0] * 4, l[1] * l[1]}, 2);
        byte[] u = call.input(4).toUint8Array();
        call.setOutput(4, new byte[] {(byte) ((u[0] & 0xff) + 1), (byte) ((u[1] & 0xff) + 7)}, 2);
        boolean[] b = call.input(5).toBooleanArray();
        call.setOutput(5, new boolean[] {!b[0], !b[1], !b[2]}, 3);
      });
      Session.Runner runner = s.runner();
      op.outputs().forEach(runner::fetch);
      try (Result r = runner.run()) {
        assertArrayEquals(new float[][] {{4f, -3f}, {9f, 1.5f}}, StdArrays.array2dCopyOf((TFloat32) r.get(0)));
        assertEquals(Shape.scalar(), r.get(1).shape());
        assertEquals(2.501, ((TFloat64) r.get(1)).getDouble(), 1e-12);
        assertArrayEquals(new int[] {-56, 17}, StdArrays.array1dCopyOf((TInt32) r.get(2)));
        assertArrayEquals(new long[] {1L << 42, 9}, StdArrays.array1dCopyOf((TInt64) r.get(3)));
        TUint8 u = (TUint8) r.get(4);
        assertEquals(255, u.getByte(0) & 0xff);
        assertEquals(7, u.getByte(1) & 0xff);
        assertArrayEquals(new boolean[] {false, true, false}, StdArrays.array1dCopyOf((TBool) r.get(5)));
      }
    }
  }

  @Test
  void emptyTensorsPassInAndOut() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> empty = tf.zeros(tf.constant(new long[] {2, 0}), TFloat32.class);
      AtomicReference<String> seen = new AtomicReference<>();
      HostCallbackOp op = node(tf, List.of(empty), List.of(TFloat32.class, TInt32.class), call -> {
        HostTensor in = call.input(0);
        seen.set(in + " size=" + in.size() + " bytes=" + in.data().remaining());
        call.setOutput(0, new float[0], 3, 0, 2);
        call.allocateOutput(1, 0);
      });
      try (Result r = s.runner().fetch(op.output(0)).fetch(op.output(1))
          .fetch(tf.reduceSum(op.output(0, TFloat32.class), tf.constant(new int[] {0, 1, 2}))).run()) {
        assertEquals("FLOAT[2, 0] size=0 bytes=0", seen.get());
        assertEquals(Shape.of(3, 0, 2), r.get(0).shape());
        assertEquals(Shape.of(0), r.get(1).shape());
        assertEquals(0f, ((TFloat32) r.get(2)).getFloat(), 0f);
      }
    }
  }

  @Test
  void manyOutputsOfMixedTypesComeBackInOrder() {
    int outputs = 12;
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      List<Operand<?>> in = List.of(tf.constant(new float[] {1, 2}), tf.constant(new int[] {10, 20, 30}),
          tf.constant(new long[] {5}));
      List<Class<? extends TType>> types = new ArrayList<>();
      for (int i = 0; i < outputs; i++) {
        types.add(i % 3 == 0 ? TFloat32.class : i % 3 == 1 ? TInt32.class : TInt64.class);
      }
      HostCallbackOp op = node(tf, in, types, call -> {
        for (int i = 0; i < call.numOutputs(); i++) {
          switch (i % 3) {
            case 0 -> {
              float[] v = call.input(0).toFloatArray();
              call.setOutput(i, new float[] {v[0] * i, v[1] * i}, 2);
            }
            case 1 -> {
              int[] v = call.input(1).toIntArray();
              call.setOutput(i, new int[] {v[0] + i, v[1] + i, v[2] + i}, 3);
            }
            default -> call.setOutput(i, new long[] {call.input(2).toLongArray()[0] * i});
          }
        }
      });
      Session.Runner runner = s.runner();
      op.outputs().forEach(runner::fetch);
      try (Result r = runner.run()) {
        assertEquals(outputs, r.size());
        for (int i = 0; i < outputs; i++) {
          switch (i % 3) {
            case 0 -> assertArrayEquals(new float[] {i, 2f * i}, floats(r.get(i)), 0f);
            case 1 -> assertArrayEquals(new int[] {10 + i, 20 + i, 30 + i}, StdArrays.array1dCopyOf((TInt32) r.get(i)));
            default -> {
              assertEquals(Shape.scalar(), r.get(i).shape());
              assertEquals(5L * i, ((TInt64) r.get(i)).getLong());
            }
          }
        }
      }
    }
  }

  @Test
  void readsVariableV2ThroughItsRefOutput() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> w = tf.withName("w").variable(tf.constant(new float[][] {{1, 2}, {3, 4}}));
      assertEquals(DataType.DT_FLOAT_REF, w.asOutput().dataType());
      HostCallbackOp op = node(tf, List.of(w), List.of(TFloat32.class), call -> {
        HostTensor in = call.input(0);
        float[] v = in.toFloatArray();
        for (int i = 0; i < v.length; i++) {
          v[i] *= 10;
        }
        call.setOutput(0, v, in.shape());
      });
      var assign = tf.assign(w, tf.constant(new float[][] {{-1, 0}, {0, 5}}));
      try (Result r = s.runner().fetch(op.output(0)).run()) {
        assertArrayEquals(new float[][] {{10, 20}, {30, 40}}, StdArrays.array2dCopyOf((TFloat32) r.get(0)));
      }
      s.runner().addTarget(assign).run().close();
      try (Result r = s.runner().fetch(op.output(0)).run()) {
        assertArrayEquals(new float[][] {{-10, 0}, {0, 50}}, StdArrays.array2dCopyOf((TFloat32) r.get(0)));
      }
    }
  }

  @Test
  void allocateOutputWritesStraightIntoTheFetchedTensor() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      HostCallbackOp op = node(tf, List.of(tf.constant(new float[] {1, 2, 3})), List.of(TFloat32.class), call -> {
        var in = call.input(0).asFloatBuffer();
        var out = call.allocateOutput(0, 3, 1).asFloatBuffer();
        assertEquals(3, out.capacity());
        for (int i = 0; i < 3; i++) {
          out.put(i, in.get(2 - i) + 0.5f);
        }
      });
      try (Result r = s.runner().fetch(op.output(0)).run()) {
        assertArrayEquals(new float[][] {{3.5f}, {2.5f}, {1.5f}}, StdArrays.array2dCopyOf((TFloat32) r.get(0)));
      }
    }
  }

  @Test
  void forwardInputAliasesTheInputTensor() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      HostCallbackOp op = node(tf, List.of(tf.constant(new int[][] {{4, 5, 6}})), List.of(TInt32.class),
          call -> call.forwardInput(0, 0));
      try (Result r = s.runner().fetch(op.output(0)).run()) {
        assertArrayEquals(new int[][] {{4, 5, 6}}, StdArrays.array2dCopyOf((TInt32) r.get(0)));
      }
    }
  }

  @Test
  void outputLengthMayDependOnTheData() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      HostCallbackOp op = node(tf, List.of(tf.constant(new float[] {1, -2, 3, -4, 5})),
          List.of(TFloat32.class, TInt64.class), call -> {
            float[] positive = new float[call.input(0).size()];
            int n = 0;
            for (float v : call.input(0).toFloatArray()) {
              if (v > 0) {
                positive[n++] = v;
              }
            }
            call.setOutput(0, java.util.Arrays.copyOf(positive, n), n);
            call.setOutput(1, new long[] {n});
          });
      assertTrue(op.output(0).shape().isUnknown(), "the callback picks the shape at run time");
      try (Result r = s.runner().fetch(op.output(0)).fetch(op.output(1)).run()) {
        assertArrayEquals(new float[] {1, 3, 5}, floats(r.get(0)), 0f);
        assertEquals(3L, ((TInt64) r.get(1)).getLong());
      }
    }
  }

  @Test
  void declaredOutputShapesAreKnownAtGraphTimeAndEnforcedAtRunTime() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> x = tf.constant(new float[][] {{1, 2, 3}, {4, 5, 6}});
      HostCallbackOp good = HostCallbackOp.create(tf, List.of(x), List.of(TFloat32.class, TFloat32.class),
          List.of(Shape.of(2, 3), Shape.of(-1)), call -> {
            call.setOutput(0, call.input(0));
            call.setOutput(1, new float[] {9, 9, 9, 9}, 4);
          });
      assertEquals(Shape.of(2, 3), good.output(0).shape());
      // Shape.equals is false whenever a dimension is unknown, so compare the dimensions.
      assertArrayEquals(new long[] {-1}, good.output(1).shape().asArray());
      try (Result r = s.runner().fetch(good.output(0)).fetch(good.output(1)).run()) {
        assertArrayEquals(new float[][] {{1, 2, 3}, {4, 5, 6}}, StdArrays.array2dCopyOf((TFloat32) r.get(0)));
        assertEquals(Shape.of(4), r.get(1).shape());
      }
      HostCallbackOp liar = HostCallbackOp.create(tf, List.of(x), List.of(TFloat32.class), List.of(Shape.of(2, 3)),
          call -> call.setOutput(0, new float[] {1, 2}, 2));
      TFInvalidArgumentException e =
          assertThrows(TFInvalidArgumentException.class, () -> s.runner().fetch(liar.output(0)).run());
      assertTrue(e.getMessage().contains("[2]") && e.getMessage().contains("[2,3]"), e.getMessage());
    }
  }

  @Test
  void zeroInputsAndZeroOutputsWork() {
    AtomicInteger sideEffects = new AtomicInteger();
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      HostCallbackOp source = node(tf, List.of(), List.of(TInt32.class), call -> call.setOutput(0, new int[] {42}));
      HostCallbackOp sink = node(tf, List.of(source.output(0)), List.of(), call -> sideEffects.addAndGet(
          call.input(0).toIntArray()[0]));
      assertTrue(sink.outputs().isEmpty());
      s.runner().addTarget(sink).run().close();
      s.runner().addTarget(sink).run().close();
      assertEquals(84, sideEffects.get());
    }
  }

  @Test
  void namedCallbackCanBeRegisteredAfterTheGraphIsBuilt() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      HostCallbackOp op = HostCallbackOp.create(tf.scope(), List.of(tf.constant(new int[] {3})),
          List.of(TInt32.class), List.of(), "op_test_negate");
      assertEquals("op_test_negate", op.callbackName());
      try (HostCallbackRegistration reg = HostCallbacks.register("op_test_negate",
          call -> call.setOutput(0, new int[] {-call.input(0).toIntArray()[0]}, 1))) {
        assertEquals("op_test_negate", reg.name());
        try (Result r = s.runner().fetch(op.output(0)).run()) {
          assertArrayEquals(new int[] {-3}, StdArrays.array1dCopyOf((TInt32) r.get(0)));
        }
      }
      assertTrue(!HostCallbacks.isRegistered("op_test_negate"));
    }
  }

  @Test
  void manyHighRankInputsReachTheCallback() {
    int n = 10;
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      List<Operand<?>> in = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        in.add(tf.constant(Shape.of(1, 2, 1, 2), DataBuffers.of(new float[] {i, 10 * i, 100 * i, 1000 * i})));
      }
      HostCallbackOp op = node(tf, in, List.of(TFloat32.class), call -> {
        float[] sum = new float[4];
        for (int i = 0; i < call.numInputs(); i++) {
          assertArrayEquals(new long[] {1, 2, 1, 2}, call.input(i).shape());
          float[] v = call.input(i).toFloatArray();
          for (int j = 0; j < 4; j++) {
            sum[j] += v[j];
          }
        }
        call.setOutput(0, sum, 4);
      });
      try (Result r = s.runner().fetch(op.output(0)).run()) {
        assertArrayEquals(new float[] {45, 450, 4500, 45000}, floats(r.get(0)), 0f);
      }
    }
  }

  @Test
  void savedModelKeepsTheNodeAndRunsItByCallbackName(@TempDir Path dir) throws Exception {
    try (HostCallbackRegistration reg = HostCallbacks.register("op_test_saved_scale2",
        call -> {
          float[] v = call.input(0).toFloatArray();
          for (int i = 0; i < v.length; i++) {
            v[i] *= 2;
          }
          call.setOutput(0, v, v.length);
        })) {
      try (Graph g = new Graph(); Session s = new Session(g)) {
        Ops tf = Ops.create(g);
        Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
        HostCallbackOp op = HostCallbackOp.create(tf.scope(), List.of(x), List.of(TFloat32.class), List.of(),
            reg.name());
        Operand<TFloat32> y = tf.math.add(op.output(0, TFloat32.class), tf.constant(0.5f));
        Signature sig = Signature.builder().key("serving_default").input("x", x).output("y", y).build();
        SavedModelBundle.exporter(dir.toString()).withSession(s).withFunction(SessionFunction.create(sig, s)).export();
      }
      try (SavedModelBundle bundle = SavedModelBundle.load(dir.toString(), "serve");
          TFloat32 x = TFloat32.vectorOf(1, 2);
          Result r = bundle.function("serving_default").call(Map.of("x", x))) {
        assertArrayEquals(new float[] {2.5f, 4.5f}, floats(r.get("y").orElseThrow()), 0f);
      }
    }
  }

  @Test
  void gradientsFlowAroundANodeBehindStopGradient() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> w = tf.withName("w").variable(tf.constant(new float[] {1, 2, 3}));
      HostCallbackOp cube = node(tf, List.of(w), List.of(TFloat32.class), call -> {
        float[] v = call.input(0).toFloatArray();
        for (int i = 0; i < v.length; i++) {
          v[i] = v[i] * v[i] * v[i];
        }
        call.setOutput(0, v, v.length);
      });
      // loss = Σ w · stop(w³): d loss / dw = w³ when the callback's output is treated as a constant
      Operand<TFloat32> loss = tf.reduceSum(tf.math.mul(w, tf.stopGradient(cube.output(0, TFloat32.class))),
          tf.constant(0));
      Output<?>[] grad = g.addGradients(loss.asOutput(), new Output<?>[] {w.asOutput()});
      try (Result r = s.runner().fetch(grad[0]).run()) {
        assertArrayEquals(new float[] {1, 8, 27}, floats(r.get(0)), 0f);
      }
      Operand<TFloat32> direct = tf.reduceSum(cube.output(0, TFloat32.class), tf.constant(0));
      TensorFlowException e = assertThrows(TensorFlowException.class,
          () -> g.addGradients(direct.asOutput(), new Output<?>[] {w.asOutput()}));
      assertTrue(e.getMessage().contains("No gradient defined for op: MatcompHostCallback"), e.getMessage());
    }
  }
}
