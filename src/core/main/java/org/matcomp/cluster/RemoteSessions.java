package org.matcomp.cluster;

import static org.tensorflow.internal.c_api.global.tensorflow.TF_SetConfig;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SetTarget;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.internal.c_api.TF_Graph;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.proto.ConfigProto;

/**
 * A {@link Session} on a remote TensorFlow server ({@code grpc://host:port}). TF Java 1.1.0 has no public way to set a
 * session's target, so this is {@code Session.allocate} with {@code TF_SetTarget} added, handed to the
 * package-private constructor {@code SavedModelBundle} uses. That constructor, the graph's native handle and
 * {@code markAllInitializersAsRan} are reached by reflection: a class of ours in package {@code org.tensorflow} would
 * split the package, which the module system (and javadoc) refuse. TF Java's jars are automatic modules, open to
 * reflection. Replace this with TF Java's own call once there is one; {@code RemoteSessionsTest} fails first if an
 * upgrade moves these members.
 */
public final class RemoteSessions {
  private static final Constructor<Session> WRAP;
  private static final Method GRAPH_REF;
  private static final Method REF_HANDLE;
  private static final Method REF_CLOSE;
  private static final Method MARK_INITIALIZED;

  static {
    try {
      WRAP = Session.class.getDeclaredConstructor(Graph.class, TF_Session.class);
      WRAP.setAccessible(true);
      GRAPH_REF = Graph.class.getDeclaredMethod("ref");
      GRAPH_REF.setAccessible(true);
      Class<?> reference = GRAPH_REF.getReturnType();
      REF_HANDLE = reference.getDeclaredMethod("nativeHandle");
      REF_HANDLE.setAccessible(true);
      REF_CLOSE = reference.getDeclaredMethod("close");
      REF_CLOSE.setAccessible(true);
      MARK_INITIALIZED = Session.class.getDeclaredMethod("markAllInitializersAsRan");
      MARK_INITIALIZED.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new ExceptionInInitializerError("this TF Java no longer has the members a remote session needs: " + e);
    }
  }

  private RemoteSessions() {}

  /**
   * A session on {@code graph} that runs on the server at {@code target}. It does not run the graph's initializers
   * by itself: in a cluster only the chief may, the variables being shared ({@link #initializedElsewhere}).
   */
  public static Session open(Graph graph, String target, ConfigProto config) {
    Object ref = invoke(GRAPH_REF, graph);
    try (PointerScope scope = new PointerScope()) {
      TF_Status status = TF_Status.newStatus();
      TF_SessionOptions options = TF_SessionOptions.newSessionOptions();
      BytePointer bytes = new BytePointer(config.toByteArray());
      TF_SetConfig(options, bytes, bytes.capacity(), status);
      status.throwExceptionIfNotOK();
      TF_SetTarget(options, target);
      TF_Session session = TF_Session.newSession((TF_Graph) invoke(REF_HANDLE, ref), options, status);
      status.throwExceptionIfNotOK();
      return WRAP.newInstance(graph, (TF_Session) session.retainReference());
    } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot wrap a remote session", e);
    } finally {
      invoke(REF_CLOSE, ref);
    }
  }

  /**
   * Lets {@code session} run although its graph's initializers never ran in it: another replica (the chief) has
   * initialised the shared variables, and running them here would reset them.
   */
  public static void initializedElsewhere(Session session) {
    invoke(MARK_INITIALIZED, session);
  }

  private static Object invoke(Method m, Object target) {
    try {
      return m.invoke(target);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
