package org.matcomp.operator;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.TensorFlow;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Merge;
import org.tensorflow.op.core.SwitchCond;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * Java gradients for TF1 control flow, {@code Switch} and {@code Merge}, which TensorFlow's C++ gradient registry
 * lacks. They are the rules of TF1's {@code cond} (Python's {@code _SwitchGrad} and {@code _MergeGrad} in a cond
 * context):
 *
 * <ul>
 *   <li>Merge forwarded input {@code value_index}; input i gets {@code Switch(dy, value_index == i).true}, which is
 *       live only for the input that was taken.
 *   <li>Switch sent its input to one output; the input gets {@code Merge(dy_false, dy_true)}, which is live whenever
 *       the Switch ran. When only one output has a consumer, TF's gradient builder passes {@code ZerosLike} of the
 *       other output, which is live exactly when that branch was taken, so the Merge yields zeros there. The
 *       predicate gets a never-consumed {@code ZerosLike} (a Java gradient cannot say "no gradient").
 * </ul>
 *
 * <p>Registrations are process-global and cannot replace C++ gradients; TF's builder never calls these for the
 * Switch and Merge nodes of a TF1 while loop (it differentiates loops from their Exit nodes), so they only change
 * graphs whose cond-style Switch/Merge used to fail with "No gradient defined".
 */
public final class ControlFlowGradients {
  private static final Logger LOG = Logger.getLogger(ControlFlowGradients.class.getName());
  private static boolean done;

  private ControlFlowGradients() {}

  /**
   * Registers both gradients unless this process already has gradients for these op types (from an earlier call,
   * or from another library, in which case that one stays in force and a warning is logged).
   */
  public static synchronized void ensureRegistered() {
    if (done) {
      return;
    }
    register("Switch", ControlFlowGradients::switchGradient);
    register("Merge", ControlFlowGradients::mergeGradient);
    done = true;
  }

  private static void register(String opType, org.tensorflow.op.RawCustomGradient gradient) {
    if (!TensorFlow.registerCustomGradient(opType, gradient)) {
      LOG.warning("a gradient for " + opType + " was already registered in this process; keeping it (matcomp's"
          + " phase gate assumes TF1 cond semantics)");
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static List<Operand<?>> switchGradient(Ops tf, GraphOperation op, List<Output<?>> dy) {
    Merge<?> merged = tf.merge((List) List.of(dy.get(0), dy.get(1)));
    return List.of(merged.output(), tf.zerosLike((Operand) op.input(1)));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static List<Operand<?>> mergeGradient(Ops tf, GraphOperation op, List<Output<?>> dy) {
    Output<TInt32> taken = op.output(1);
    int n = op.numInputs(); // not inputs(): it looks ops up by name under the graph lock TF_AddGradients holds
    List<Operand<?>> dx = new ArrayList<>(n);
    if (n == 2) {
      SwitchCond<?> s = tf.switchCond((Operand) dy.get(0), tf.math.equal(taken, tf.constant(1)));
      dx.add(s.outputFalse());
      dx.add(s.outputTrue());
      return dx;
    }
    for (int i = 0; i < n; i++) {
      dx.add(tf.switchCond((Operand<TType>) dy.get(0), tf.math.equal(taken, tf.constant(i))).outputTrue());
    }
    return dx;
  }
}
