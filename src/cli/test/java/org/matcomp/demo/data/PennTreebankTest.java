package org.matcomp.demo.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PennTreebankTest {
  @Test
  void readsMikolovsSplitsWithATenThousandWordVocabulary() throws Exception {
    PennTreebank ptb = PennTreebank.load(PennTreebank.DEFAULT_DIR);
    assertEquals(10000, ptb.vocabularySize());
    // 887 521 words + one <eos> per line (42 068 lines), the usual 929k-token training stream.
    assertEquals(887521 + 42068, ptb.train().length);
    assertEquals(70390 + 3370, ptb.valid().length);
    assertEquals(0, ptb.id(PennTreebank.EOS));
    assertEquals(ptb.id(PennTreebank.UNK), ptb.id("no-such-word-in-ptb"));
    int[] train = ptb.train();
    assertEquals(ptb.id("pierre"), train[24 + 1]); // line 2 starts "pierre <unk> N years old" after 24 words + <eos>
  }

  @Test
  void aMissingDirectoryNamesTheFile() {
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> PennTreebank.load(Path.of("/nope")));
    assertEquals("/nope/ptb.train.txt", e.getFile());
  }
}
