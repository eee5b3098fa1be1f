package org.matcomp.hostcallback;

/**
 * Java code that runs inside {@code Session.run} as the kernel of a {@code MatcompHostCallback} node: it reads the
 * node's inputs from {@link HostCall#input(int)} and must set every output, through {@link HostCall#allocateOutput}
 * (write straight into TF memory), {@link HostCall#setOutput} (copy from an array) or {@link HostCall#forwardInput}
 * (alias an input, free).
 *
 * <p>Contract, because TF calls it from its own thread pool:
 *
 * <ul>
 *   <li>It must be thread-safe: TF runs independent nodes, and concurrent {@code Session.run} calls, in parallel, so
 *       one callback can be running on several threads at once.
 *   <li>It must not keep input or output buffers, or the {@link HostCall}, after it returns (copy what you keep).
 *   <li>It must not run a {@code Session} that shares the caller's inter-op thread pool. Both sessions then wait for
 *       the same pool threads, which are all blocked in callbacks: a silent deadlock, as with Python's
 *       {@code py_function}. Create any session run from a callback, or the session that runs the callback node, with
 *       its own pool: {@code ConfigProto.newBuilder().setUsePerSessionThreads(true).setInterOpParallelismThreads(n)}
 *       passed to {@code new Session(graph, config)}.
 *   <li>Any exception it throws fails the {@code Session.run} with a TF error carrying the exception's class, message
 *       and the first stack frames; an {@link IllegalArgumentException} or {@link IndexOutOfBoundsException} maps to
 *       {@code TFInvalidArgumentException}, anything else to a plain {@code TensorFlowException}. The JVM and the
 *       session stay usable.
 * </ul>
 */
@FunctionalInterface
public interface HostCallback {
  void call(HostCall call) throws Exception;
}
