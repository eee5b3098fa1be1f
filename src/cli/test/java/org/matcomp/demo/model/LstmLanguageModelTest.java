package org.matcomp.demo.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.matcomp.operator.Phase;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The unrolled LSTM computes TensorFlow's BasicLSTMCell (gates i, j, f, o in that order, forget bias 0) layer over
 * layer and step after step from the given state: its logits and final states equal a double-precision host
 * computation from the same weights.
 */
class LstmLanguageModelTest {
  private static final int VOCABULARY = 7;
  private static final int UNITS = 3;
  private static final int LAYERS = 2;
  private static final int STEPS = 3;
  private static final int BATCH = 2;
  private static final int[][] WORDS = {{1, 6, 2}, {0, 3, 3}};

  @Test
  void matchesBasicLstmCellComputedOnTheHost() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      LstmLanguageModel lm = LstmLanguageModel.build(tf, VOCABULARY, UNITS, LAYERS, 5,
          (layer, matrix) -> Optional.empty());
      List<LstmLanguageModel.State> initial = new ArrayList<>();
      double[][][] c0 = new double[LAYERS][BATCH][UNITS];
      double[][][] h0 = new double[LAYERS][BATCH][UNITS];
      for (int l = 0; l < LAYERS; l++) {
        float[][] c = new float[BATCH][UNITS];
        float[][] h = new float[BATCH][UNITS];
        for (int b = 0; b < BATCH; b++) {
          for (int u = 0; u < UNITS; u++) {
            c[b][u] = 0.1f * (l + 1) * (u - b);
            h[b][u] = -0.05f * (l + 2) * (u + b);
            c0[l][b][u] = c[b][u];
            h0[l][b][u] = h[b][u];
          }
        }
        initial.add(new LstmLanguageModel.State(tf.constant(c), tf.constant(h)));
      }
      LstmLanguageModel.Forward f = lm.forward(tf, tf.constant(WORDS), STEPS, initial, Phase.DENSE);
      try (Session s = new Session(g)) {
        s.initialize();
        double[][] embedding = matrix(s, g, "embedding", VOCABULARY, UNITS);
        double[][][] kernels = new double[LAYERS][][];
        double[][] biases = new double[LAYERS][];
        for (int l = 0; l < LAYERS; l++) {
          kernels[l] = matrix(s, g, "lstm" + (l + 1) + "_kernel", 2 * UNITS, 4 * UNITS);
          biases[l] = matrix(s, g, "lstm" + (l + 1) + "_bias", 1, 4 * UNITS)[0];
        }
        double[][] softmax = matrix(s, g, "softmax_kernel", UNITS, VOCABULARY);
        double[] softmaxBias = matrix(s, g, "softmax_bias", 1, VOCABULARY)[0];

        double[][] logits = new double[BATCH * STEPS][VOCABULARY];
        for (int b = 0; b < BATCH; b++) {
          double[][] c = new double[LAYERS][];
          double[][] h = new double[LAYERS][];
          for (int l = 0; l < LAYERS; l++) {
            c[l] = c0[l][b].clone();
            h[l] = h0[l][b].clone();
          }
          for (int t = 0; t < STEPS; t++) {
            double[] x = embedding[WORDS[b][t]];
            for (int l = 0; l < LAYERS; l++) {
              double[] z = biases[l].clone();
              for (int k = 0; k < 4 * UNITS; k++) {
                for (int i = 0; i < UNITS; i++) {
                  z[k] += x[i] * kernels[l][i][k] + h[l][i] * kernels[l][UNITS + i][k];
                }
              }
              for (int u = 0; u < UNITS; u++) {
                c[l][u] = c[l][u] * sigmoid(z[2 * UNITS + u]) + sigmoid(z[u]) * Math.tanh(z[UNITS + u]);
                h[l][u] = Math.tanh(c[l][u]) * sigmoid(z[3 * UNITS + u]);
              }
              x = h[l];
            }
            for (int v = 0; v < VOCABULARY; v++) {
              double sum = softmaxBias[v];
              for (int u = 0; u < UNITS; u++) {
                sum += x[u] * softmax[u][v];
              }
              logits[b * STEPS + t][v] = sum;
            }
          }
          for (int l = 0; l < LAYERS; l++) {
            assertClose(c[l], fetch(s, f.finalStates().get(l).c(), BATCH, UNITS)[b], "c of layer " + (l + 1));
            assertClose(h[l], fetch(s, f.finalStates().get(l).h(), BATCH, UNITS)[b], "h of layer " + (l + 1));
          }
        }
        double[][] got = fetch(s, f.logits(), BATCH * STEPS, VOCABULARY);
        for (int r = 0; r < logits.length; r++) {
          assertClose(logits[r], got[r], "logits row " + r);
        }
      }
    }
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  private static void assertClose(double[] want, double[] got, String what) {
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], 1e-5, what + " [" + i + "]");
    }
  }

  private static double[][] matrix(Session s, Graph g, String variable, int rows, int cols) {
    return fetch(s, g.operation(variable).output(0), rows, cols);
  }

  private static double[][] fetch(Session s, org.tensorflow.Operand<?> op, int rows, int cols) {
    float[] v = new float[rows * cols];
    try (var r = s.runner().fetch(op).run()) {
      ((TFloat32) r.get(0)).copyTo(DataBuffers.of(v, false, false));
    }
    double[][] out = new double[rows][cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        out[i][j] = v[i * cols + j];
      }
    }
    return out;
  }
}
