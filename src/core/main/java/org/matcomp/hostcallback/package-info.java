/**
 * Java code inside {@code Session.run}: the {@code MatcompHostCallback} op, TF Java's counterpart of Python's
 * {@code tf.py_function}, usable by anyone, not only matcomp.
 *
 * <pre>{@code
 * try (HostCallbackRegistration twice = HostCallbacks.register("twice", call -> {
 *       float[] v = call.input(0).toFloatArray();        // zero-copy view, copied here
 *       for (int i = 0; i < v.length; i++) v[i] *= 2;
 *       call.setOutput(0, v, call.input(0).shape());     // or allocateOutput(0, shape) and write in place
 *     })) {
 *   HostCallbackOp op = HostCallbackOp.create(tf.scope(), List.of(x), List.of(TFloat32.class), List.of(),
 *       twice.name());
 *   try (Result r = session.runner().fetch(op.output(0)).run()) { ... }
 * }
 * }</pre>
 *
 * <p>Pieces: {@link org.matcomp.hostcallback.HostCallbacks} (registry by name; graphs store the name),
 * {@link org.matcomp.hostcallback.HostCallbackOp} (the typed op builder), {@link org.matcomp.hostcallback.HostCall}
 * (inputs as read-only direct buffers over TF memory, outputs allocated by TF and written in place),
 * {@link org.matcomp.hostcallback.NativeLibrary} (registers the op with TensorFlow, once per process, from
 * {@code libmatcomp_native.so}, which {@link org.matcomp.nativelib.NativeLoader} loads from the jar; linux-x86_64
 * only).
 *
 * <p>Hazards, each verified:
 *
 * <ul>
 *   <li><b>Deadlock</b>: a callback that runs a {@code Session} sharing the caller's inter-op pool waits forever
 *       when all pool threads are inside callbacks. Give such a session its own pool:
 *       {@code new Session(g, ConfigProto.newBuilder().setUsePerSessionThreads(true)
 *       .setInterOpParallelismThreads(n).build())} (either the inner or the outer session).
 *   <li><b>Parallelism</b>: TF runs independent nodes and concurrent runs in parallel; callbacks must be thread-safe.
 *       With the default global pool (one thread per core) at most that many callbacks run at once; a per-session
 *       pool with more threads runs more.
 *   <li><b>Lifetime</b>: input and output buffers and the {@code HostCall} die when the callback returns; a kept
 *       buffer reads freed memory. Copy what you keep.
 *   <li><b>Class loaders</b>: one class loader per process can own the native library; load matcomp from a class
 *       loader shared by all its users.
 *   <li><b>SavedModels</b>: a graph holding the op loads only after {@code NativeLibrary.load()} (or any
 *       {@code HostCallbacks.register}), and runs once its callback names are registered.
 *   <li>No gradient is registered for the op; tensors are limited to 2^31-1 bytes (a Java ByteBuffer).
 * </ul>
 */
package org.matcomp.hostcallback;
