package org.matcomp.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.matcomp.demo.data.FashionMnist;
import org.matcomp.demo.data.PennTreebank;
import org.matcomp.experiments.CnnExperiment;
import org.matcomp.experiments.ExperimentModel;
import org.matcomp.experiments.Experiments;
import org.matcomp.experiments.LstmExperiment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code matcomp experiments}: the blog's two experiments (the CIFAR-10-style CNN and the PTB LSTM), every method at
 * several compression ratios, plotted; resumable.
 */
@Command(name = "experiments", mixinStandardHelpOptions = true,
    description = "Reproduce graph_compression's two experiments in TF Java: the CNN (on Fashion-MNIST) with its"
        + " fully connected layers compressed, and TF's PTB LSTM (small) with its embedding compressed; the dense"
        + " model and each method at each ratio, the same seed and steps. Writes results.json, <model>.png and"
        + " results.md into --dir; an interrupted run resumes where it stopped.")
final class ExperimentsCommand implements Callable<Integer> {
  @Option(names = "--models", split = ",", defaultValue = "cnn,ptb-lstm", description = "cnn, ptb-lstm"
      + " (default: ${DEFAULT-VALUE})")
  List<String> models;

  @Option(names = "--methods", split = ",", description = "the methods to compare (default: each model's: cnn"
      + " lowrank, simhash, kmeans, prune; ptb-lstm also dictionary)")
  List<String> methods;

  @Option(names = "--ratios", split = ",", description = "target compression ratios of the compressed matrices"
      + " (default: 4,8,16,32, leaving out what a method cannot reach)")
  List<Double> ratios;

  @Option(names = "--dir", defaultValue = "experiments", description = "where results go (default: ${DEFAULT-VALUE})")
  Path dir;

  @Option(names = "--readme", description = "also put the results table into this Markdown file, between its"
      + " experiments markers")
  Path readme;

  @Option(names = "--cnn-steps", defaultValue = "4000", description = "steps of each cnn run, half of them the"
      + " shared dense prefix (default: ${DEFAULT-VALUE})")
  long cnnSteps;

  @Option(names = "--lstm-epochs", defaultValue = "13", description = "epochs of each ptb-lstm run (default: the"
      + " reference's ${DEFAULT-VALUE})")
  int lstmEpochs;

  @Option(names = "--lstm-prefix-epochs", defaultValue = "6", description = "dense epochs every ptb-lstm run shares"
      + " before compression begins (default: ${DEFAULT-VALUE})")
  int lstmPrefixEpochs;

  @Option(names = "--fashion-mnist-dir", description = "default: " + "/usr/share/datasets/fashion-mnist")
  Path fashionDir;

  @Option(names = "--ptb-dir", description = "default: ../shared/testdata/data/ptb")
  Path ptbDir;

  @Option(names = "--seed", defaultValue = "1")
  long seed;

  @Option(names = "--no-progress", description = "no progress bars")
  boolean noProgress;

  @Spec
  CommandSpec commandSpec;

  @Override
  public Integer call() throws Exception {
    for (String m : models) {
      if (!m.equals("cnn") && !m.equals("ptb-lstm")) {
        throw new IllegalArgumentException("--models " + m + " is not an experiment; use cnn or ptb-lstm");
      }
    }
    List<Double> targets = ratios == null ? List.of(4.0, 8.0, 16.0, 32.0) : ratios;
    for (double r : targets) {
      if (!(r > 1) || !Double.isFinite(r)) {
        throw new IllegalArgumentException("--ratios " + r + " must be above 1");
      }
    }
    Path fashion = fashionDir == null ? FashionMnist.DEFAULT_DIR : fashionDir;
    Path ptbPath = ptbDir == null ? PennTreebank.DEFAULT_DIR : ptbDir;
    CommandPaths paths = new CommandPaths().outputFile("--dir", dir.resolve("results.json"))
        .outputFile("--dir", dir.resolve("results.md")).outputFile("--readme", readme);
    if (models.contains("cnn")) {
      paths.input("--fashion-mnist-dir", fashion).outputFile("--dir", dir.resolve("cnn.png"));
    }
    if (models.contains("ptb-lstm")) {
      paths.input("--ptb-dir", ptbPath).outputFile("--dir", dir.resolve("ptb-lstm.png"));
    }
    paths.check();
    if (readme != null && !java.nio.file.Files.isRegularFile(readme)) {
      throw new IllegalArgumentException("--readme " + readme + " is not a file");
    }
    List<ExperimentModel> planned = new ArrayList<>();
    for (String m : models) {
      planned.add(m.equals("cnn")
          ? new CnnExperiment(InputFiles.read(() -> FashionMnist.load(fashion)), cnnSteps, seed)
          : new LstmExperiment(InputFiles.read(() -> PennTreebank.load(ptbPath)), lstmEpochs, lstmPrefixEpochs,
              seed));
    }
    java.io.PrintWriter err = commandSpec.commandLine().getErr();
    Experiments experiments = new Experiments(dir, planned, methods == null ? List.of() : methods, targets,
        ratios != null, err);
    String table = experiments.run(!noProgress);
    if (readme != null) {
      org.matcomp.experiments.ResultsTable.splice(readme, table);
      err.println("updated " + readme);
    }
    commandSpec.commandLine().getOut().print(table);
    commandSpec.commandLine().getOut().flush();
    return 0;
  }
}
