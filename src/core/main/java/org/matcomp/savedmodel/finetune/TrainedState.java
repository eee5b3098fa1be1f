package org.matcomp.savedmodel.finetune;

import java.util.ArrayList;
import java.util.List;
import org.matcomp.compressor.Factor;
import org.matcomp.compressor.FactorSpec;
import org.matcomp.compressor.Factorization;
import org.matcomp.compressor.prune.PrunedFactorization;
import org.matcomp.compressor.prune.PruningMask;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.operator.CompressedMatrix;
import org.matcomp.operator.CompressedWeight;
import org.matcomp.operator.FactorTensors;
import org.matcomp.operator.Phase;
import org.matcomp.operator.PrunedMatrix;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Reads what fine-tuning left in a compressed weight — its factors, or its kept values and mask — as the
 * {@link Factorization} the SavedModel rewrite stores, so a fine-tuned export has the same stock-op form as
 * {@code compress}'s.
 */
final class TrainedState {
  private TrainedState() {}

  /** {@code w}'s compressed form in {@code session}; it must have left the dense phase. */
  static Factorization of(Session session, Ops tf, CompressedWeight w) {
    if (w instanceof CompressedMatrix cm) {
      List<Factor> factors = new ArrayList<>();
      for (FactorSpec spec : cm.factors().layout()) {
        factors.add(read(session, spec, cm.factors().variable(spec.name())));
      }
      float[] product = floats(session, cm.weight(tf, Phase.COMPRESSED));
      return new TrainedFactorization(cm.spec().method(), cm.rows(), cm.cols(), factors,
          FloatMatrix.of(cm.rows(), cm.cols(), product));
    }
    if (w instanceof PrunedMatrix pm) {
      float[] a = floats(session, pm.dense());
      float[] mask = floats(session, pm.mask());
      boolean[] keep = new boolean[mask.length];
      for (int i = 0; i < mask.length; i++) {
        keep[i] = mask[i] != 0f;
      }
      return PrunedFactorization.of(a, pm.rows(), pm.cols(), PruningMask.of(pm.rows(), pm.cols(), keep));
    }
    throw new IllegalArgumentException("no stored form for a fine-tuned " + w.getClass().getSimpleName());
  }

  private static Factor read(Session session, FactorSpec spec, Operand<?> variable) {
    try (var r = session.runner().fetch(variable).run()) {
      return FactorTensors.fromTensor(spec, r.get(0));
    }
  }

  static float[] floats(Session session, Operand<TFloat32> op) {
    try (var r = session.runner().fetch(op).run()) {
      TFloat32 t = (TFloat32) r.get(0);
      float[] v = new float[Math.toIntExact(t.shape().size())];
      t.copyTo(DataBuffers.of(v, false, false));
      return v;
    }
  }
}
