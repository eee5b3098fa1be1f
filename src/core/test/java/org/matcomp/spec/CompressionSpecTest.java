package org.matcomp.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.matcomp.compressor.kmeans.KMeansMethod;
import org.matcomp.compressor.lowrank.LowRankMethod;

class CompressionSpecTest {
  @Test
  void defaultsAreGraphCompressions() {
    CompressionSpec s = CompressionSpec.builder().build();
    assertEquals("model_compression", s.name());
    assertEquals(7, s.rank());
    assertEquals(0, s.beginCompressionStep());
    assertEquals(-1, s.endCompressionStep());
    assertEquals(10, s.compressionFrequency());
    assertEquals(0.01, s.alphaDecrementValue());
    assertEquals(LowRankMethod.INSTANCE, s.method());
    assertEquals(UpdateOption.GRAPH, s.updateOption());
    assertEquals(1, s.blockSize());
  }

  @Test
  void parsesTheReferenceCifar10StringVerbatim() {
    CompressionSpec s = CompressionSpec.parse("name=cifar10_compression,rank=200,begin_compression_step=1000,"
        + "end_compression_step=2000,compression_frequency=100,compression_option=1");
    assertEquals("cifar10_compression", s.name());
    assertEquals(200, s.rank());
    assertEquals(1000, s.beginCompressionStep());
    assertEquals(2000, s.endCompressionStep());
    assertEquals(100, s.compressionFrequency());
    assertEquals(LowRankMethod.INSTANCE, s.method());
    assertEquals(0.01, s.alphaDecrementValue());
  }

  @Test
  void parsesEveryTypedHparam() {
    CompressionSpec s = CompressionSpec.parse(" name=x , rank=300,begin_compression_step=5,end_compression_step=50,"
        + "compression_frequency=5,alpha_decrement_value=0.125,compression_option=4,update_option=1,block_size=4,"
        + "seed=9");
    assertEquals(300, s.rank());
    assertEquals(0.125, s.alphaDecrementValue());
    assertEquals(KMeansMethod.INSTANCE, s.method());
    assertEquals(UpdateOption.HOST, s.updateOption());
    assertEquals(4, s.blockSize());
    assertEquals(9, s.seed());
  }

  @Test
  void keepsReferenceOnlyHparamsIncludingListsAsMethodParameters() {
    CompressionSpec s = CompressionSpec.parse(
        "compression_option=8,pruning_fraction=0.4,weight_sparsity_map=[conv1:0.5,fc:0.9],use_tpu=False");
    assertEquals("0.4", s.methodParameter("pruning_fraction", "?"));
    assertEquals("[conv1:0.5,fc:0.9]", s.methodParameter("weight_sparsity_map", "?"));
    assertEquals("False", s.methodParameter("use_tpu", "?"));
  }

  @Test
  void roundTripsThroughTheHparamString() {
    CompressionSpec s = CompressionSpec.parse("name=a,rank=150,begin_compression_step=3,end_compression_step=30,"
        + "compression_frequency=3,alpha_decrement_value=0.05,compression_option=2,update_option=3,"
        + "pruning_fraction=0.2,absolute_rank=12");
    assertEquals(12, s.absoluteRank().getAsInt());
    assertEquals(s, CompressionSpec.parse(s.toHparamString()));
  }

  @Test
  void laterKeysWinWhenOverlaying() {
    CompressionSpec s = CompressionSpec.parse("rank=200").withHparams("rank=400,compression_frequency=7");
    assertEquals(400, s.rank());
    assertEquals(7, s.compressionFrequency());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "ranks=200|unknown hparam 'ranks'",
      "rank=abc|rank='abc' is not an integer",
      "rank=0|rank=0 must be positive",
      "rank=-5|rank=-5 must be positive",
      "alpha_decrement_value=x|alpha_decrement_value='x' is not a number",
      "alpha_decrement_value=0|alpha_decrement_value=0.0 must be in (0, 1]",
      "begin_compression_step=10,end_compression_step=5|begin_compression_step=10 must be before end_compression_step=5",
      "compression_frequency=0|compression_frequency=0 must be positive",
      "compression_option=5|compression_option=5 is not one of",
      "compression_option=-1|compression_option=-1 is not one of",
      "update_option=4|update_option=4 is not one of",
      "rank|'rank' is not of the form key=value",
      "rank=|rank has an empty value",
      "weight_sparsity_map=[a:1|unbalanced '['",
      // As strict as the reference's parser, and stricter than Java's number parsers (issue 11, defect 9):
      "rank=200,rank=400|hparam rank is given twice (rank=200 and rank=400)",
      "target_sparsity=0.5,target_sparsity=0.9|hparam target_sparsity is given twice",
      "rank=\uFF12\uFF10\uFF10|has the non-ASCII digit '\uFF12' (U+FF12)",
      "dl_atoms=\u0662\u0665\u0666|has the non-ASCII digit",
      "alpha_decrement_value=0.5f|alpha_decrement_value='0.5f' is not a number",
      "alpha_decrement_value=NaN|alpha_decrement_value='NaN' is not a number",
      "alpha_decrement_value=0x1p-2|alpha_decrement_value='0x1p-2' is not a number",
      "compression_frequency=1_0|compression_frequency='1_0' is not an integer",
  })
  void badInputNamesTheKeyAndValue(String hparams, String expected) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CompressionSpec.parse(hparams));
    assertTrue(e.getMessage().contains(expected), () -> "message was: " + e.getMessage());
  }

  @Test
  void acceptsEveryReferenceHparamStringVerbatimAndRoundTripsIt() throws Exception {
    java.util.List<String> lines = java.nio.file.Files.readAllLines(
        java.nio.file.Path.of("python-interop", "reference_hparams.txt"));
    int parsed = 0;
    for (String line : lines) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      CompressionSpec s = CompressionSpec.parse(line);
      assertEquals(s, CompressionSpec.parse(s.toHparamString()), line);
      parsed++;
    }
    assertEquals(10, parsed);
  }
}
