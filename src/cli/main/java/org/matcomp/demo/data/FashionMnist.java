package org.matcomp.demo.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.matcomp.data.Dataset;

/**
 * Fashion-MNIST (Xiao et al. 2017): 60000 training and 10000 test 28×28 grey images in 10 classes, as Debian's
 * dataset-fashion-mnist package installs them. Pixels are scaled to [0, 1].
 */
public final class FashionMnist {
  /** Where dataset-fashion-mnist installs the four IDX files. */
  public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
  public static final int IMAGE_SIDE = 28;
  public static final int FEATURES = IMAGE_SIDE * IMAGE_SIDE;
  public static final int CLASSES = 10;

  private final Dataset train;
  private final Dataset test;

  private FashionMnist(Dataset train, Dataset test) {
    this.train = train;
    this.test = test;
  }

  /** Both splits from {@link #DEFAULT_DIR}. */
  public static FashionMnist load() throws IOException {
    return load(DEFAULT_DIR);
  }

  /** Both splits from {@code dir}, which holds the four gzipped IDX files under their upstream names. */
  public static FashionMnist load(Path dir) throws IOException {
    return new FashionMnist(train(dir), test(dir));
  }

  /** Only the 60000 training examples, for callers that do not need the test split in memory. */
  public static Dataset train(Path dir) throws IOException {
    return split(dir, "train");
  }

  /** Only the 10000 test examples. */
  public static Dataset test(Path dir) throws IOException {
    return split(dir, "t10k");
  }

  /**
   * The first {@code n} examples of {@code d} (all if fewer) as a {@code finetune} DATA directory {@code dir/name}:
   * pixels.npy float32 [n, 28, 28] in [0, 1] and labels.npy.
   */
  public static Path writeFinetuneData(Path dir, String name, Dataset d, int n) throws IOException {
    Path out = Files.createDirectories(dir.resolve(name));
    int m = Math.min(n, d.n());
    Dataset h = d.head(m);
    org.matcomp.io.Npy.write(out.resolve("pixels.npy"), org.matcomp.io.NpyArray.ofFloats(
        new long[] {m, IMAGE_SIDE, IMAGE_SIDE}, h.copyFeatures()));
    org.matcomp.io.Npy.write(out.resolve("labels.npy"), org.matcomp.io.NpyArray.ofInts(new long[] {m},
        h.copyLabels()));
    return out;
  }

  public Dataset train() {
    return train;
  }

  public Dataset test() {
    return test;
  }

  private static Dataset split(Path dir, String prefix) throws IOException {
    Path images = dir.resolve(prefix + "-images-idx3-ubyte.gz");
    Path labels = dir.resolve(prefix + "-labels-idx1-ubyte.gz");
    for (Path p : new Path[] {images, labels}) {
      if (!Files.isRegularFile(p)) {
        throw new NoSuchFileException(p.toString(), null, "Fashion-MNIST file missing; install it with "
            + "`apt-get install -y dataset-fashion-mnist` (files go to " + DEFAULT_DIR + ")");
      }
    }
    Dataset d = IdxReader.readDataset(images, labels, 255f);
    if (d.featureCount() != FEATURES) {
      throw new IOException(images + ": images have " + d.featureCount() + " pixels, Fashion-MNIST has " + FEATURES);
    }
    return d;
  }

  @Override
  public String toString() {
    return "FashionMnist[train=" + train + ", test=" + test + "]";
  }
}
