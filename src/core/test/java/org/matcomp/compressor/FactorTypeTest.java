package org.matcomp.compressor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FactorTypeTest {
  @Test
  void codesTakeTheBitsTheirTableNeedsRoundedToOneTwoFourOrEight() {
    int[] sizes = {1, 2, 3, 4, 5, 16, 17, 256, 257, 300};
    FactorType[] types = {FactorType.UINT1, FactorType.UINT1, FactorType.UINT2, FactorType.UINT2, FactorType.UINT4,
        FactorType.UINT4, FactorType.UINT8, FactorType.UINT8, FactorType.INT32, FactorType.INT32};
    for (int i = 0; i < sizes.length; i++) {
      assertEquals(types[i], FactorType.indexFor(sizes[i]), sizes[i] + " entries");
      assertTrue(sizes[i] - 1 <= types[i].maxValue(), sizes[i] + " entries");
    }
  }

  @Test
  void bytesRoundUpThePackedBits() {
    assertEquals(8, FactorType.UINT4.bytesFor(15)); // 60 bits
    assertEquals(4, FactorType.UINT2.bytesFor(15)); // 30 bits
    assertEquals(2, FactorType.UINT1.bytesFor(15));
    assertEquals(15, FactorType.UINT8.bytesFor(15));
  }

  @Test
  void entriesPackLeastSignificantFirst() {
    // 4-bit codes 1, 2, 15: byte 0 = 2·16 + 1, byte 1 = 15 and four bits of padding.
    assertArrayEquals(new byte[] {0x21, 0x0f}, FactorType.UINT4.pack(new int[] {1, 2, 15}));
    // 2-bit codes 3, 0, 1, 2 | 1: 3 + 1·16 + 2·64 = 147.
    assertArrayEquals(new byte[] {(byte) 147, 1}, FactorType.UINT2.pack(new int[] {3, 0, 1, 2, 1}));
    // the same layout as the bit masks have always had
    assertArrayEquals(FactorType.BIT.pack(new int[] {1, 0, 1, 1, 0, 0, 0, 0, 1}),
        FactorType.UINT1.pack(new int[] {1, 0, 1, 1, 0, 0, 0, 0, 1}));
    assertArrayEquals(new byte[] {13, 1}, FactorType.UINT1.pack(new int[] {1, 0, 1, 1, 0, 0, 0, 0, 1}));
  }

  @Test
  void unpackInvertsPackForOddCounts() {
    Random rnd = new Random(3);
    for (FactorType t : new FactorType[] {FactorType.UINT1, FactorType.UINT2, FactorType.UINT4, FactorType.BIT}) {
      for (int n : new int[] {0, 1, 7, 13, 64, 101}) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
          v[i] = rnd.nextInt((int) t.maxValue() + 1);
        }
        byte[] p = t.pack(v);
        assertEquals(t.bytesFor(n), p.length, t + " × " + n);
        assertArrayEquals(v, t.unpack(p, n), t + " × " + n);
      }
    }
  }

  @Test
  void byteWideTypesAreNotPackedAndEntriesMustFitTheirWidth() {
    assertThrows(IllegalArgumentException.class, () -> FactorType.UINT8.pack(new int[] {1}));
    assertThrows(IllegalArgumentException.class, () -> FactorType.UINT2.pack(new int[] {0, 4}));
  }
}
