package org.matcomp.cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.DeviceSpec;
import org.tensorflow.op.Ops;

/**
 * Where the variables live: in this process (one machine), or on the parameter servers, each variable whole on one
 * ps task — the largest first, each to the task holding the fewest bytes so far, so big embeddings spread out — with
 * a matrix's factors, α and step beside it, and the trainer's own state (the step, the optimizer's powers) on ps 0.
 * Every replica computes the same placement from the same variables, which is what makes them share them.
 */
public final class VariablePlacement {
  private static final VariablePlacement LOCAL = new VariablePlacement(Map.of(), null);

  private final Map<String, DeviceSpec> devices;
  private final DeviceSpec shared;

  private VariablePlacement(Map<String, DeviceSpec> devices, DeviceSpec shared) {
    this.devices = devices;
    this.shared = shared;
  }

  /** Every variable in this process. */
  public static VariablePlacement local() {
    return LOCAL;
  }

  /** {@code bytes}: each variable group's size by name (a matrix's name stands for it and its operator's state). */
  public static VariablePlacement onParameterServers(ClusterSpec cluster, Map<String, Long> bytes) {
    List<TaskId> ps = cluster.psTasks();
    long[] load = new long[ps.size()];
    List<Map.Entry<String, Long>> bySize = new ArrayList<>(bytes.entrySet());
    bySize.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
        .thenComparing(Map.Entry.comparingByKey()));
    Map<String, DeviceSpec> devices = new LinkedHashMap<>();
    for (Map.Entry<String, Long> e : bySize) {
      int least = 0;
      for (int i = 1; i < load.length; i++) {
        if (load[i] < load[least]) {
          least = i;
        }
      }
      load[least] += e.getValue();
      devices.put(e.getKey(), device(ps.get(least)));
    }
    return new VariablePlacement(devices, device(ps.get(0)));
  }

  private static DeviceSpec device(TaskId t) {
    return DeviceSpec.newBuilder().job(t.job()).replica(0).task(t.index()).build();
  }

  public boolean isLocal() {
    return shared == null;
  }

  /** {@code tf} placing what it builds with variable group {@code name}. */
  public Ops forVariable(Ops tf, String name) {
    if (isLocal()) {
      return tf;
    }
    DeviceSpec d = devices.get(name);
    if (d == null) {
      throw new IllegalArgumentException("no placement for variable " + name);
    }
    return tf.withDevice(d);
  }

  /** {@code tf} placing the trainer's own state (global step, optimizer powers). */
  public Ops forTrainerState(Ops tf) {
    return isLocal() ? tf : tf.withDevice(shared);
  }

  /** The ps task of variable group {@code name} ({@code job:index}), for reports. */
  public String taskOf(String name) {
    DeviceSpec d = devices.get(name);
    return d == null ? "local" : d.job() + ":" + d.task();
  }
}
