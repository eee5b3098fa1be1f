package org.matcomp.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.matcomp.compressor.CompressedSize;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.Factorization;
import org.matcomp.compressor.prune.GapPositions;
import org.matcomp.compressor.MatrixCompressor;
import org.matcomp.compressor.dictionary.NativeKernels;
import org.matcomp.compressor.dictionary.OmpCoder;
import org.matcomp.io.Npy;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.spec.CompressionSpec;
import org.matcomp.spec.UpdateOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code matcomp factor}: compress a bare matrix from a {@code .npy} file, no TF graph involved. How NumPy users and
 * benchmarks hand matrices to matcomp; {@code seconds} is the factorisation alone.
 */
@Command(name = "factor", mixinStandardHelpOptions = true,
    description = "Factor a 2-D .npy matrix with a compression method; write the factors as .npy and a JSON report"
        + " (on stdout, and in the --json file if given).")
final class FactorCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  SpecOptions specOptions = new SpecOptions();

  @Option(names = "--input", required = true, description = "2-D float32/float64 .npy file (rows are signals)")
  Path input;

  @Option(names = "--output", description = "directory for the factors (must not exist or be empty)")
  Path output;

  @Option(names = "--json", description = "also write the report to this file (- : stdout only, as without --json)")
  Path json;

  @Option(names = "--block-size", description = "k-means block size (1 = scalar)")
  Integer blockSize;

  @Option(names = "--seed", description = "seed of the method's random choices (default: 0)")
  Long seed;

  @Option(names = "--dictionary", description = "omp: the dictionary (atoms x cols .npy, atoms as rows) to code against")
  Path dictionary;

  /** Which kernels coded the dictionary methods ({@link NativeKernels#status()}); null for other methods. */
  private String kernels;

  @Override
  public Integer call() throws Exception {
    new CommandPaths().input("--input", input).input("--dictionary", dictionary).outputDir("--output", output)
        .outputFile("--json", JsonOutput.file(json)).check();
    if (output != null) {
      FactorFiles.checkTarget(output);
    }
    if ("omp".equals(specOptions.method) || "dictionary".equals(specOptions.method)) {
      // Loading the native kernels (our library alone: it does not pull TensorFlow in) is process start-up, like
      // the JVM's own, so it happens before anything is timed; the report says which kernels ran.
      kernels = NativeKernels.status();
    }
    FloatMatrix a = InputFiles.read(() -> Npy.readFloatMatrix(input));
    if ("omp".equals(specOptions.method)) {
      Integer nonzeros = specOptions.nonzeros;
      if (dictionary == null || nonzeros == null) {
        throw new IllegalArgumentException("--method omp needs --dictionary D.npy and --nonzeros k");
      }
      FloatMatrix d = InputFiles.read(() -> Npy.readFloatMatrix(dictionary));
      long t0 = System.nanoTime();
      OmpCoder.Coding c = OmpCoder.code(
          dictionary.getFileName().toString(), d, input.getFileName().toString(), a, nonzeros);
      double seconds = (System.nanoTime() - t0) / 1e9;
      c.factorization().requireFinite(input.getFileName().toString());
      return emit(c.factorization(), finiteError(a, c.factorization().product(), c.relativeError()), seconds, "omp");
    }
    specOptions.requireNotAlsoInSpec("--seed", seed, "seed");
    specOptions.requireNotAlsoInSpec("--block-size", blockSize, "block_size");
    CompressionSpec.Builder defaults = CompressionSpec.builder().name("factor").updateOption(UpdateOption.HOST)
        .seed(seed == null ? 0 : seed);
    if (blockSize != null) {
      defaults.blockSize(blockSize);
    }
    CompressionSpec spec = specOptions.spec(defaults, Map.of());
    MatrixCompressor compressor = spec.compressor();
    String name = input.getFileName().toString();

    long t0 = System.nanoTime();
    // stored as written: a pruned bitmap re-coded as gaps where those are smaller
    Factorization f = GapPositions.smallest(compressor.compress(name, a));
    double seconds = (System.nanoTime() - t0) / 1e9;
    f.requireFinite(name);
    FloatMatrix product = f.product();
    return emit(f, finiteError(a, product, a.relativeErrorTo(product)), seconds, f.method().name());
  }

  /**
   * {@code relError}, after checking that the product B⊗C is finite: finite factors can still multiply past the
   * float32 limit, and then the file's factors do not stand for the matrix at all.
   */
  private double finiteError(FloatMatrix a, FloatMatrix product, double relError) {
    float[] p = product.copyData();
    for (int i = 0; i < p.length; i++) {
      if (!Float.isFinite(p[i])) {
        throw new IllegalArgumentException(String.format("%s: the product of the factors overflows float32 (%s at [%d,"
            + " %d]): the matrix's entries are too close to the float32 limit %s; scale it down", input, p[i],
            i / a.cols(), i % a.cols(), Float.MAX_VALUE));
      }
    }
    return relError;
  }

  /** Writes the factors and the report: the JSON is the result, so it always goes to stdout, once. */
  private int emit(Factorization f, double relError, double seconds, String method) throws java.io.IOException {
    List<Path> files = output == null ? List.of() : FactorFiles.write(output, f.factors());
    JsonObject report = report(f, relError, seconds, files);
    report.addProperty("method", method);
    if (kernels != null) {
      report.addProperty("kernels", kernels);
    }
    spec.commandLine().getOut().println(JsonOutput.toJson(report));
    spec.commandLine().getOut().flush();
    JsonOutput.emit(spec, JsonOutput.file(json), report);
    return 0;
  }

  private static JsonObject report(Factorization f, double relError, double seconds, List<Path> files) {
    CompressedSize size = f.size();
    JsonObject o = new JsonObject();
    o.addProperty("method", f.method().name());
    o.addProperty("rows", f.rows());
    o.addProperty("cols", f.cols());
    o.addProperty("rel_error", relError);
    o.addProperty("compression_ratio", size.ratio());
    o.addProperty("seconds", seconds);
    o.addProperty("dense_bytes", size.denseBytes());
    o.addProperty("compressed_bytes", size.compressedBytes());
    o.addProperty("compressed_params", size.compressedParams());
    f.diagnostics().forEach(o::addProperty);
    JsonArray factors = new JsonArray();
    List<Factor> fs = f.factors();
    for (int i = 0; i < fs.size(); i++) {
      JsonObject fo = new JsonObject();
      fo.addProperty("name", fs.get(i).name());
      JsonArray shape = new JsonArray();
      for (int d : fs.get(i).spec().shape()) {
        shape.add(d);
      }
      fo.add("shape", shape);
      fo.addProperty("type", fs.get(i).spec().type().name().toLowerCase());
      if (!files.isEmpty()) {
        fo.addProperty("file", files.get(i).toString());
      }
      factors.add(fo);
    }
    o.add("factors", factors);
    return o;
  }
}
