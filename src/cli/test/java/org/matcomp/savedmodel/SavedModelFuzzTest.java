package org.matcomp.savedmodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.matcomp.cli.Main;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import picocli.CommandLine;
import org.matcomp.savedmodel.export.OutputDirectory;
import org.matcomp.savedmodel.rewrite.Attrs;

/**
 * The SavedModel loader path on damaged models: byte-level truncations and bit flips of {@code saved_model.pb} and of
 * the variables files, and graph-level edits (an op renamed, an input dropped or pointing nowhere, a node deleted, a
 * dtype or shape attribute changed, a signature tensor renamed, a function dropped, the tag changed) of the two tiny
 * models. {@code inspect} and {@code compress} must succeed or refuse with exit 2 and one line, leaving the model
 * as it was and writing nothing — never an internal error (exit 1), a stack trace, a JVM crash or a hang (issue 11,
 * "beyond the list"). Seeded; 120 models, about 10 s.
 */
class SavedModelFuzzTest {
  private static final long SEED = 20261206L;
  private static final int CASES = 120;
  private static final String[] OPS = {"Identity", "MatMul", "Const", "NoOp", "Placeholder", "ReadVariableOp",
      "VarHandleOp", "Add", "Relu", "Softmax", "MatMulV9", "StatefulPartitionedCall"};
  private static final DataType[] TYPES = {DataType.DT_FLOAT, DataType.DT_INT32, DataType.DT_STRING,
      DataType.DT_RESOURCE, DataType.DT_BOOL, DataType.DT_HALF};

  @TempDir
  Path tmp;

  private record Run(int exit, String err) {}

  private static Run cli(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(new StringWriter()));
    java.io.PrintStream old = System.out;
    System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    try {
      return new Run(cl.execute(args), err.toString());
    } finally {
      System.setOut(old);
    }
  }

  /** A damaged copy of one tiny model; returns what was done, for the failure message. */
  private static String damage(Path model, Random rnd) throws Exception {
    Path pb = model.resolve("saved_model.pb");
    int kind = rnd.nextInt(10);
    if (kind < 2) {
      Path f = kind == 0 ? pb : pickVariablesFile(model, rnd);
      byte[] b = Files.readAllBytes(f);
      if (rnd.nextBoolean()) {
        int n = rnd.nextInt(b.length);
        Files.write(f, Arrays.copyOf(b, n));
        return "truncated " + model.relativize(f) + " to " + n + " bytes";
      }
      int i = rnd.nextInt(b.length);
      b[i] ^= (byte) (1 << rnd.nextInt(8));
      Files.write(f, b);
      return "flipped a bit of " + model.relativize(f) + " at " + i;
    }
    SavedModel.Builder sm = SavedModel.parseFrom(Files.readAllBytes(pb)).toBuilder();
    MetaGraphDef.Builder meta = sm.getMetaGraphsBuilder(0);
    GraphDef.Builder g = meta.getGraphDefBuilder();
    boolean inFunction = g.getLibrary().getFunctionCount() > 0 && rnd.nextBoolean();
    List<NodeDef.Builder> nodes = new ArrayList<>();
    if (inFunction) {
      nodes.addAll(g.getLibraryBuilder().getFunctionBuilder(rnd.nextInt(g.getLibrary().getFunctionCount()))
          .getNodeDefBuilderList());
    } else {
      nodes.addAll(g.getNodeBuilderList());
    }
    NodeDef.Builder n = nodes.get(rnd.nextInt(nodes.size()));
    String where = (inFunction ? "function node " : "node ") + n.getName();
    String what;
    switch (kind) {
      case 2 -> {
        n.setOp(OPS[rnd.nextInt(OPS.length)]);
        what = "op of " + where + " → " + n.getOp();
      }
      case 3 -> {
        if (n.getInputCount() > 0 && rnd.nextBoolean()) {
          List<String> in = new ArrayList<>(n.getInputList());
          in.remove(rnd.nextInt(in.size()));
          n.clearInput().addAllInput(in);
          what = "dropped an input of " + where;
        } else {
          n.addInput(rnd.nextBoolean() ? "nowhere:0" : nodes.get(rnd.nextInt(nodes.size())).getName());
          what = "added input " + n.getInput(n.getInputCount() - 1) + " to " + where;
        }
      }
      case 4 -> {
        if (inFunction) {
          n.setName(n.getName() + "_renamed");
          what = "renamed " + where;
        } else {
          int i = rnd.nextInt(g.getNodeCount());
          what = "deleted node " + g.getNode(i).getName();
          g.removeNode(i);
        }
      }
      case 5 -> {
        List<String> keys = n.getAttrMap().entrySet().stream()
            .filter(e -> e.getValue().hasType() || e.getValue().getValueCase() == AttrValue.ValueCase.TYPE)
            .map(java.util.Map.Entry::getKey).toList();
        DataType t = TYPES[rnd.nextInt(TYPES.length)];
        String key = keys.isEmpty() ? "dtype" : keys.get(rnd.nextInt(keys.size()));
        n.putAttr(key, AttrValue.newBuilder().setType(t).build());
        what = "attr " + key + " of " + where + " → " + t;
      }
      case 6 -> {
        long[] dims = new long[rnd.nextInt(4)];
        for (int i = 0; i < dims.length; i++) {
          dims[i] = rnd.nextInt(5) - 1;
        }
        n.putAttr("shape", AttrValue.newBuilder().setShape(Attrs.shapeProto(dims)).build());
        what = "shape of " + where + " → " + Arrays.toString(dims);
      }
      case 7 -> {
        String key = meta.getSignatureDefMap().keySet().iterator().next();
        SignatureDef.Builder s = meta.getSignatureDefMap().get(key).toBuilder();
        boolean input = rnd.nextBoolean() && s.getInputsCount() > 0;
        String name = (input ? s.getInputsMap() : s.getOutputsMap()).keySet().iterator().next();
        TensorInfo.Builder t = (input ? s.getInputsMap() : s.getOutputsMap()).get(name).toBuilder();
        String tensor = rnd.nextBoolean() ? "missing_node:0" : nodes.get(rnd.nextInt(nodes.size())).getName() + ":"
            + rnd.nextInt(3);
        t.setName(tensor);
        if (input) {
          s.putInputs(name, t.build());
        } else {
          s.putOutputs(name, t.build());
        }
        meta.putSignatureDef(key, s.build());
        what = "signature " + key + " " + name + " → " + tensor;
      }
      case 8 -> {
        if (g.getLibrary().getFunctionCount() > 0) {
          int i = rnd.nextInt(g.getLibrary().getFunctionCount());
          what = "dropped function " + g.getLibrary().getFunction(i).getSignature().getName();
          g.getLibraryBuilder().removeFunction(i);
        } else {
          n.clearAttr();
          what = "cleared the attrs of " + where;
        }
      }
      default -> {
        meta.getMetaInfoDefBuilder().clearTags().addTags(rnd.nextBoolean() ? "train" : "serve");
        what = "tags → " + meta.getMetaInfoDef().getTagsList();
      }
    }
    Files.write(pb, sm.build().toByteArray());
    return what;
  }

  private static Path pickVariablesFile(Path model, Random rnd) throws Exception {
    try (Stream<Path> s = Files.list(model.resolve("variables"))) {
      List<Path> files = s.sorted().toList();
      return files.get(rnd.nextInt(files.size()));
    }
  }

  @Test
  void damagedModelsAreInspectedAndCompressedOrRefusedInOneLine() throws Exception {
    Random rnd = new Random(SEED);
    int[] exits = new int[3];
    assertTimeoutPreemptively(Duration.ofSeconds(240), () -> {
      for (int c = 0; c < CASES; c++) {
        Path source = rnd.nextBoolean() ? TinyModels.TF1 : TinyModels.TF2;
        Path model = DirectoryHash.copy(source, tmp.resolve("m" + c));
        String what = source.getFileName() + ": " + damage(model, rnd);
        String before = DirectoryHash.of(model);
        String context = "case " + c + " (seed " + SEED + ", " + what + ")";

        Run inspect = cli("inspect", model.toString());
        check(inspect, context + " inspect");
        exits[inspect.exit()]++;

        Path out = tmp.resolve("out" + c);
        Run compress = cli("compress", model.toString(), out.toString(), "--method", "lowrank", "--rank", "2");
        check(compress, context + " compress");
        assertEquals(compress.exit() == 0, Files.exists(out), context + ": an output exactly when it succeeded");
        assertEquals(before, DirectoryHash.of(model), context + ": MODEL_DIR changed");
        try (Stream<Path> s = Files.list(tmp)) {
          assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith(".matcomp-work.")),
              context + ": temporary work left behind");
        }
        OutputDirectory.deleteRecursively(out);
        OutputDirectory.deleteRecursively(model);
      }
    });
    assertTrue(exits[0] > 0 && exits[2] > 0, "both outcomes exercised: " + Arrays.toString(exits));
  }

  private static void check(Run r, String context) {
    assertTrue(r.exit() == 0 || r.exit() == 2, context + ": exit " + r.exit() + ": " + r.err());
    assertFalse(r.err().contains("\tat "), context + ": stack trace: " + r.err());
    if (r.exit() == 2) {
      assertEquals(1, r.err().strip().lines().count(), context + ": one line: " + r.err());
    }
  }
}
