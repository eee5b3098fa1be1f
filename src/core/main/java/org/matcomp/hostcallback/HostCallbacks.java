package org.matcomp.hostcallback;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process-wide registry of host callbacks, by name. A {@code MatcompHostCallback} node stores only the name, so
 * a graph (or SavedModel) built in one JVM runs in another once the same name is registered there.
 *
 * <p>Registering loads matcomp's native library ({@link NativeLibrary#load()}), since a callback is useless without
 * it and a SavedModel naming the op cannot even be loaded before it.
 */
public final class HostCallbacks {
  private static final ConcurrentMap<String, HostCallback> REGISTRY = new ConcurrentHashMap<>();
  private static final AtomicLong ANONYMOUS = new AtomicLong();

  private HostCallbacks() {}

  /**
   * Registers {@code callback} under a fresh name ({@code matcomp_cb_<n>}). Such names depend on registration order;
   * use {@link #register(String, HostCallback)} for graphs saved and reloaded elsewhere.
   */
  public static HostCallbackRegistration register(HostCallback callback) {
    Objects.requireNonNull(callback, "callback");
    NativeLibrary.load();
    while (true) {
      String name = "matcomp_cb_" + ANONYMOUS.incrementAndGet();
      if (REGISTRY.putIfAbsent(name, callback) == null) {
        return new HostCallbackRegistration(name, callback);
      }
    }
  }

  /**
   * Registers {@code callback} under {@code name}.
   *
   * @throws IllegalArgumentException if the name is empty or already registered (unregister it first)
   */
  public static HostCallbackRegistration register(String name, HostCallback callback) {
    checkArgument(name != null && !name.isEmpty(), "host callback name must be non-empty, got '%s'", name);
    Objects.requireNonNull(callback, "callback");
    NativeLibrary.load();
    HostCallback previous = REGISTRY.putIfAbsent(name, callback);
    checkArgument(previous == null, "a host callback is already registered under the name '%s' (%s)", name, previous);
    return new HostCallbackRegistration(name, callback);
  }

  /** Removes whatever is registered under {@code name}; returns whether there was one. */
  public static boolean unregister(String name) {
    return REGISTRY.remove(name) != null;
  }

  static boolean unregister(String name, HostCallback callback) {
    return REGISTRY.remove(name, callback);
  }

  public static boolean isRegistered(String name) {
    return REGISTRY.containsKey(name);
  }

  /** The callback registered under {@code name}, or null. */
  static HostCallback lookup(String name) {
    return REGISTRY.get(name);
  }
}
