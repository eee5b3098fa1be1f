package org.matcomp.cluster;

import java.util.Objects;

/** One task of a cluster: its job ({@code ps}, {@code worker} or {@code chief}) and its index in that job. */
public record TaskId(String job, int index) {
  public TaskId {
    Objects.requireNonNull(job, "job");
    if (index < 0) {
      throw new IllegalArgumentException("task index " + index + " is negative");
    }
  }

  /** {@code N} (worker N) or {@code JOB:N}. */
  public static TaskId parse(String s) {
    String job = "worker";
    String index = s.strip();
    int colon = index.indexOf(':');
    if (colon >= 0) {
      job = index.substring(0, colon);
      index = index.substring(colon + 1);
    }
    try {
      return new TaskId(job, Integer.parseInt(index));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--task '" + s + "' is not N or JOB:N (e.g. 1, ps:0, chief:0)");
    }
  }

  /** The device prefix of this task's CPU, as placement and device filters name it. */
  public String device() {
    return "/job:" + job + "/replica:0/task:" + index;
  }

  @Override
  public String toString() {
    return job + ":" + index;
  }
}
