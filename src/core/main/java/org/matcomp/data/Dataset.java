package org.matcomp.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkElementIndex;

/**
 * An immutable labelled dataset: n examples of featureCount features each, stored row-major in one flat float[]
 * (example i occupies [i·featureCount, (i+1)·featureCount)), and one int label per example.
 *
 * <p>The features are never handed out by reference: training code copies mini-batches with {@link #copyBatch},
 * which is cheap next to a training step and keeps a 188 MB Fashion-MNIST array from being mutated by accident.
 */
public final class Dataset {
  private final float[] features;
  private final int[] labels;
  private final int n;
  private final int featureCount;

  private Dataset(float[] features, int[] labels, int n, int featureCount) {
    this.features = features;
    this.labels = labels;
    this.n = n;
    this.featureCount = featureCount;
  }

  /** Copies both arrays. */
  public static Dataset of(float[] features, int[] labels, int featureCount) {
    return adopt(features.clone(), labels.clone(), featureCount);
  }

  /** Takes ownership of freshly built arrays without copying: the caller must not touch them afterwards. */
  public static Dataset adopt(float[] features, int[] labels, int featureCount) {
    checkArgument(featureCount > 0, "featureCount=%s must be positive", featureCount);
    checkArgument((long) labels.length * featureCount == features.length,
        "%s labels × %s features need %s feature values, got %s", labels.length, featureCount,
        (long) labels.length * featureCount, features.length);
    return new Dataset(features, labels, labels.length, featureCount);
  }

  /** Number of examples. */
  public int n() {
    return n;
  }

  public int featureCount() {
    return featureCount;
  }

  public float feature(int example, int feature) {
    checkElementIndex(example, n, "example");
    checkElementIndex(feature, featureCount, "feature");
    return features[example * featureCount + feature];
  }

  public int label(int example) {
    checkElementIndex(example, n, "example");
    return labels[example];
  }

  /** A fresh n×featureCount row-major copy of the features. */
  public float[] copyFeatures() {
    return features.clone();
  }

  public int[] copyLabels() {
    return labels.clone();
  }

  /**
   * Copies the examples at {@code indices} into the first indices.length rows of {@code features} and entries of
   * {@code labels}, so a training loop can reuse its batch buffers.
   */
  public void copyBatch(int[] indices, float[] features, int[] labels) {
    checkArgument(features.length >= (long) indices.length * featureCount,
        "batch of %s needs %s feature slots, buffer has %s", indices.length, (long) indices.length * featureCount,
        features.length);
    checkArgument(labels.length >= indices.length, "batch of %s needs %s label slots, buffer has %s",
        indices.length, indices.length, labels.length);
    for (int b = 0; b < indices.length; b++) {
      int i = indices[b];
      checkElementIndex(i, n, "batch example");
      System.arraycopy(this.features, i * featureCount, features, b * featureCount, featureCount);
      labels[b] = this.labels[i];
    }
  }

  /** The first {@code count} examples, e.g. for quick experiments on a slice of the training set. */
  public Dataset head(int count) {
    checkArgument(count >= 0 && count <= n, "head(%s) of a dataset with %s examples", count, n);
    float[] f = new float[count * featureCount];
    System.arraycopy(features, 0, f, 0, f.length);
    int[] l = new int[count];
    System.arraycopy(labels, 0, l, 0, count);
    return new Dataset(f, l, count, featureCount);
  }

  /** Every feature multiplied by {@code factor}, e.g. 1/255 to bring raw pixels to [0, 1]. */
  public Dataset scaled(float factor) {
    checkArgument(Float.isFinite(factor), "scale factor %s must be finite", factor);
    float[] f = new float[features.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = features[i] * factor;
    }
    return new Dataset(f, labels.clone(), n, featureCount);
  }

  /** How many examples carry each label 0..numClasses-1; throws if a label falls outside that range. */
  public int[] labelCounts(int numClasses) {
    checkArgument(numClasses > 0, "numClasses=%s must be positive", numClasses);
    int[] counts = new int[numClasses];
    for (int i = 0; i < n; i++) {
      checkArgument(labels[i] >= 0 && labels[i] < numClasses, "example %s has label %s outside [0, %s)", i,
          labels[i], numClasses);
      counts[labels[i]]++;
    }
    return counts;
  }

  @Override
  public String toString() {
    return "Dataset[n=" + n + ", featureCount=" + featureCount + "]";
  }
}
