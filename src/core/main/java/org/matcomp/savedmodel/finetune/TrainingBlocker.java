package org.matcomp.savedmodel.finetune;

import java.util.List;

/**
 * A node of the flat graph through which {@code Graph.addGradients} cannot pass: functional control flow (While, If,
 * Case) whose inputs depend on weights. TensorFlow's C++ gradients have no rule for these ops, and a loop cannot be
 * inlined, so the weights upstream of it cannot be fine-tuned from the JVM.
 *
 * @param node the flat node name
 * @param op its op type
 * @param variables the weights it depends on, directly or through its inputs
 */
public record TrainingBlocker(String node, String op, List<String> variables) {
  public TrainingBlocker {
    variables = List.copyOf(variables);
  }

  /** One sentence for an error message. */
  public String describe() {
    return "node '" + node + "' (" + op + ") depends on " + variables + ", and TensorFlow has no gradient through "
        + op;
  }
}
