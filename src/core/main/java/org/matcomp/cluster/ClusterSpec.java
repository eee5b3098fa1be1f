package org.matcomp.cluster;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.proto.ClusterDef;
import org.tensorflow.proto.JobDef;
import org.tensorflow.proto.ServerDef;

/**
 * The tasks of a TensorFlow cluster by job, as TF_CONFIG's {@code cluster} lists them: {@code ps} (the parameter
 * servers that hold the variables), {@code worker} (the replicas that train), and optionally {@code chief} (a replica
 * that also initialises, updates the compression and checkpoints; without one, worker 0 does). Every address is a
 * {@code host:port} used once.
 */
public record ClusterSpec(Map<String, List<String>> jobs) {
  public static final String PS = "ps";
  public static final String WORKER = "worker";
  public static final String CHIEF = "chief";

  public ClusterSpec {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    jobs.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    jobs = java.util.Collections.unmodifiableMap(copy);
    for (String job : jobs.keySet()) {
      if (!job.equals(PS) && !job.equals(WORKER) && !job.equals(CHIEF)) {
        throw new IllegalArgumentException("cluster job '" + job + "' is not ps, worker or chief");
      }
    }
    if (jobs.getOrDefault(PS, List.of()).isEmpty()) {
      throw new IllegalArgumentException("the cluster has no ps task: the variables need one");
    }
    if (jobs.getOrDefault(WORKER, List.of()).isEmpty() && !jobs.containsKey(CHIEF)) {
      throw new IllegalArgumentException("the cluster has no worker task");
    }
    if (jobs.getOrDefault(CHIEF, List.of()).size() > 1) {
      throw new IllegalArgumentException("the cluster names " + jobs.get(CHIEF).size() + " chiefs "
          + jobs.get(CHIEF) + ": a cluster has one");
    }
    Set<String> seen = new HashSet<>();
    jobs.forEach((job, addresses) -> {
      for (String a : addresses) {
        if (!a.matches("[^:\\s]+:\\d{1,5}")) {
          throw new IllegalArgumentException("cluster address '" + a + "' of job " + job + " is not host:port");
        }
        int port = Integer.parseInt(a.substring(a.lastIndexOf(':') + 1));
        if (port < 1 || port > 65535) {
          throw new IllegalArgumentException("cluster address '" + a + "' has port " + port + ", not in 1..65535");
        }
        if (!seen.add(a)) {
          throw new IllegalArgumentException("cluster address '" + a + "' is used by two tasks");
        }
      }
    });
  }

  /** A cluster file: {@code {"ps": [...], "worker": [...]}}, or a TF_CONFIG object whose {@code cluster} is that. */
  public static ClusterSpec read(Path file) throws IOException {
    String text = Files.readString(file);
    try {
      return fromJson(JsonParser.parseString(text), file.toString());
    } catch (JsonParseException | IllegalStateException e) {
      throw new IllegalArgumentException("cluster file " + file + " is not JSON: " + firstLine(e.getMessage()));
    }
  }

  /** The cluster of a TF_CONFIG value. */
  public static ClusterSpec fromTfConfig(String tfConfig) {
    try {
      return fromJson(JsonParser.parseString(tfConfig), "TF_CONFIG");
    } catch (JsonParseException | IllegalStateException e) {
      throw new IllegalArgumentException("TF_CONFIG is not JSON: " + firstLine(e.getMessage()));
    }
  }

  /** The task a TF_CONFIG value names ({@code "task": {"type": "worker", "index": 1}}). */
  public static TaskId taskOfTfConfig(String tfConfig) {
    try {
      JsonObject task = JsonParser.parseString(tfConfig).getAsJsonObject().getAsJsonObject("task");
      if (task == null || !task.has("type") || !task.has("index")) {
        throw new IllegalArgumentException("TF_CONFIG names no task {\"type\": ..., \"index\": ...}");
      }
      return new TaskId(task.get("type").getAsString(), task.get("index").getAsInt());
    } catch (JsonParseException | IllegalStateException | ClassCastException | UnsupportedOperationException e) {
      throw new IllegalArgumentException("TF_CONFIG's task is not {\"type\": JOB, \"index\": N}");
    }
  }

  private static ClusterSpec fromJson(JsonElement root, String source) {
    if (!root.isJsonObject()) {
      throw new IllegalArgumentException(source + " is not a JSON object of jobs");
    }
    JsonObject o = root.getAsJsonObject();
    if (o.has("cluster")) {
      if (!o.get("cluster").isJsonObject()) {
        throw new IllegalArgumentException(source + ": 'cluster' is not an object of jobs");
      }
      o = o.getAsJsonObject("cluster");
    }
    Map<String, List<String>> jobs = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : o.entrySet()) {
      if (!e.getValue().isJsonArray()) {
        throw new IllegalArgumentException(source + ": job '" + e.getKey() + "' is not a list of host:port");
      }
      List<String> addresses = new ArrayList<>();
      for (JsonElement a : (JsonArray) e.getValue()) {
        if (!a.isJsonPrimitive() || !a.getAsJsonPrimitive().isString()) {
          throw new IllegalArgumentException(source + ": job '" + e.getKey() + "' lists " + a + ", not host:port");
        }
        addresses.add(a.getAsString());
      }
      jobs.put(e.getKey(), addresses);
    }
    return new ClusterSpec(jobs);
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }

  /** {@code task}'s address, or why there is no such task. */
  public String address(TaskId task) {
    List<String> tasks = jobs.get(task.job());
    if (tasks == null) {
      throw new IllegalArgumentException("task " + task + ": the cluster has no job '" + task.job() + "' (jobs: "
          + jobs.keySet() + ")");
    }
    if (task.index() >= tasks.size()) {
      throw new IllegalArgumentException("task " + task + " is out of range: job " + task.job() + " has "
          + tasks.size() + " task" + (tasks.size() == 1 ? "" : "s") + " (0.." + (tasks.size() - 1) + ")");
    }
    return tasks.get(task.index());
  }

  /** The replica that initialises, updates the compression and checkpoints: chief 0, else worker 0. */
  public TaskId chief() {
    return jobs.containsKey(CHIEF) ? new TaskId(CHIEF, 0) : new TaskId(WORKER, 0);
  }

  /** Every replica that trains: the chief, if a job of its own, then the workers. */
  public List<TaskId> replicas() {
    List<TaskId> out = new ArrayList<>();
    if (jobs.containsKey(CHIEF)) {
      out.add(new TaskId(CHIEF, 0));
    }
    for (int i = 0; i < jobs.getOrDefault(WORKER, List.of()).size(); i++) {
      out.add(new TaskId(WORKER, i));
    }
    return out;
  }

  public List<TaskId> psTasks() {
    List<TaskId> out = new ArrayList<>();
    for (int i = 0; i < jobs.get(PS).size(); i++) {
      out.add(new TaskId(PS, i));
    }
    return out;
  }

  /** The server definition of {@code task} (gRPC). */
  public ServerDef serverDef(TaskId task) {
    address(task);
    ClusterDef.Builder c = ClusterDef.newBuilder();
    jobs.forEach((job, addresses) -> {
      JobDef.Builder j = JobDef.newBuilder().setName(job);
      for (int i = 0; i < addresses.size(); i++) {
        j.putTasks(i, addresses.get(i));
      }
      c.addJob(j);
    });
    return ServerDef.newBuilder().setCluster(c).setJobName(task.job()).setTaskIndex(task.index())
        .setProtocol("grpc").build();
  }
}
