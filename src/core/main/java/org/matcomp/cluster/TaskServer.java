package org.matcomp.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.tensorflow.Server;

/**
 * The TensorFlow gRPC server of one task, started in this process. TF Java 1.1.0 cannot stop a server ("clean
 * shutdown is not currently implemented"): it lives as long as the process, so one task per JVM is the layout.
 */
public final class TaskServer {
  private final ClusterSpec cluster;
  private final TaskId task;
  private final Server server;

  private TaskServer(ClusterSpec cluster, TaskId task, Server server) {
    this.cluster = cluster;
    this.task = task;
    this.server = server;
  }

  /** Starts {@code task}'s server, after checking that its port is free (TF would abort the process otherwise). */
  public static TaskServer start(ClusterSpec cluster, TaskId task) {
    String address = cluster.address(task);
    int port = port(address);
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(port));
    } catch (IOException e) {
      throw new IllegalArgumentException("port " + port + " of task " + task + " (" + address + ") is in use");
    }
    Server s = new Server(cluster.serverDef(task));
    s.start();
    return new TaskServer(cluster, task, s);
  }

  /** The target a session of this process opens to run through this task. */
  public String target() {
    return "grpc://localhost:" + port(cluster.address(task));
  }

  /** Serves until the process ends. */
  public void join() {
    server.join();
  }

  /**
   * Waits until every task of {@code tasks} accepts connections, polling every 200 ms; a task that does not within
   * {@code timeout} is named in the exception. (A session to a task that is not up waits for it without end, whatever
   * its operation timeout, so this comes first.)
   */
  public static void awaitReachable(ClusterSpec cluster, List<TaskId> tasks, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (TaskId t : tasks) {
      String address = cluster.address(t);
      String host = address.substring(0, address.lastIndexOf(':'));
      while (!reachable(host, port(address))) {
        if (System.nanoTime() > deadline) {
          throw new ClusterUnavailableException("task " + t + " (" + address + ") did not come up within "
              + timeout.toSeconds() + " s");
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ClusterUnavailableException("interrupted while waiting for task " + t);
        }
      }
    }
  }

  static boolean reachable(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int port(String address) {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }
}
