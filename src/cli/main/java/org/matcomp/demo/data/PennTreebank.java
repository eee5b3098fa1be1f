package org.matcomp.demo.data;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mikolov's Penn Treebank language-model text: whitespace-separated tokens, one sentence a line, each line ended by
 * an {@code <eos>} token. The vocabulary is built from the training split in order of first appearance (10 000
 * words including {@code <unk>} and {@code <eos>}); the other splits map unseen words to {@code <unk>}.
 */
public final class PennTreebank {
  public static final Path DEFAULT_DIR = Path.of("../shared/testdata/data/ptb");
  public static final String EOS = "<eos>";
  public static final String UNK = "<unk>";

  private final Map<String, Integer> vocabulary;
  private final int[] train;
  private final int[] valid;
  private final int[] test;

  private PennTreebank(Map<String, Integer> vocabulary, int[] train, int[] valid, int[] test) {
    this.vocabulary = vocabulary;
    this.train = train;
    this.valid = valid;
    this.test = test;
  }

  public static PennTreebank load(Path dir) throws IOException {
    Path trainFile = dir.resolve("ptb.train.txt");
    if (!Files.exists(trainFile)) {
      throw new NoSuchFileException(trainFile.toString(), null, "the PTB text is expected in " + dir);
    }
    Map<String, Integer> vocab = new LinkedHashMap<>();
    vocab.put(EOS, 0);
    List<String> trainTokens = tokens(trainFile);
    for (String t : trainTokens) {
      vocab.putIfAbsent(t, vocab.size());
    }
    checkArgument(vocab.containsKey(UNK), "%s has no %s token; is it the Mikolov PTB text?", trainFile, UNK);
    Map<String, Integer> frozen = new HashMap<>(vocab);
    return new PennTreebank(frozen, ids(trainTokens, frozen), ids(tokens(dir.resolve("ptb.valid.txt")), frozen),
        ids(tokens(dir.resolve("ptb.test.txt")), frozen));
  }

  private static List<String> tokens(Path file) throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      for (String t : line.trim().split("\\s+")) {
        if (!t.isEmpty()) {
          out.add(t);
        }
      }
      out.add(EOS);
    }
    return out;
  }

  private static int[] ids(List<String> tokens, Map<String, Integer> vocab) {
    int unk = vocab.get(UNK);
    int[] ids = new int[tokens.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = vocab.getOrDefault(tokens.get(i), unk);
    }
    return ids;
  }

  public int vocabularySize() {
    return vocabulary.size();
  }

  public int id(String word) {
    Integer id = vocabulary.get(word);
    return id == null ? vocabulary.get(UNK) : id;
  }

  public int[] train() {
    return train.clone();
  }

  public int[] valid() {
    return valid.clone();
  }

  public int[] test() {
    return test.clone();
  }
}
