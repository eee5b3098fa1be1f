package org.matcomp.hostcallback;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.matcomp.Requirements;
import org.matcomp.nativelib.NativeLoader;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

class HostCallbackConcurrencyTest {

  @BeforeAll
  static void nativeLibraryIsBuilt() {
    Requirements.require(NativeLoader.isBuilt(), "matcomp's native library: " + NativeLoader.BUILD_HINT);
  }

  @Test
  void fourJavaThreadsSharingOneSessionEachGetTheirOwnResults() throws Exception {
    int threads = 4;
    int runs = 200;
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(3)));
      // Two outputs of different types, so a mix-up between concurrent calls would show in either.
      HostCallbackOp op = HostCallbackOp.create(tf, List.of(x), List.of(TFloat32.class, TInt32.class), List.of(),
          call -> {
            float[] v = call.input(0).toFloatArray();
            float[] y = new float[v.length];
            int sum = 0;
            for (int i = 0; i < v.length; i++) {
              y[i] = v[i] * 2 + 1;
              sum += (int) v[i];
            }
            call.setOutput(0, y, v.length);
            call.setOutput(1, new int[] {sum});
          });
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<Integer>> wrong = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int id = t;
          wrong.add(pool.submit(() -> {
            int mismatches = 0;
            for (int r = 0; r < runs; r++) {
              float base = id * 10_000 + r * 3;
              float[] in = {base, base + 1, base + 2};
              try (TFloat32 feed = TFloat32.vectorOf(in);
                  Result res = s.runner().feed(x, feed).fetch(op.output(0)).fetch(op.output(1)).run()) {
                float[] y = StdArrays.array1dCopyOf((TFloat32) res.get(0));
                int sum = ((TInt32) res.get(1)).getInt();
                if (!java.util.Arrays.equals(y, new float[] {2 * base + 1, 2 * base + 3, 2 * base + 5})
                    || sum != (int) (3 * base + 3)) {
                  mismatches++;
                }
              }
            }
            return mismatches;
          }));
        }
        for (Future<Integer> f : wrong) {
          assertEquals(0, f.get(120, TimeUnit.SECONDS), "wrong results in one thread");
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void independentNodesRunInParallelOnAPerSessionPoolAndItsThreadsDetachOnClose() throws Exception {
    int nodes = 4;
    CountDownLatch allInside = new CountDownLatch(nodes);
    Set<Thread> callbackThreads = ConcurrentHashMap.newKeySet();
    ConfigProto ownPool = ConfigProto.newBuilder()
        .setUsePerSessionThreads(true).setInterOpParallelismThreads(nodes).build();
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      List<Operand<?>> outs = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        HostCallbackOp op = HostCallbackOp.create(tf, List.of(tf.constant(i)), List.of(TInt32.class), List.of(),
            call -> {
              callbackThreads.add(Thread.currentThread());
              allInside.countDown();
              // Returns only once all four callbacks are inside at the same time: proof of parallelism.
              if (!allInside.await(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("callbacks did not run in parallel");
              }
              call.forwardInput(0, 0);
            });
        outs.add(op.output(0));
      }
      try (Session s = new Session(g, ownPool)) {
        Session.Runner runner = s.runner();
        outs.forEach(runner::fetch);
        try (Result r = runner.run()) {
          for (int i = 0; i < nodes; i++) {
            assertEquals(i, ((TInt32) r.get(i)).getInt());
          }
        }
      }
    }
    assertEquals(nodes, callbackThreads.size(), "distinct TF threads");
    for (Thread t : callbackThreads) {
      assertTrue(t.getName().startsWith("matcomp-hostcallback-"), t.getName());
      assertTrue(t.isDaemon(), "attached as daemon: " + t.getName());
      t.join(10_000);
      assertFalse(t.isAlive(), "detached when TF ended the pool thread: " + t.getName());
    }
  }

  @Test
  void callbackMayRunAnotherSessionThatHasItsOwnPool() {
    try (Graph inner = new Graph()) {
      Ops itf = Ops.create(inner);
      Placeholder<TFloat32> in = itf.placeholder(TFloat32.class);
      Operand<TFloat32> tripled = itf.math.mul(in, itf.constant(3f));
      ConfigProto ownPool = ConfigProto.newBuilder()
          .setUsePerSessionThreads(true).setInterOpParallelismThreads(1).build();
      try (Session innerSession = new Session(inner, ownPool); Graph g = new Graph(); Session s = new Session(g)) {
        Ops tf = Ops.create(g);
        List<Class<? extends TType>> types = List.of(TFloat32.class, TFloat32.class);
        HostCallbackOp op = HostCallbackOp.create(tf, List.of(tf.constant(new float[] {1, 2}),
            tf.constant(new float[] {5})), types, List.of(), call -> {
              for (int i = 0; i < 2; i++) {
                try (TFloat32 feed = TFloat32.vectorOf(call.input(i).toFloatArray());
                    Result r = innerSession.runner().feed(in, feed).fetch(tripled).run()) {
                  call.setOutput(i, StdArrays.array1dCopyOf((TFloat32) r.get(0)), call.input(i).size());
                }
              }
            });
        try (Result r = s.runner().fetch(op.output(0)).fetch(op.output(1)).run()) {
          assertArrayEquals(new float[] {3, 6}, StdArrays.array1dCopyOf((TFloat32) r.get(0)));
          assertArrayEquals(new float[] {15}, StdArrays.array1dCopyOf((TFloat32) r.get(1)));
        }
      }
    }
  }
}
