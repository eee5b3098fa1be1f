package org.matcomp.savedmodel.autoplan;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.matcomp.savedmodel.export.TensorValue;
import org.matcomp.savedmodel.finetune.Loss;
import org.matcomp.savedmodel.finetune.TrainingData;
import org.matcomp.savedmodel.trace.SavedModelDirectory;
import org.matcomp.savedmodel.trace.VariableInfo;
import org.matcomp.savedmodel.trace.WeightMatrix;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.proto.DataType;

/**
 * The loaded original model as a measuring instrument: its weight matrices can be swapped for other values (an
 * assign op beside each variable, added to the loaded graph only — the export is built from protos) and its metric
 * measured on evaluation data, on the host from the signature's output: accuracy in percent for class labels, mean
 * squared error for regression.
 */
final class ModelProbe implements AutoCloseable {
  private final SavedModelBundle bundle;
  private final String signature;
  private final String output;
  private final Loss.Kind loss;
  private final Map<String, GraphOperation> placeholders = new HashMap<>();
  private final Map<String, GraphOperation> assigns = new HashMap<>();
  private int serial;

  ModelProbe(SavedModelDirectory dir, String signature, String output, Loss.Kind loss) {
    this.bundle = dir.load();
    this.signature = signature;
    this.output = output;
    this.loss = loss;
  }

  SavedModelBundle bundle() {
    return bundle;
  }

  /** Replaces matrix {@code m}'s variable by {@code matrix} (row-major, m's matrix view). */
  void set(WeightMatrix m, float[] matrix) {
    VariableInfo v = m.variable();
    GraphOperation assign = assigns.computeIfAbsent(v.name(), n -> assignOp(v));
    TensorValue value = TensorValue.ofFloats(v.shape(), m.variableValues(matrix));
    try (Tensor t = value.toTensor()) {
      bundle.session().runner().feed(placeholders.get(v.name()).output(0), t).addTarget(assign).run();
    }
  }

  private GraphOperation assignOp(VariableInfo v) {
    if (v.dtype() != DataType.DT_FLOAT) {
      throw new IllegalArgumentException("variable " + v.name() + " is " + v.dtype() + ", not float32");
    }
    Graph g = bundle.graph();
    GraphOperation var = g.operation(v.name());
    GraphOperation value = g.opBuilder("Placeholder", fresh(g, "matcomp_probe_value"), g.baseScope())
        .setAttr("dtype", DataType.DT_FLOAT).build();
    placeholders.put(v.name(), value);
    if (v.isResource()) {
      return g.opBuilder("AssignVariableOp", fresh(g, "matcomp_probe_assign"), g.baseScope())
          .addInput(var.output(0)).addInput(value.output(0)).setAttr("dtype", DataType.DT_FLOAT).build();
    }
    return g.opBuilder("Assign", fresh(g, "matcomp_probe_assign"), g.baseScope())
        .addInput(var.output(0)).addInput(value.output(0)).build();
  }

  private String fresh(Graph g, String prefix) {
    String name;
    do {
      name = prefix + "_" + serial++;
    } while (g.operation(name) != null);
    return name;
  }

  /** The metric over {@code batches}: accuracy in percent, or the mean squared error. */
  double metric(List<TrainingData.Batch> batches) {
    double sum = 0;
    long count = 0;
    for (TrainingData.Batch b : batches) {
      Map<String, Tensor> feeds = new LinkedHashMap<>();
      try {
        b.inputs().forEach((k, v) -> feeds.put(k, v.toTensor()));
        try (Result r = bundle.function(signature).call(feeds)) {
          double[] out = TensorValue.of(r.get(output).orElseThrow()).asDoubles();
          double[] labels = b.labels().asDoubles();
          int n = b.size();
          if (loss == Loss.Kind.MSE) {
            for (int i = 0; i < out.length; i++) {
              sum += (out[i] - labels[i]) * (out[i] - labels[i]);
            }
            count += out.length;
          } else {
            int classes = out.length / n;
            for (int i = 0; i < n; i++) {
              int want = loss == Loss.Kind.SPARSE_CATEGORICAL ? (int) labels[i] : argMax(labels, i * classes, classes);
              sum += argMax(out, i * classes, classes) == want ? 100 : 0;
            }
            count += n;
          }
        }
      } catch (TensorFlowException e) {
        throw new IllegalStateException("the model fails to run signature " + signature + ": "
            + SavedModelDirectory.firstLine(e.getMessage()), e);
      } finally {
        feeds.values().forEach(Tensor::close);
      }
    }
    return sum / count;
  }

  private static int argMax(double[] v, int from, int n) {
    int best = 0;
    for (int c = 1; c < n; c++) {
      if (v[from + c] > v[from + best]) {
        best = c;
      }
    }
    return best;
  }

  @Override
  public void close() {
    bundle.close();
  }
}
