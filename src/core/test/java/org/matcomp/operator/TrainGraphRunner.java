package org.matcomp.operator;

import org.matcomp.hostcallback.NativeLibrary;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Run in a fresh JVM by {@link ExportedTrainingGraphTest}: loads an exported training graph, re-registers its update
 * callbacks, runs only its train op, and prints one line per step: step, α, last update step, ‖B⊗C‖ proxy.
 */
public final class TrainGraphRunner {
  public static void main(String[] args) {
    NativeLibrary.load(); // the graph may hold MatcompHostCallback nodes: the op must exist before loading
    try (SavedModelBundle b = SavedModelBundle.load(args[0], "serve")) {
      Graph g = b.graph();
      System.out.println("registered " + GraphUpdates.registerCallbacks(g).size());
      Session s = b.session();
      int steps = Integer.parseInt(args[1]);
      for (int i = 0; i < steps; i++) {
        s.runner().addTarget(args[2]).run().close();
        try (var r = s.runner().fetch(args[3]).fetch(args[4]).fetch(args[5]).run()) {
          System.out.println("step " + i + " alpha " + ((TFloat32) r.get(0)).getFloat() + " last "
              + ((TInt64) r.get(1)).getLong() + " factor0 " + ((TFloat32) r.get(2)).getFloat(0, 0));
        }
      }
    }
  }
}
