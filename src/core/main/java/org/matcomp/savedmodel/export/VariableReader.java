package org.matcomp.savedmodel.export;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.matcomp.savedmodel.trace.SavedModelDirectory;
import org.matcomp.savedmodel.trace.VariableInfo;

/**
 * Reads variable values out of a loaded model's session: a ref variable by fetching it, a resource variable through a
 * ReadVariableOp added to the loaded graph (added ops never reach the export, which is built from protos).
 */
public final class VariableReader {
  private VariableReader() {}

  public static Map<String, TensorValue> read(SavedModelBundle bundle, Collection<VariableInfo> variables) {
    Map<String, TensorValue> out = new LinkedHashMap<>();
    if (variables.isEmpty()) {
      return out;
    }
    Graph g = bundle.graph();
    Session.Runner runner = bundle.session().runner();
    List<VariableInfo> vars = List.copyOf(variables);
    int serial = 0;
    for (VariableInfo v : vars) {
      checkArgument(TensorValue.supports(v.dtype()), "variable %s has dtype %s, which matcomp cannot copy", v.name(),
          v.dtype());
      GraphOperation op = g.operation(v.name());
      checkArgument(op != null, "variable %s is not in the loaded graph", v.name());
      if (v.isResource()) {
        String readName;
        do {
          readName = "matcomp_read_" + serial++;
        } while (g.operation(readName) != null);
        GraphOperation read = g.opBuilder("ReadVariableOp", readName, g.baseScope())
            .addInput(op.output(0)).setAttr("dtype", v.dtype()).build();
        runner.fetch(read.output(0));
      } else {
        runner.fetch(op.output(0));
      }
    }
    try (Result r = runner.run()) {
      for (int i = 0; i < vars.size(); i++) {
        out.put(vars.get(i).name(), TensorValue.of(r.get(i)));
      }
    } catch (TensorFlowException e) {
      throw new IllegalArgumentException("cannot read the model's variables: "
          + SavedModelDirectory.firstLine(e.getMessage()));
    }
    return out;
  }
}
