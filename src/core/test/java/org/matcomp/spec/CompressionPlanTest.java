package org.matcomp.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CompressionPlanTest {
  private static final CompressionSpec BASE = CompressionSpec.builder().name("compress").seed(7).build();

  @Test
  void firstMatchWinsFlagNamesAndHparamKeysBothSetTheSpec() {
    CompressionPlan p = CompressionPlan.parse("""
        {"plan": [
          {"layers": "dense_1", "method": "prune+kmeans", "sparsity": 0.9, "clusters": 16},
          {"layers": "dense", "method": "lowrank", "rank": 8},
          {"layers": "^logits/", "method": "int8", "int8_per_tensor": true}
        ], "other": "ignored"}""", "p.json", BASE);
    CompressionPlan.Entry first = p.entryFor("dense_1/kernel").orElseThrow();
    assertEquals("prune+kmeans", first.spec().method().name());
    assertEquals("0.9", first.spec().methodParameters().get("target_sparsity"));
    assertEquals("16", first.spec().methodParameters().get("num_clusters"));
    assertEquals(7, first.spec().seed(), "entries keep the base spec's seed");
    assertFalse(first.sizeGiven());
    CompressionPlan.Entry second = p.entryFor("dense_2/kernel").orElseThrow();
    assertEquals(OptionalInt.of(8), second.spec().absoluteRank());
    assertTrue(second.sizeGiven());
    assertEquals("true", p.entryFor("logits/kernel").orElseThrow().spec().methodParameters().get("int8_per_tensor"));
    assertTrue(p.entryFor("conv/kernel").isEmpty(), "no entry: the matrix stays dense");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "[{\"layers\": \"(\", \"method\": \"lowrank\"}]|layers '(' is not a valid regular expression",
      "[{\"layers\": \"d\", \"method\": \"lowrank\", \"clusters\": 4}]|'clusters' is not a setting of lowrank",
      "[{\"layers\": \"d\", \"method\": \"kmeans+lowrank\"}]|plan entry 1 (layers 'd'): 'kmeans+lowrank'",
      "[{\"layers\": \"d\"}]|needs \"method\"",
      "[{\"method\": \"lowrank\"}]|needs \"layers\"",
      "[]|the plan has no entries",
      "{\"layers\": \"d\"}|a plan is a JSON list",
      "[{\"layers\": \"d\", \"method\": \"prune\", \"sparsity\": [1]}]|'sparsity' must be a number",
      "[{\"layers\": \"d\", \"method\": \"prune\", \"sparsity\": 1.5}]|target_sparsity",
      "[{|not valid JSON"})
  void badPlansAreRefusedInOneLineNamingTheEntry(String json, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CompressionPlan.parse(json, "p.json", BASE));
    assertTrue(e.getMessage().startsWith("p.json"), e.getMessage());
    assertTrue(e.getMessage().contains(message), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
  }

  @Test
  void anEntryMatchingNoMatrixIsATypo() {
    CompressionPlan p = CompressionPlan.parse("[{\"layers\": \"dense\", \"method\": \"int8\"},"
        + " {\"layers\": \"denes\", \"method\": \"fp16\"}]", "p.json", BASE);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> p.requireEveryEntryMatches(List.of("dense/kernel", "logits/kernel"), s -> s));
    assertEquals("plan entry 2 (layers 'denes') matches none of the weight matrices [dense/kernel, logits/kernel]",
        e.getMessage());
  }
}
