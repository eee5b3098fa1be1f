package org.matcomp.savedmodel.finetune;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.matcomp.io.Npy;
import org.matcomp.io.NpyArray;
import org.matcomp.io.Npz;
import org.matcomp.savedmodel.export.NpyFeeds;
import org.matcomp.savedmodel.export.TensorValue;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;

/**
 * The examples finetune trains or evaluates on ({@code --train}, {@code --eval}): one array per signature input,
 * named as the input, plus {@code labels}, all checked against the signature, the trained output and the loss before
 * any training starts, so a bad file costs a one-line refusal rather than a crash (or silent nonsense) an hour in.
 *
 * <p>The data is a .npz (numpy.savez / savez_compressed) or a directory of {@code <name>.npy} files (other files in
 * it are ignored). Inputs convert as compress's {@code --inputs} do ({@link NpyFeeds}): float64 rounds to float32,
 * integers widen, nothing else converts. Arrays that no input is named as are refused, a guard against typos that
 * would otherwise leave an input unfed.
 *
 * <p>Every refusal is an IllegalArgumentException on one line naming the array at fault; an unreadable or malformed
 * file stays an IOException naming it.
 */
public final class TrainingData {
  /** The name of the array holding the targets. */
  public static final String LABELS = "labels";

  /**
   * Examples {@code examples} (indices into the data, in batch order): the feed of every signature input by name,
   * and the labels as the loss takes them.
   */
  public record Batch(Map<String, TensorValue> inputs, TensorValue labels, int[] examples) {
    public Batch {
      inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
      examples = examples.clone();
    }

    @Override
    public int[] examples() {
      return examples.clone();
    }

    public int size() {
      return examples.length;
    }
  }

  private final Map<String, TensorValue> inputs;
  private final TensorValue labels;
  private final int examples;
  /** Batch sizes the signature fixes (a known first dimension), by input: batches must have exactly that size. */
  private final Map<String, Long> fixedBatch;

  private TrainingData(Map<String, TensorValue> inputs, TensorValue labels, int examples,
      Map<String, Long> fixedBatch) {
    this.inputs = inputs;
    this.labels = labels;
    this.examples = examples;
    this.fixedBatch = fixedBatch;
  }

  /** Reads and checks {@code data}, a .npz file or a directory of .npy files. */
  public static TrainingData read(Path data, SignatureDef signature, TrainedOutput output, Loss loss)
      throws IOException {
    Map<String, NpyArray> arrays = new LinkedHashMap<>();
    Map<String, String> names = new LinkedHashMap<>();
    if (Files.isDirectory(data)) {
      List<Path> files;
      try (Stream<Path> s = Files.list(data)) {
        files = s.filter(p -> p.getFileName().toString().endsWith(".npy")).sorted().toList();
      }
      for (Path p : files) {
        String name = p.getFileName().toString();
        name = name.substring(0, name.length() - ".npy".length());
        arrays.put(name, Npy.read(p));
        names.put(name, p.toString());
      }
    } else {
      arrays.putAll(Npz.read(data));
      for (String name : arrays.keySet()) {
        names.put(name, data + " array '" + name + "'");
      }
    }
    return of(arrays, data.toString(), names::get, signature, output, loss);
  }

  /**
   * Checks {@code arrays}, by name, as the contents of {@code source}; {@code describe} names an array in messages
   * (its file, or the archive and its name).
   */
  static TrainingData of(Map<String, NpyArray> arrays, String source, Function<String, String> describe, SignatureDef signature, TrainedOutput output, Loss loss) {
    Map<String, TensorInfo> sigInputs = new TreeMap<>(signature.getInputsMap());
    checkArgument(!sigInputs.containsKey(LABELS), "signature input '%s' has the name of the labels array; rename one",
        LABELS);
    TreeSet<String> held = new TreeSet<>(arrays.keySet());
    for (String input : sigInputs.keySet()) {
      checkArgument(arrays.containsKey(NpyFeeds.arrayName(input)), "%s has no array '%s' for signature input '%s' (it"
          + " has %s)", source, NpyFeeds.arrayName(input), input, held);
    }
    checkArgument(arrays.containsKey(LABELS), "%s has no array '%s' holding the targets (it has %s)", source, LABELS,
        held);
    TreeSet<String> unknown = new TreeSet<>(held);
    unknown.remove(LABELS);
    sigInputs.keySet().forEach(i -> unknown.remove(NpyFeeds.arrayName(i)));
    checkArgument(unknown.isEmpty(), "%s has arrays %s that are no signature input (inputs: %s, plus '%s'); rename"
        + " or remove them", source, unknown, sigInputs.keySet(), LABELS);

    Map<String, TensorValue> feeds = new LinkedHashMap<>();
    Map<String, Long> fixedBatch = new LinkedHashMap<>();
    for (Map.Entry<String, TensorInfo> e : sigInputs.entrySet()) {
      String input = e.getKey();
      NpyArray a = arrays.get(NpyFeeds.arrayName(input));
      String what = describe.apply(NpyFeeds.arrayName(input));
      ExampleShape.require(a.shape(), e.getValue(), what, "input '" + input + "'");
      feeds.put(input, NpyFeeds.toTensorValue(a, a.shape(), e.getValue().getDtype(), input, what));
      long[] dims = ExampleShape.dims(e.getValue());
      if (dims != null && dims[0] > 0) {
        fixedBatch.put(input, dims[0]);
      }
    }
    String labelsWhat = describe.apply(LABELS);
    TensorValue labels = loss.labels(arrays.get(LABELS), output, labelsWhat);

    long n = labels.shape()[0];
    checkArgument(n > 0, "%s holds no examples (shape %s)", labelsWhat, Arrays.toString(labels.shape()));
    for (Map.Entry<String, TensorValue> e : feeds.entrySet()) {
      long got = e.getValue().shape()[0];
      checkArgument(got == n, "%s holds %s examples but %s holds %s; give one label per example",
          describe.apply(NpyFeeds.arrayName(e.getKey())), got, labelsWhat, n);
    }
    return new TrainingData(Collections.unmodifiableMap(feeds), labels, Math.toIntExact(n),
        Collections.unmodifiableMap(fixedBatch));
  }

  /** The number of examples. */
  public int examples() {
    return examples;
  }

  /** The signature inputs, each fed by every batch. */
  public Set<String> inputs() {
    return inputs.keySet();
  }

  /**
   * The mini-batches of epoch {@code epoch} (0, 1, ...): every example exactly once, in an order drawn afresh each
   * epoch, {@code batchSize} per batch but the last, which holds the rest. The same seed and epoch give the same
   * batches, whatever epochs were drawn before: epoch e's order comes from the (e+1)-th split of a
   * SplittableRandom seeded with {@code seed}. Batches are cut from the data when the list's get is called.
   */
  public List<Batch> epoch(int epoch, int batchSize, long seed) {
    checkArgument(epoch >= 0, "epoch %s is negative", epoch);
    SplittableRandom root = new SplittableRandom(seed);
    SplittableRandom rnd = root.split();
    for (int e = 0; e < epoch; e++) {
      rnd = root.split();
    }
    int[] order = new int[examples];
    for (int i = 0; i < examples; i++) {
      order[i] = i;
    }
    for (int i = examples - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return batches(order, batchSize);
  }

  /** Every example in order, {@code chunkSize} at a time (the last chunk holds the rest): for evaluation. */
  public List<Batch> inOrder(int chunkSize) {
    int[] order = new int[examples];
    for (int i = 0; i < examples; i++) {
      order[i] = i;
    }
    return batches(order, chunkSize);
  }

  private List<Batch> batches(int[] order, int batchSize) {
    checkArgument(batchSize > 0, "batch size %s is not positive", batchSize);
    for (Map.Entry<String, Long> e : fixedBatch.entrySet()) {
      checkArgument(batchSize == e.getValue() && examples % batchSize == 0, "signature input '%s' takes batches of"
          + " exactly %s examples; give a batch size of %s and a multiple of it examples (got batch size %s, %s"
          + " examples)", e.getKey(), e.getValue(), e.getValue(), batchSize, examples);
    }
    int count = (examples + batchSize - 1) / batchSize;
    return new AbstractList<>() {
      @Override
      public Batch get(int b) {
        Objects.checkIndex(b, count);
        int[] idx = Arrays.copyOfRange(order, b * batchSize, Math.min(examples, (b + 1) * batchSize));
        Map<String, TensorValue> feeds = new LinkedHashMap<>();
        inputs.forEach((name, value) -> feeds.put(name, gather(value, idx)));
        return new Batch(feeds, gather(labels, idx), idx);
      }

      @Override
      public int size() {
        return count;
      }
    };
  }

  /**
   * Part {@code index} of {@code parts} of batch {@code b} — its examples cut in contiguous runs whose sizes differ by
   * at most one — for replicas that split a step's batch. The whole batch when it cannot be cut: the signature fixes
   * the batch size, or there are fewer examples than parts (every part then computes the same mean, so the average of
   * their gradients is still the batch's).
   */
  public Batch part(Batch b, int index, int parts) {
    checkArgument(index >= 0 && index < parts, "part %s of %s", index, parts);
    if (parts == 1 || !fixedBatch.isEmpty() || b.size() < parts) {
      return b;
    }
    int from = Math.toIntExact((long) b.size() * index / parts);
    int to = Math.toIntExact((long) b.size() * (index + 1) / parts);
    int[] rows = new int[to - from];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = from + i;
    }
    Map<String, TensorValue> feeds = new LinkedHashMap<>();
    b.inputs().forEach((name, value) -> feeds.put(name, gather(value, rows)));
    return new Batch(feeds, gather(b.labels(), rows), Arrays.copyOfRange(b.examples(), from, to));
  }

  /** The rows (examples) {@code idx} of {@code all}, in that order. */
  private static TensorValue gather(TensorValue all, int[] idx) {
    long[] shape = all.shape();
    byte[] bytes = all.bytes();
    int rowBytes = bytes.length / Math.toIntExact(shape[0]);
    byte[] out = new byte[rowBytes * idx.length];
    for (int i = 0; i < idx.length; i++) {
      System.arraycopy(bytes, idx[i] * rowBytes, out, i * rowBytes, rowBytes);
    }
    shape[0] = idx.length;
    return new TensorValue(all.dtype(), shape, out);
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    inputs.forEach((k, v) -> parts.add(k + "=" + v));
    return "TrainingData[" + examples + " examples, " + String.join(", ", parts) + ", labels=" + labels + "]";
  }
}
