package org.matcomp.hostcallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

class HostDTypeTest {

  @Test
  void refTypesMapToTheirPlainType() {
    assertEquals(HostDType.FLOAT, HostDType.fromTfCode(101));
    assertEquals(HostDType.FLOAT, HostDType.of(DataType.DT_FLOAT_REF));
    assertEquals(HostDType.INT64, HostDType.of(DataType.DT_INT64_REF));
    assertEquals(DataType.DT_FLOAT, HostDType.of(DataType.DT_FLOAT_REF).dataType());
  }

  @Test
  void tensorClassesMapBothWays() {
    assertEquals(HostDType.FLOAT, HostDType.of(TFloat32.class));
    assertEquals(HostDType.UINT8, HostDType.of(TUint8.class));
    assertEquals(TInt64.class, HostDType.INT64.tensorType());
    assertEquals(8, HostDType.INT64.byteSize());
    assertEquals(1, HostDType.BOOL.byteSize());
  }

  @Test
  void unsupportedTypesNameTheCulprit() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostDType.of(TString.class));
    assertTrue(e.getMessage().contains("tensor type TString is not supported"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> HostDType.of(DataType.DT_HALF));
    assertTrue(e.getMessage().contains("TF data type number 19 is not supported"), e.getMessage());
  }
}
