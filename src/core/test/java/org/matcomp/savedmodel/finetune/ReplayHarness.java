package org.matcomp.savedmodel.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.matcomp.savedmodel.export.TensorValue;
import org.matcomp.savedmodel.export.VariableReader;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/**
 * Runs a flat graph replayed into a fresh Graph — inputs and variable values fed through Placeholders — and the
 * loaded SavedModel's own signature on the same inputs.
 */
final class ReplayHarness {
  /** A fresh graph holding one replay, its placeholders, and the replay's outputs. */
  record Replayed(Graph graph, Map<String, Output<?>> inputs, Map<String, Output<?>> variables,
      Map<String, Output<?>> outputs) implements AutoCloseable {
    @Override
    public void close() {
      graph.close();
    }
  }

  private ReplayHarness() {}

  static Replayed replay(FlatGraph flat) {
    Graph g = new Graph();
    Map<String, Output<?>> inputs = new TreeMap<>();
    flat.inputs().forEach((name, tensor) -> {
      DataType t = flat.node(FlatGraph.nodeOf(tensor)).getAttrOrThrow("dtype").getType();
      inputs.put(name, placeholder(g, "feed/" + name, t));
    });
    Map<String, Output<?>> vars = new LinkedHashMap<>();
    int i = 0;
    for (FlatVariable v : flat.variables().values()) {
      vars.put(v.name(), placeholder(g, "weight/" + i++, v.variable().dtype()));
    }
    Map<String, Output<?>> outs = GraphReplay.replay(flat, g, "forward", inputs, vars);
    return new Replayed(g, inputs, vars, outs);
  }

  static Output<?> placeholder(Graph g, String name, DataType t) {
    return g.opBuilder("Placeholder", name, g.baseScope()).setAttr("dtype", t).setAttr("shape", Shape.unknown())
        .build().output(0);
  }

  static Map<String, TensorValue> weights(SavedModelBundle bundle, FlatGraph flat) {
    return VariableReader.read(bundle, flat.variables().values().stream().map(FlatVariable::variable).toList());
  }

  /** Runs {@code fetches} of a replay with signature inputs {@code feeds} and variable values {@code weights}. */
  static List<TensorValue> run(Replayed r, Map<String, TensorValue> feeds, Map<String, TensorValue> weights,
      List<Output<?>> fetches) {
    List<Tensor> owned = new ArrayList<>();
    try (Session s = new Session(r.graph())) {
      Session.Runner runner = s.runner();
      feeds.forEach((name, v) -> {
        Tensor t = v.toTensor();
        owned.add(t);
        runner.feed(r.inputs().get(name), t);
      });
      weights.forEach((name, v) -> {
        Tensor t = v.toTensor();
        owned.add(t);
        runner.feed(r.variables().get(name), t);
      });
      fetches.forEach(runner::fetch);
      List<TensorValue> out = new ArrayList<>();
      try (Result res = runner.run()) {
        for (int i = 0; i < fetches.size(); i++) {
          out.add(TensorValue.of(res.get(i)));
        }
      }
      return out;
    } finally {
      owned.forEach(Tensor::close);
    }
  }

  static Map<String, TensorValue> runOutputs(Replayed r, Map<String, TensorValue> feeds,
      Map<String, TensorValue> weights) {
    List<String> names = new ArrayList<>(r.outputs().keySet());
    List<TensorValue> values = run(r, feeds, weights, names.stream().<Output<?>>map(r.outputs()::get).toList());
    Map<String, TensorValue> out = new TreeMap<>();
    for (int i = 0; i < names.size(); i++) {
      out.put(names.get(i), values.get(i));
    }
    return out;
  }

  static Map<String, TensorValue> runBundle(SavedModelBundle bundle, String key, Map<String, TensorValue> feeds) {
    Map<String, Tensor> in = new LinkedHashMap<>();
    try {
      feeds.forEach((k, v) -> in.put(k, v.toTensor()));
      try (Result r = bundle.function(key).call(in)) {
        Map<String, TensorValue> out = new TreeMap<>();
        for (Map.Entry<String, Tensor> e : r) {
          out.put(e.getKey(), TensorValue.of(e.getValue()));
        }
        return out;
      }
    } finally {
      in.values().forEach(Tensor::close);
    }
  }

  /**
   * Asserts every output agrees entry by entry to {@code relative} of the output's largest magnitude; returns the
   * largest relative difference seen.
   */
  static double assertClose(Map<String, TensorValue> expected, Map<String, TensorValue> actual, double relative,
      String what) {
    assertEquals(expected.keySet(), actual.keySet(), what + ": output names");
    double worst = 0;
    for (String k : expected.keySet()) {
      TensorValue e = expected.get(k);
      TensorValue a = actual.get(k);
      assertArrayEquals(e.shape(), a.shape(), what + " output " + k + " shape");
      double[] x = e.asDoubles();
      double[] y = a.asDoubles();
      double scale = 0;
      for (double v : x) {
        scale = Math.max(scale, Math.abs(v));
      }
      scale = Math.max(scale, Double.MIN_NORMAL);
      for (int i = 0; i < x.length; i++) {
        double d = Math.abs(x[i] - y[i]) / scale;
        assertTrue(d <= relative, what + " output " + k + "[" + i + "]: " + y[i] + " vs the bundle's " + x[i]);
        worst = Math.max(worst, d);
      }
    }
    return worst;
  }
}
