package org.matcomp.compressor.dictionary;

import com.google.common.base.MoreObjects;
import java.util.Arrays;

/**
 * A learned dictionary (atoms × dim, unit-norm rows) with the code of the training rows and the objective
 * ‖X − Z·D‖²_F after each iteration. Immutable: arrays are copied out.
 */
public final class DictionaryLearningResult {
  private final int atoms;
  private final int dim;
  private final float[] dictionary;
  private final SparseCode code;
  private final double initialObjective;
  private final double[] objectives;
  private final int revertedSteps;
  private final int replacedAtoms;
  private final double relativeError;

  DictionaryLearningResult(int atoms, int dim, float[] dictionary, SparseCode code, double initialObjective,
      double[] objectives, int revertedSteps, int replacedAtoms, double relativeError) {
    this.atoms = atoms;
    this.dim = dim;
    this.dictionary = dictionary;
    this.code = code;
    this.initialObjective = initialObjective;
    this.objectives = objectives;
    this.revertedSteps = revertedSteps;
    this.replacedAtoms = replacedAtoms;
    this.relativeError = relativeError;
  }

  public int atoms() {
    return atoms;
  }

  public int dim() {
    return dim;
  }

  /** atoms × dim, row-major, atoms as rows (scikit-learn's {@code components_}). */
  public float[] dictionary() {
    return dictionary.clone();
  }

  public SparseCode code() {
    return code;
  }

  /** ‖X‖²_F: the objective of the empty code, before the first iteration. */
  public double initialObjective() {
    return initialObjective;
  }

  /**
   * ‖X − Z·D‖²_F after each iteration (coding + dictionary update), non-increasing by construction: a step that
   * would raise it is undone. Computed by the Gram identity in double.
   */
  public double[] objectives() {
    return objectives.clone();
  }

  public int iterations() {
    return objectives.length;
  }

  /** Dictionary updates undone because they would have raised the objective (round-off or a singular system). */
  public int revertedSteps() {
    return revertedSteps;
  }

  /** Unused atoms replaced by residual directions, summed over iterations. */
  public int replacedAtoms() {
    return replacedAtoms;
  }

  /** ‖X − Z·D‖_F / ‖X‖_F of the returned code and dictionary, computed exactly row by row. */
  public double relativeError() {
    return relativeError;
  }

  @Override
  public String toString() {
    return MoreObjects.toStringHelper(this)
        .add("atoms", atoms)
        .add("dim", dim)
        .add("rows", code.rows())
        .add("nonzeros", code.width())
        .add("relativeError", relativeError)
        .add("objectives", Arrays.toString(objectives))
        .add("reverted", revertedSteps)
        .add("replacedAtoms", replacedAtoms)
        .toString();
  }
}
