package org.matcomp.data;

import java.io.IOException;
import java.nio.file.Path;
import org.matcomp.io.Npy;
import org.matcomp.io.NpyArray;

/**
 * The 115 mnist-tiny digits as the two files {@code compress --inputs --labels} reads: {@code digits.npy}
 * (float32 [115, 784], the pixels times {@code scale}; the Keras MLP was trained on pixels / 255, the TF1 CNN on raw
 * pixels) and {@code labels.npy} (int32 [115]). A test fixture: matcomp's own interface knows no data set.
 */
public final class MnistTinyNpy {
  /** The two files written. */
  public record Labelled(Path inputs, Path labels) {}

  private MnistTinyNpy() {}

  public static Labelled write(Path dir, float scale) throws IOException {
    Dataset d = MnistTinyText.read(MnistTinyText.DEFAULT_PATH).scaled(scale);
    Labelled f = new Labelled(dir.resolve("digits.npy"), dir.resolve("labels.npy"));
    Npy.write(f.inputs(), NpyArray.ofFloats(new long[] {d.n(), d.featureCount()}, d.copyFeatures()));
    Npy.write(f.labels(), NpyArray.ofInts(new long[] {d.n()}, d.copyLabels()));
    return f;
  }
}
