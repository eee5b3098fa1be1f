package org.matcomp.savedmodel.finetune;

import java.util.List;
import org.matcomp.savedmodel.trace.VariableInfo;

/**
 * A variable the flattened signature reads: its node ({@code VarHandleOp} for TF2, {@code VariableV2} for TF1),
 * dtype and shape, and the flat nodes that consume it.
 *
 * @param reads nodes that read its value, which a replay substitutes: {@code ReadVariableOp} and
 *     {@code ResourceGather} (input 0) of a resource; any value consumer of a ref variable (its {@code /read}
 *     Identity, or a Conv2D that takes the ref directly)
 * @param otherUses nodes that use it otherwise (a loop or conditional handed the resource, an assignment): a replay
 *     cannot substitute a value for them
 */
public record FlatVariable(VariableInfo variable, List<String> reads, List<String> otherUses) {
  public FlatVariable {
    reads = List.copyOf(reads);
    otherUses = List.copyOf(otherUses);
  }

  public String name() {
    return variable.name();
  }

  @Override
  public String toString() {
    return variable + " read by " + reads + (otherUses.isEmpty() ? "" : ", also used by " + otherUses);
  }
}
