package org.matcomp.hostcallback;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.matcomp.Requirements;
import org.matcomp.nativelib.NativeLoader;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * Every way a callback can go wrong must surface as a TF error with a useful message, and leave the JVM and the very
 * same session working: each test runs its failing node and then a healthy one in one session.
 */
class HostCallbackErrorsTest {
  private static Graph graph;
  private static Session session;
  private static Ops tf;
  private static HostCallbackOp healthy;

  @BeforeAll
  static void buildSessionWithAHealthyNode() {
    Requirements.require(NativeLoader.isBuilt(), "matcomp's native library: " + NativeLoader.BUILD_HINT);
    graph = new Graph();
    tf = Ops.create(graph);
    healthy = HostCallbackOp.create(tf, List.of(tf.constant(new int[] {21})), List.of(TInt32.class), List.of(),
        call -> call.setOutput(0, new int[] {call.input(0).toIntArray()[0] * 2}, 1));
    session = new Session(graph);
  }

  @AfterAll
  static void close() {
    if (session != null) {
      session.close();
    }
    if (graph != null) {
      graph.close();
    }
  }

  private static HostCallbackOp failing(List<Class<? extends TType>> outputs, HostCallback fn) {
    return HostCallbackOp.create(tf, List.of(tf.constant(new float[] {1, 2})), outputs, List.of(), fn);
  }

  private static <E extends RuntimeException> String runExpecting(Class<E> type, HostCallbackOp op) {
    Session.Runner runner = session.runner();
    if (op.outputs().isEmpty()) {
      runner.addTarget(op);
    } else {
      op.outputs().forEach(runner::fetch);
    }
    E e = assertThrows(type, runner::run);
    try (Result r = session.runner().fetch(healthy.output(0)).run()) {
      assertArrayEquals(new int[] {42}, StdArrays.array1dCopyOf((TInt32) r.get(0)), "session still works");
    }
    return e.getMessage();
  }

  private static void throwBoom() {
    throw new RuntimeException("boom 42 from Java");
  }

  @Test
  void javaExceptionBecomesTfErrorWithMessageAndStackHead() {
    HostCallbackOp op = failing(List.of(TFloat32.class), call -> throwBoom());
    String message = runExpecting(TensorFlowException.class, op);
    assertTrue(message.contains("MatcompHostCallback '" + op.callbackName() + "' failed: "
        + "java.lang.RuntimeException: boom 42 from Java"), message);
    assertTrue(message.contains("\tat org.matcomp.hostcallback.HostCallbackErrorsTest.throwBoom("), message);
  }

  @Test
  void rootCauseIsReported() {
    HostCallbackOp op = failing(List.of(TFloat32.class), call -> {
      throw new IllegalStateException("wrapper", new ArithmeticException("inner cause 7"));
    });
    String message = runExpecting(TensorFlowException.class, op);
    assertTrue(message.contains("java.lang.IllegalStateException: wrapper"), message);
    assertTrue(message.contains("Caused by: java.lang.ArithmeticException: inner cause 7"), message);
  }

  @Test
  void illegalArgumentBecomesInvalidArgument() {
    HostCallbackOp op = failing(List.of(TFloat32.class), call -> {
      throw new IllegalArgumentException("x must be positive");
    });
    String message = runExpecting(TFInvalidArgumentException.class, op);
    assertTrue(message.contains("java.lang.IllegalArgumentException: x must be positive"), message);
  }

  @Test
  void stackOverflowOnATfThreadIsAnErrorNotACrash() {
    HostCallbackOp op = failing(List.of(TFloat32.class), call -> recurse(0));
    String message = runExpecting(TensorFlowException.class, op);
    assertTrue(message.contains("java.lang.StackOverflowError"), message);
  }

  private static int recurse(int depth) {
    return recurse(depth + 1) + 1;
  }

  @Test
  void unregisteredNameIsReported() {
    HostCallbackOp op = HostCallbackOp.create(tf.scope(), List.of(), List.of(TFloat32.class), List.of(),
        "errors_test_never_registered");
    String message = runExpecting(TFInvalidArgumentException.class, op);
    assertTrue(message.contains("no Java callback is registered under the name 'errors_test_never_registered'"),
        message);
  }

  @Test
  void unsetOutputIsReported() {
    HostCallbackOp op = failing(List.of(TFloat32.class, TInt32.class), call -> call.setOutput(0, call.input(0)));
    String message = runExpecting(TFInvalidArgumentException.class, op);
    assertTrue(message.contains("the callback did not set output 1 of 2"), message);
  }

  @Test
  void wrongOutputTypeIsReported() {
    HostCallbackOp op = failing(List.of(TFloat32.class), call -> call.setOutput(0, new int[] {1, 2}, 2));
    String message = runExpecting(TFInvalidArgumentException.class, op);
    assertTrue(message.contains("output 0 of host callback '" + op.callbackName()
        + "' is declared FLOAT (Tout) but a INT32 value was given"), message);
  }

  @Test
  void lengthShapeMismatchIsReported() {
    HostCallbackOp op = failing(List.of(TFloat32.class), call -> call.setOutput(0, new float[] {1, 2, 3}, 2));
    String message = runExpecting(TFInvalidArgumentException.class, op);
    assertTrue(message.contains("shape [2] needs 2 elements but 3 were given"), message);
  }

  @Test
  void outputIndexOutOfRangeIsReported() {
    HostCallbackOp op = failing(List.of(TFloat32.class), call -> call.allocateOutput(3, 1));
    String message = runExpecting(TFInvalidArgumentException.class, op);
    assertTrue(message.contains("IndexOutOfBoundsException: output index 3 out of range [0,1)"), message);
  }

  @Test
  void negativeDimensionIsReported() {
    HostCallbackOp op = failing(List.of(TFloat32.class), call -> call.allocateOutput(0, 2, -1));
    String message = runExpecting(TFInvalidArgumentException.class, op);
    assertTrue(message.contains("output 0: dimension 1 is -1; dimensions must be in [0, 2^31-1]"), message);
  }

  @Test
  void shapesTensorFlowWouldAbortOnAreRefused() {
    HostCallbackOp tooBig = failing(List.of(TFloat32.class), call -> call.allocateOutput(0, 1L << 20, 1L << 20));
    assertTrue(runExpecting(TFInvalidArgumentException.class, tooBig).contains("exceeds 2^31-1 bytes"));
    HostCallbackOp emptyButHuge = failing(List.of(TFloat32.class), call -> call.allocateOutput(0, 0, 1L << 62));
    assertTrue(runExpecting(TFInvalidArgumentException.class, emptyButHuge)
        .contains("dimension 1 is 4611686018427387904"));
    HostCallbackOp tooDeep = failing(List.of(TFloat32.class), call -> call.allocateOutput(0, new long[255]));
    assertTrue(runExpecting(TFInvalidArgumentException.class, tooDeep).contains("rank 255 exceeds"));
  }

  @Test
  void settingAnOutputTwiceIsReported() {
    HostCallbackOp op = failing(List.of(TFloat32.class), call -> {
      call.allocateOutput(0, 2);
      call.forwardInput(0, 0);
    });
    String message = runExpecting(TensorFlowException.class, op);
    assertTrue(message.contains("IllegalStateException: output 0 was already set"), message);
  }

  @Test
  void forwardingAcrossTypesIsReported() {
    HostCallbackOp op = failing(List.of(TInt32.class), call -> call.forwardInput(0, 0));
    String message = runExpecting(TFInvalidArgumentException.class, op);
    assertTrue(message.contains("forwardInput(0, 0): input dtype 1 differs from Tout[0] = 3"), message);
  }

  @Test
  void hostCallIsDeadAfterItsCallbackReturns() {
    AtomicReference<HostCall> escaped = new AtomicReference<>();
    HostCallbackOp op = failing(List.of(), escaped::set);
    session.runner().addTarget(op).run().close();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> escaped.get().allocateOutput(0, 1));
    assertTrue(e.getMessage().contains("used after the callback returned"), e.getMessage());
  }

  @Test
  void closedRegistrationMakesNodesFailCleanly() {
    HostCallbackRegistration reg = HostCallbacks.register(call -> call.setOutput(0, call.input(0)));
    HostCallbackOp op = HostCallbackOp.create(tf.scope(), List.of(tf.constant(new float[] {5})),
        List.of(TFloat32.class), List.of(), reg.name());
    try (Result r = session.runner().fetch(op.output(0)).run()) {
      assertEquals(5f, ((TFloat32) r.get(0)).getFloat(0));
    }
    reg.close();
    assertFalse(HostCallbacks.isRegistered(reg.name()));
    String message = runExpecting(TFInvalidArgumentException.class, op);
    assertTrue(message.contains("no Java callback is registered under the name '" + reg.name() + "'"), message);
  }

  @Test
  void duplicateNameIsRejected() {
    try (HostCallbackRegistration first = HostCallbacks.register("errors_test_dup", call -> { })) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> HostCallbacks.register("errors_test_dup", call -> { }));
      assertTrue(e.getMessage().contains("already registered under the name 'errors_test_dup'"), e.getMessage());
    }
  }

  @Test
  void unsupportedTypesAreRejectedWhenBuilding() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HostCallbackOp.create(tf, List.of(tf.constant("text")), List.of(TFloat32.class), List.of(),
            call -> { }));
    assertTrue(e.getMessage().contains("TF data type number 7 is not supported"), e.getMessage());
  }
}
