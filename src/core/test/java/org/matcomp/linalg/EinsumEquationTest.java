package org.matcomp.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** How an einsum equation reads as a matrix product with one operand the weight, and the two-step form L·R takes. */
class EinsumEquationTest {
  @Test
  void attentionKernelsSplitIntoContractedAndKeptAxes() {
    EinsumEquation qkv = EinsumEquation.parse("abc,cde->abde", 1);
    assertEquals("c", qkv.contracted());
    assertEquals("de", qkv.kept());
    assertEquals(new EinsumEquation.Factored("abc,cf->abf", "abf,fde->abde"), qkv.factored());

    EinsumEquation out = EinsumEquation.parse("abcd,cde->abe", 1);
    assertEquals("cd", out.contracted());
    assertEquals("e", out.kept());
    assertEquals(new EinsumEquation.Factored("abcd,cdf->abf", "abf,fe->abe"), out.factored());
  }

  @Test
  void aWeightFirstWithItsAxesOutOfOrderIsReadContractedFirst() {
    EinsumEquation e = EinsumEquation.parse("oc , bci->obi", 0);
    assertEquals("oc", e.weight());
    assertEquals("co", e.matrixOrder());
    assertEquals("co,bci->obi", e.withWeight(e.matrixOrder()));
    // The kept axis o leads the output: the intermediate keeps every other output axis in the output's order.
    assertEquals(new EinsumEquation.Factored("bci,ca->bia", "bia,ao->obi"), e.factored());
  }

  @Test
  void theInnerAxisTakesALetterTheEquationDoesNotUse() {
    assertEquals('A', EinsumEquation.parse("abcdefghijklm,mnopqrstuvwxyz->abcdefghijklnopqrstuvwxyz", 1)
        .freeLetter());
  }

  @Test
  void equationsThatAreNotAMatrixProductSayWhy() {
    assertEquals("equation 'abc,cdb->abd': the weight's axis [b] is neither contracted nor kept (on both sides, or"
        + " summed away)", assertThrows(IllegalArgumentException.class,
            () -> EinsumEquation.parse("abc,cdb->abd", 1)).getMessage());
    assertEquals("equation 'ab,bc,cd->ad' is not a two-operand product", assertThrows(IllegalArgumentException.class,
        () -> EinsumEquation.parse("ab,bc,cd->ad", 1)).getMessage());
    assertEquals("equation 'ab,...b->...a' has an ellipsis on the weight", assertThrows(
        IllegalArgumentException.class, () -> EinsumEquation.parse("ab,...b->...a", 1)).getMessage());
    assertEquals("equation 'abc,cc->ab' repeats index 'c' on the weight", assertThrows(
        IllegalArgumentException.class, () -> EinsumEquation.parse("abc,cc->ab", 1)).getMessage());
    assertEquals("equation 'ab,c->abc' contracts none of the weight's axes: not a matrix product", assertThrows(
        IllegalArgumentException.class, () -> EinsumEquation.parse("ab,c->abc", 1)).getMessage());
  }
}
