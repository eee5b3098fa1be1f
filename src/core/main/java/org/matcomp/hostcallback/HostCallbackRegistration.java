package org.matcomp.hostcallback;

/**
 * A callback registered with {@link HostCallbacks}; closing it unregisters the callback, after which nodes naming it
 * fail with a clear TF error. The name is what graphs store, so it is also what a SavedModel needs re-registered.
 */
public final class HostCallbackRegistration implements AutoCloseable {
  private final String name;
  private final HostCallback callback;

  HostCallbackRegistration(String name, HostCallback callback) {
    this.name = name;
    this.callback = callback;
  }

  public String name() {
    return name;
  }

  public HostCallback callback() {
    return callback;
  }

  /** Unregisters the callback, unless the name has since been given to another one. Idempotent. */
  @Override
  public void close() {
    HostCallbacks.unregister(name, callback);
  }

  @Override
  public String toString() {
    return "HostCallbackRegistration[" + name + "]";
  }
}
