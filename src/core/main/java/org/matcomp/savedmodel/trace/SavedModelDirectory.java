package org.matcomp.savedmodel.trace;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;

/**
 * A SavedModel directory checked before TensorFlow touches it, so that a bad input gets one clear sentence instead
 * of a native stack: {@code saved_model.pb} present and parseable, the tag present, every variables shard present.
 * Only ever read.
 */
public final class SavedModelDirectory {
  /** The pseudo-signature TF2 uses to name its init op; not a function a client can call. */
  static final String INIT_OP_SIGNATURE = "__saved_model_init_op";

  private static final Pattern SHARD = Pattern.compile("variables\\.data-(\\d{5})-of-(\\d{5})");

  private final Path dir;
  private final String tag;
  private final MetaGraphDef metaGraph;

  private SavedModelDirectory(Path dir, String tag, MetaGraphDef metaGraph) {
    this.dir = dir;
    this.tag = tag;
    this.metaGraph = metaGraph;
  }

  public static SavedModelDirectory open(Path dir, String tag) throws IOException {
    checkArgument(Files.isDirectory(dir), "MODEL_DIR %s is not a directory", dir);
    Path pb = dir.resolve("saved_model.pb");
    if (!Files.isRegularFile(pb)) {
      throw new IllegalArgumentException(dir + " holds no saved_model.pb"
          + (Files.exists(dir.resolve("saved_model.pbtxt")) ? " (text-format saved_model.pbtxt is not supported)" : ""));
    }
    SavedModel model;
    try (InputStream in = Files.newInputStream(pb)) {
      model = SavedModel.parseFrom(in);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(pb + " is not a valid SavedModel protobuf: " + e.getMessage());
    }
    checkArgument(model.getMetaGraphsCount() > 0, "%s holds no MetaGraph (corrupt or empty SavedModel)", pb);
    List<String> tags = new ArrayList<>();
    MetaGraphDef chosen = null;
    for (MetaGraphDef m : model.getMetaGraphsList()) {
      tags.add(String.join(",", m.getMetaInfoDef().getTagsList()));
      if (m.getMetaInfoDef().getTagsList().contains(tag)) {
        chosen = chosen == null ? m : chosen;
      }
    }
    if (chosen == null) {
      throw new IllegalArgumentException(pb + " has no MetaGraph tagged '" + tag + "'; its tag sets: " + tags);
    }
    checkArgument(chosen.hasGraphDef() && chosen.getGraphDef().getNodeCount() > 0,
        "%s: the MetaGraph tagged '%s' has an empty graph", pb, tag);
    SavedModelDirectory d = new SavedModelDirectory(dir, tag, chosen);
    d.checkVariableFiles();
    KnownOps.check(pb, chosen);
    checkArgument(!d.signatures().isEmpty(), "%s has no signatures to serve (only %s)", pb,
        chosen.getSignatureDefMap().keySet());
    d.checkSignatureTensors(pb);
    return d;
  }

  /** Every signature tensor names a node of the graph: such a signature could never be served. */
  private void checkSignatureTensors(Path pb) {
    Map<String, NodeDef> nodes = nodes();
    signatures().forEach((key, sig) -> {
      List<Map.Entry<String, org.tensorflow.proto.TensorInfo>> tensors = new ArrayList<>(sig.getInputsMap().entrySet());
      tensors.addAll(sig.getOutputsMap().entrySet());
      for (var t : tensors) {
        if (t.getValue().getEncodingCase() != org.tensorflow.proto.TensorInfo.EncodingCase.NAME) {
          continue; // composite and sparse tensors are refused where they are read
        }
        String node = TensorRef.parse(t.getValue().getName(), Location.TOP).node();
        checkArgument(nodes.containsKey(node), "%s: signature '%s' maps '%s' to tensor %s, but the graph has no node"
            + " '%s'", pb, key, t.getKey(), t.getValue().getName(), node);
      }
    });
  }

  private void checkVariableFiles() throws IOException {
    boolean hasVariables = metaGraph.getGraphDef().getNodeList().stream().anyMatch(VariableInfo::isVariable);
    if (!hasVariables) {
      return;
    }
    Path vars = dir.resolve("variables");
    checkArgument(Files.isRegularFile(vars.resolve("variables.index")),
        "%s: the graph has variables but %s is missing", dir, vars.resolve("variables.index"));
    TreeSet<Integer> shards = new TreeSet<>();
    int total = -1;
    try (Stream<Path> files = Files.list(vars)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Matcher m = SHARD.matcher(p.getFileName().toString());
        if (m.matches()) {
          shards.add(Integer.parseInt(m.group(1)));
          total = Integer.parseInt(m.group(2));
        }
      }
    }
    checkArgument(total > 0, "%s: no variables.data-NNNNN-of-NNNNN shard beside variables.index", vars);
    for (int i = 0; i < total; i++) {
      checkArgument(shards.contains(i), "%s: variables shard %s is missing (%s of %s present)", vars,
          String.format("variables.data-%05d-of-%05d", i, total), shards.size(), total);
    }
  }

  public Path dir() {
    return dir;
  }

  public String tag() {
    return tag;
  }

  public MetaGraphDef metaGraph() {
    return metaGraph;
  }

  /** The callable signatures, by key, in the file's order (the TF2 init-op pseudo-signature left out). */
  public Map<String, SignatureDef> signatures() {
    Map<String, SignatureDef> out = new LinkedHashMap<>();
    metaGraph.getSignatureDefMap().forEach((k, v) -> {
      if (!k.equals(INIT_OP_SIGNATURE)) {
        out.put(k, v);
      }
    });
    return out;
  }

  /**
   * The node the model's own init op names ({@code __saved_model_init_op}: a NoOp in Keras models, table
   * initialisers where there are tables), if it has one.
   */
  public java.util.Optional<String> initOp() {
    SignatureDef init = metaGraph.getSignatureDefMap().get(INIT_OP_SIGNATURE);
    if (init == null || init.getOutputsCount() == 0) {
      return java.util.Optional.empty();
    }
    String name = init.getOutputsMap().values().iterator().next().getName();
    int colon = name.indexOf(':');
    return java.util.Optional.of(colon < 0 ? name : name.substring(0, colon));
  }

  /** Loads the model into TensorFlow; a failure names the directory and TensorFlow's reason. */
  public SavedModelBundle load() {
    try {
      return SavedModelBundle.load(dir.toString(), tag);
    } catch (TensorFlowException | IndexOutOfBoundsException e) {
      // TF Java also fails in Java on a damaged model, e.g. a signature naming an output its node does not have.
      throw new IllegalArgumentException("TensorFlow cannot load " + dir + ": " + firstLine(e.getMessage()), e);
    }
  }

  /** Bytes of all files under {@code variables/}, the on-disk size of the weights. */
  public long variablesDiskBytes() throws IOException {
    return diskBytes(dir.resolve("variables"));
  }

  public static long diskBytes(Path p) throws IOException {
    if (!Files.exists(p)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(p)) {
      long sum = 0;
      for (Path f : (Iterable<Path>) s::iterator) {
        if (Files.isRegularFile(f)) {
          sum += Files.size(f);
        }
      }
      return sum;
    }
  }

  public static String firstLine(String s) {
    if (s == null) {
      return "(no message)";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** The top-level nodes, by name. */
  Map<String, NodeDef> nodes() {
    Map<String, NodeDef> m = new LinkedHashMap<>();
    metaGraph.getGraphDef().getNodeList().forEach(n -> m.put(n.getName(), n));
    return m;
  }
}
