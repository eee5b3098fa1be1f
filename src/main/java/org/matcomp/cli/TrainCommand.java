package org.matcomp.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.matcomp.compressor.CompressedSize;
import org.matcomp.data.FashionMnist;
import org.matcomp.operator.CompressionReport;
import org.matcomp.spec.CompressionMethod;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.spec.UpdateOption;
import org.matcomp.train.ClassifierTraining;
import org.matcomp.train.TrainConfig;
import org.matcomp.train.TrainResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code matcomp train}: train a model with its weight matrices compressed, evaluate it, report sizes. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train a Fashion-MNIST MLP in TF Java with its dense layers compressed during training.")
final class TrainCommand implements Callable<Integer> {
  @Option(names = "--dataset", defaultValue = "fashion-mnist", description = "fashion-mnist (default)")
  String dataset;

  @Option(names = "--data-dir", description = "directory of the IDX files (default: ${DEFAULT-VALUE})",
      defaultValue = "/usr/share/datasets/fashion-mnist")
  Path dataDir;

  @Option(names = "--model", defaultValue = "mlp", description = "mlp (default)")
  String model;

  @Mixin
  SpecOptions specOptions = new SpecOptions();

  @Option(names = "--hidden", split = ",", defaultValue = "512,256", description = "hidden sizes (default 512,256)")
  int[] hidden;

  @Option(names = "--steps", defaultValue = "6000", description = "training steps (default ${DEFAULT-VALUE})")
  long steps;

  @Option(names = "--batch-size", defaultValue = "128")
  int batchSize;

  @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate")
  float learningRate;

  @Option(names = "--layers", defaultValue = "dense\\d+",
      description = "regex of the layers to compress (dense1, dense2, ..., logits); default: the hidden layers")
  String layers;

  @Option(names = "--seed", defaultValue = "1")
  long seed;

  @Option(names = "--json", description = "write the report as JSON to this file")
  Path json;

  @Option(names = "--no-progress", description = "no progress bar")
  boolean noProgress;

  @Override
  public Integer call() throws Exception {
    if (!dataset.equals("fashion-mnist")) {
      throw new IllegalArgumentException("--dataset " + dataset + " is not supported; use fashion-mnist");
    }
    if (!model.equals("mlp")) {
      throw new IllegalArgumentException("--model " + model + " is not supported; use mlp");
    }
    Optional<CompressionSpec> spec = specOptions.method() == CompressionMethod.NONE
        ? Optional.empty()
        : Optional.of(spec());
    TrainConfig config = new TrainConfig(hidden, steps, batchSize, learningRate, seed, spec,
        Pattern.compile(layers), !noProgress);
    FashionMnist data = FashionMnist.load(dataDir);
    TrainResult r = new ClassifierTraining(config, data.train(), data.test(), FashionMnist.CLASSES).run();
    System.out.println(table(r));
    if (json != null) {
      JsonOutput.write(json, toJson(r));
    }
    return 0;
  }

  /**
   * The job's schedule unless {@code --spec} says otherwise: dense training for the first 40 % of the steps, then
   * 20 host updates 20 steps apart take α from 1 to 0, then the factors fine-tune. Low-rank keeps rank 48 when
   * neither {@code --rank} nor a spec rank is given (the reference's default rank 7 would keep the full rank).
   */
  private CompressionSpec spec() {
    CompressionSpec.Builder defaults = CompressionSpec.builder()
        .name("train_" + specOptions.method().cliName().replace('-', '_'))
        .beginCompressionStep(Math.max(1, steps * 2 / 5))
        .endCompressionStep(-1)
        .compressionFrequency(20)
        .alphaDecrementValue(0.05)
        .updateOption(UpdateOption.HOST)
        .seed(seed);
    if (specOptions.rank == null && !specOptions.hparamsSetRank()
        && specOptions.method() == CompressionMethod.LOWRANK) {
      defaults.absoluteRank(48);
    }
    return specOptions.spec(defaults, Map.of());
  }

  static String table(TrainResult r) {
    CompressedSize t = r.report().total();
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%-12s %-10s %-12s %-14s %-10s %-10s%n", "method", "accuracy", "dense-acc", "params",
        "ratio", "seconds"));
    sb.append(String.format("%-12s %-10.4f %-12s %-14s %-10.2f %-10.1f%n", r.method(), r.accuracy(),
        Double.isNaN(r.denseAccuracy()) ? "-" : String.format("%.4f", r.denseAccuracy()),
        t.denseParams() + "->" + t.compressedParams(), t.ratio(), r.seconds()));
    for (CompressionReport.Entry e : r.report().matrices()) {
      sb.append(String.format("  %-16s %5dx%-5d %-10s %9d -> %-9d bytes  %.2fx%n", e.name(), e.rows(), e.cols(),
          e.method(), e.size().denseBytes(), e.size().compressedBytes(), e.size().ratio()));
    }
    if (!r.spec().isEmpty()) {
      sb.append("  spec: ").append(r.spec()).append('\n');
    }
    return sb.toString();
  }

  static JsonObject toJson(TrainResult r) {
    CompressedSize t = r.report().total();
    JsonObject o = new JsonObject();
    o.addProperty("method", r.method());
    o.addProperty("spec", r.spec());
    o.addProperty("accuracy", r.accuracy());
    if (!Double.isNaN(r.denseAccuracy())) {
      o.addProperty("accuracy_before_compression", r.denseAccuracy());
    }
    o.addProperty("dense_params", t.denseParams());
    o.addProperty("compressed_params", t.compressedParams());
    o.addProperty("dense_bytes", t.denseBytes());
    o.addProperty("compressed_bytes", t.compressedBytes());
    o.addProperty("compression_ratio", t.ratio());
    o.addProperty("bias_params", r.biasParams());
    o.addProperty("steps", r.steps());
    o.addProperty("seconds", r.seconds());
    o.addProperty("final_phase", r.finalPhase());
    JsonArray ms = new JsonArray();
    for (CompressionReport.Entry e : r.report().matrices()) {
      JsonObject m = new JsonObject();
      m.addProperty("name", e.name());
      JsonArray shape = new JsonArray();
      shape.add(e.rows());
      shape.add(e.cols());
      m.add("shape", shape);
      m.addProperty("method", e.method());
      m.addProperty("params_before", e.size().denseParams());
      m.addProperty("params_after", e.size().compressedParams());
      m.addProperty("bytes_before", e.size().denseBytes());
      m.addProperty("bytes_after", e.size().compressedBytes());
      m.addProperty("ratio", e.size().ratio());
      ms.add(m);
    }
    o.add("matrices", ms);
    JsonArray loss = new JsonArray();
    r.lossCurve().forEach(loss::add);
    o.add("loss_every_100_steps", loss);
    return o;
  }

  @Override
  public String toString() {
    return "train " + Arrays.toString(hidden);
  }
}
