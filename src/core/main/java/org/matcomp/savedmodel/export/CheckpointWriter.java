package org.matcomp.savedmodel.export;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TString;

/**
 * Writes a V2 checkpoint (prefix.index + prefix.data-00000-of-00001) of named values from a throw-away graph: one
 * placeholder per value and one SaveV2. The rewritten model then restores from it with its own saver, so it needs no
 * init ops holding the values in {@code saved_model.pb}.
 */
final class CheckpointWriter {
  private CheckpointWriter() {}

  static void write(String prefix, Map<String, TensorValue> values) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      List<String> names = new ArrayList<>(values.keySet());
      Output<?>[] feeds = new Output<?>[names.size()];
      DataType[] types = new DataType[names.size()];
      for (int i = 0; i < names.size(); i++) {
        types[i] = values.get(names.get(i)).dtype();
        feeds[i] = g.opBuilder("Placeholder", "value_" + i, g.baseScope()).setAttr("dtype", types[i]).build()
            .output(0);
      }
      try (TString prefixT = TString.scalarOf(prefix);
          TString namesT = TString.vectorOf(names.toArray(String[]::new));
          TString slicesT = TString.vectorOf(names.stream().map(n -> "").toArray(String[]::new))) {
        Output<?> p = constant(g, "prefix", prefixT);
        Output<?> n = constant(g, "names", namesT);
        Output<?> sl = constant(g, "slices", slicesT);
        GraphOperation save = g.opBuilder("SaveV2", "save", g.baseScope()).addInput(p).addInput(n).addInput(sl)
            .addInputList(feeds).setAttr("dtypes", types).build();
        Session.Runner r = s.runner().addTarget(save);
        List<Tensor> open = new ArrayList<>();
        try {
          for (int i = 0; i < names.size(); i++) {
            Tensor t = values.get(names.get(i)).toTensor();
            open.add(t);
            r.feed(feeds[i], t);
          }
          r.run().close();
        } finally {
          open.forEach(Tensor::close);
        }
      }
    }
  }

  private static Output<?> constant(Graph g, String name, Tensor value) {
    return g.opBuilder("Const", name, g.baseScope()).setAttr("value", value).setAttr("dtype", value.dataType())
        .build().output(0);
  }
}
