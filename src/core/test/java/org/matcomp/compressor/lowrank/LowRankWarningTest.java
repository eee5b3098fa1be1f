package org.matcomp.compressor.lowrank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class LowRankWarningTest {
  @Test
  void aRankThatSavesNothingIsWarnedAboutOnceNamingTheMatrix() {
    Logger logger = Logger.getLogger(LowRankCompressor.class.getName());
    List<LogRecord> records = new ArrayList<>();
    Handler h = new Handler() {
      @Override
      public void publish(LogRecord r) {
        records.add(r);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    logger.addHandler(h);
    try {
      LowRankCompressor.withRank(6).layout("square_w", 10, 10); // 6·20 = 120 ≥ 100
      LowRankCompressor.withRank(4).layout("fine_w", 10, 10); // 4·20 = 80 < 100
    } finally {
      logger.removeHandler(h);
    }
    assertEquals(1, records.size());
    assertEquals(Level.WARNING, records.get(0).getLevel());
    String msg = java.text.MessageFormat.format(records.get(0).getMessage(), records.get(0).getParameters());
    assertTrue(msg.contains("square_w") && msg.contains("120"), msg);
  }
}
