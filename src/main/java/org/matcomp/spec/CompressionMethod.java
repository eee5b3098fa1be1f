package org.matcomp.spec;

import java.util.Arrays;
import java.util.OptionalInt;

/**
 * The product rules matcomp knows, with graph_compression's {@code compression_option} code where the
 * reference has one. Pruning lives in the reference's separate model_pruning library, so it has no code.
 */
public enum CompressionMethod {
  NONE("none", -1),
  LOWRANK("lowrank", 1),
  SIMHASH("simhash", 2),
  DICTIONARY("dictionary", 3),
  KMEANS("kmeans", 4),
  KMEANS_PRUNE("kmeans-prune", 8),
  INPUT_OUTPUT("input-output", 9),
  BLOCK("block", 10),
  MIXED_BLOCK("mixed-block", 12),
  PRUNE("prune", -1);

  private final String cliName;
  private final int optionCode;

  CompressionMethod(String cliName, int optionCode) {
    this.cliName = cliName;
    this.optionCode = optionCode;
  }

  /** The name used on the command line and in JSON reports. */
  public String cliName() {
    return cliName;
  }

  /** graph_compression's {@code compression_option}, if the reference has this method. */
  public OptionalInt optionCode() {
    return optionCode < 0 ? OptionalInt.empty() : OptionalInt.of(optionCode);
  }

  public static CompressionMethod fromOptionCode(int code) {
    return Arrays.stream(values())
        .filter(m -> m.optionCode >= 0 && m.optionCode == code) // -1 marks "no code", it is not one
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(
            "compression_option=" + code + " is not one of 1 (low-rank), 2 (simhash), 3 (dictionary learning),"
                + " 4 (k-means), 8 (k-means+pruning), 9 (input/output), 10 (block), 12 (mixed block)"));
  }

  public static CompressionMethod fromCliName(String name) {
    return Arrays.stream(values())
        .filter(m -> m.cliName.equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown method '" + name + "'; expected one of "
            + Arrays.stream(values()).map(CompressionMethod::cliName).toList()));
  }

  @Override
  public String toString() {
    return cliName;
  }
}
