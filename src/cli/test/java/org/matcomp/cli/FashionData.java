package org.matcomp.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.matcomp.data.Dataset;
import org.matcomp.io.Npy;
import org.matcomp.io.NpyArray;

/** Fashion-MNIST examples written as a finetune DATA directory, for the tests that fine-tune the zoo MLP. */
final class FashionData {
  private FashionData() {}

  /** The first {@code n} examples of {@code d} in {@code dir/name}: pixels.npy [n, 28, 28] in [0, 1], labels.npy. */
  static Path write(Path dir, String name, Dataset d, int n) throws Exception {
    Path out = Files.createDirectories(dir.resolve(name));
    Dataset h = d.head(n);
    Npy.write(out.resolve("pixels.npy"), NpyArray.ofFloats(new long[] {n, 28, 28}, h.copyFeatures()));
    Npy.write(out.resolve("labels.npy"), NpyArray.ofInts(new long[] {n}, h.copyLabels()));
    return out;
  }
}
