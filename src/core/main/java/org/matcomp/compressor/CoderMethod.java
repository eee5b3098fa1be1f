package org.matcomp.compressor;

import java.util.Map;
import java.util.Set;

/**
 * A method that can also code the float factors of another (the second part of {@code prune+kmeans},
 * {@code lowrank+int8}); as a coder it reads its own hparam keys, chosen not to clash with the first method's.
 */
public interface CoderMethod extends Method {
  /** The coder for these hparams (of the composed spec). */
  ValueCoder coder(HparamView hparams);

  /** The hparam keys the coder reads. */
  Set<String> coderHparamKeys();

  /** CLI flag → hparam key, for the coder's settings. */
  Map<String, String> coderCliFlags();
}
