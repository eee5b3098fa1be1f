package org.matcomp.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.matcomp.operator.ScheduleForecast;

/**
 * The hparam parser on damaged strings: character insertions, deletions and replacements (separators, brackets,
 * signs, exponents, non-ASCII digits), truncations, duplicated and swapped items of the reference's own strings must
 * give a spec that round-trips through its hparam string — and whose method parameters the compressors and schedules
 * accept or refuse with IllegalArgumentException — or an IllegalArgumentException with a one-line message; never
 * another exception (issue 11, "beyond the list"). Seeded; about 20 000 strings in a few seconds.
 */
class HparamParserFuzzTest {
  private static final long SEED = 20261206L;
  private static final int CASES = 20_000;
  private static final String ALPHABET = "=,,[]:-+.eE0123456789 _aznrk\u0663\uFF15\u00e9\t";

  private static List<String> seeds() throws Exception {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("python-interop", "reference_hparams.txt"))) {
      if (!line.isBlank() && !line.startsWith("#")) {
        out.add(line);
      }
    }
    out.add("name=p,compression_option=8,rank=16,prune_option=weight,target_sparsity=0.75,begin_pruning_step=10,"
        + "pruning_frequency=5,block_height=2,block_width=2,weight_sparsity_map=[a:0.5,b:0.9]");
    out.add("compression_option=3,dl_atoms=16,dl_nonzeros=2,dl_iterations=3,absolute_rank=4,seed=9");
    out.add("compression_option=10,block_compression_factor=2,update_option=1");
    out.add("compression_option=4,num_clusters=8,kmeans_init=kmeans++,block_size=2");
    return out;
  }

  private static String mutate(String s, Random rnd, List<String> seeds) {
    StringBuilder b = new StringBuilder(s);
    int edits = 1 + rnd.nextInt(3);
    for (int k = 0; k < edits; k++) {
      int i = b.length() == 0 ? 0 : rnd.nextInt(b.length());
      char c = ALPHABET.charAt(rnd.nextInt(ALPHABET.length()));
      switch (rnd.nextInt(6)) {
        case 0 -> b.insert(i, c);
        case 1 -> {
          if (b.length() > 0) {
            b.deleteCharAt(i);
          }
        }
        case 2 -> {
          if (b.length() > 0) {
            b.setCharAt(i, c);
          }
        }
        case 3 -> b.setLength(i); // truncation
        case 4 -> { // an item of another string appended (often a duplicate key)
          String[] items = seeds.get(rnd.nextInt(seeds.size())).split(",");
          b.append(',').append(items[rnd.nextInt(items.length)]);
        }
        default -> { // a value replaced by another item's value
          String[] items = b.toString().split(",");
          String[] from = seeds.get(rnd.nextInt(seeds.size())).split(",");
          int j = rnd.nextInt(items.length);
          String donor = from[rnd.nextInt(from.length)];
          if (items[j].contains("=") && donor.contains("=")) {
            items[j] = items[j].substring(0, items[j].indexOf('=')) + donor.substring(donor.indexOf('='));
          }
          b.setLength(0);
          b.append(String.join(",", items));
        }
      }
    }
    return b.toString();
  }

  @Test
  void damagedStringsGiveAValidSpecOrOneLineNamingTheProblem() throws Exception {
    List<String> seeds = seeds();
    Random rnd = new Random(SEED);
    int[] outcomes = new int[2];
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      for (int c = 0; c < CASES; c++) {
        String s = mutate(seeds.get(rnd.nextInt(seeds.size())), rnd, seeds);
        CompressionSpec spec;
        try {
          spec = CompressionSpec.parse(s);
        } catch (IllegalArgumentException e) {
          outcomes[1]++;
          assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "case " + c + " '" + s + "'");
          assertEquals(1, e.getMessage().lines().count(), "case " + c + ": one line: " + e.getMessage());
          continue;
        } catch (RuntimeException e) {
          fail("case " + c + " '" + s + "' (seed " + SEED + "): " + e, e);
          return;
        }
        outcomes[0]++;
        assertEquals(spec, CompressionSpec.parse(spec.toHparamString()), "case " + c + " round trip of '" + s + "'");
        try {
          // What the spec's consumers do with its method parameters: accept them or name what is wrong.
          spec.compressor();
          ScheduleForecast.of(spec, 1000);
        } catch (IllegalArgumentException e) {
          assertEquals(1, e.getMessage().lines().count(), "case " + c + ": one line: " + e.getMessage());
        } catch (RuntimeException e) {
          fail("case " + c + " '" + s + "' (seed " + SEED + ") built a spec its compressor fails on: " + e, e);
        }
      }
    });
    assertTrue(outcomes[0] > CASES / 10 && outcomes[1] > CASES / 10, "both outcomes exercised: "
        + java.util.Arrays.toString(outcomes));
  }
}
