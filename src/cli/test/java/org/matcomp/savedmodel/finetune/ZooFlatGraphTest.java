package org.matcomp.savedmodel.finetune;

import org.junit.jupiter.api.Test;
import org.matcomp.python.Zoo;

/**
 * The flat graph and its replay on the Python zoo's models, which this module's tests build: feed-forward models
 * replay exactly like their own signature call, recurrent ones are refused naming their loop. The checks themselves
 * live beside the other replay tests in the core module.
 */
class ZooFlatGraphTest {
  private static void replays(String name) throws Exception {
    Zoo.Model m = Zoo.model(name);
    GraphReplayTest.replaysLikeTheBundle(m.dir(), m.sample());
  }

  @Test
  void mlpReplays() throws Exception {
    replays("mlp");
  }

  @Test
  void cnnReplays() throws Exception {
    replays("cnn");
  }

  @Test
  void conv1dReplays() throws Exception {
    replays("conv1d");
  }

  @Test
  void transformerReplays() throws Exception {
    replays("transformer");
  }

  @Test
  void lstmIsBlockedByItsWhileLoop() throws Exception {
    FunctionInlinerTest.recurrentModelIsBlockedByItsLoop(Zoo.model("lstm").dir());
  }

  @Test
  void gruIsBlockedByItsWhileLoop() throws Exception {
    FunctionInlinerTest.recurrentModelIsBlockedByItsLoop(Zoo.model("gru").dir());
  }
}
