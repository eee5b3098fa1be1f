package org.matcomp.savedmodel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.matcomp.compressor.FactorType;
import org.matcomp.compressor.ExprEvaluator;
import org.matcomp.compressor.Factorization;
import org.matcomp.compressor.prune.GapPositions;
import org.matcomp.linalg.FloatMatrix;
import org.matcomp.savedmodel.export.ModelExporter;
import org.matcomp.savedmodel.export.ResourceSaverBuilder;
import org.matcomp.savedmodel.export.TensorValue;
import org.matcomp.savedmodel.rewrite.GraphRewriter;
import org.matcomp.savedmodel.rewrite.InferenceForm;
import org.matcomp.savedmodel.rewrite.Replacement;
import org.matcomp.savedmodel.rewrite.SparseReplacement;
import org.matcomp.savedmodel.rewrite.StoredFactor;
import org.matcomp.savedmodel.serving.SparseMatMulTimer;
import org.matcomp.savedmodel.serving.SparseTiming;
import org.matcomp.savedmodel.trace.ConsumerKind;
import org.matcomp.savedmodel.trace.SavedModelDirectory;
import org.matcomp.savedmodel.trace.ServingGraph;
import org.matcomp.savedmodel.trace.VariableInfo;
import org.matcomp.savedmodel.trace.VariableUses;
import org.matcomp.savedmodel.trace.WeightMatrix;
import org.matcomp.savedmodel.trace.WeightSite;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/**
 * The compressed form of a SavedModel's matrices, shared by {@code compress} (factors from a compressor) and
 * {@code finetune} (factors from training): whether a matrix can take a method's form at all, its stored factors,
 * and the export of the rewritten serving graph with every variable's value.
 */
public final class CompressedForms {
  private CompressedForms() {}

  /** Why {@code m} cannot take {@code form} (a problem of its own, or a consumer the form cannot replace). */
  public static Optional<String> refusal(WeightMatrix m, InferenceForm form) {
    if (!m.compressible()) {
      return Optional.of(String.join("; ", m.problems()));
    }
    for (WeightSite s : m.sites()) {
      Optional<String> why = form.unsupported(s.kind());
      if (why.isPresent()) {
        return why;
      }
    }
    for (VariableUses.SiteUse s : m.uses().sites()) {
      Optional<String> why = form.unsupported(s.kind());
      if (why.isPresent()) {
        return why;
      }
    }
    return Optional.empty();
  }

  /**
   * Stores {@code f} (the factors of {@code a}, {@code m} as a matrix) in {@code form}, adding its replacement to
   * {@code replacements}; or leaves {@code m} dense when the form cannot hold the layout or saves nothing.
   */
  public static MatrixOutcome store(WeightMatrix m, FloatMatrix a, Factorization f, InferenceForm form,
      List<Replacement> replacements) {
    String method = f.method().name();
    f = GapPositions.smallest(f);
    List<StoredFactor> stored;
    try {
      stored = form.store(f);
    } catch (IllegalArgumentException e) {
      return MatrixOutcome.dense(m, "no inference form for this factor layout: " + e.getMessage());
    }
    long after = stored.stream().mapToLong(StoredFactor::bytes).sum();
    if (after >= m.denseBytes()) {
      return MatrixOutcome.dense(m, String.format("%s stores %d bytes, no fewer than the dense %d", method,
          after, m.denseBytes()));
    }
    List<String> names = new ArrayList<>();
    for (StoredFactor s : stored) {
      names.add(m.name() + "_" + f.method().identifier() + "_" + s.role());
    }
    replacements.add(new Replacement(m.variable(), form, stored, names, m.rows(), m.cols(),
        m.sites().isEmpty() ? null : m.sites().get(0).view().view()));
    // Codes count one parameter each however tightly they are packed; a bitmap counts its bytes, as it always has.
    long paramsAfter = stored.stream()
        .mapToLong(s -> s.spec().type() == FactorType.BIT ? s.value().elements() : s.spec().entries()).sum();
    return new MatrixOutcome(m.name(), m.rows(), m.cols(), m.variable().shape(), method, true, null,
        m.denseBytes(), after, (long) m.rows() * m.cols(), paramsAfter, a.relativeErrorTo(f.product()),
        f.diagnostics(), stored, m.consumers());
  }

  /**
   * Writes the SavedModel of {@code dir}'s serving graph with {@code replacements} applied into {@code temp}: every
   * variable it still reads with its value from {@code values}, every stored factor with its own, a saver for both.
   */
  public static void export(SavedModelDirectory dir, ServingGraph graph, Map<String, TensorValue> values,
      List<Replacement> replacements, Path temp, Path scratch) throws IOException {
    export(dir, graph, values, replacements, ServingForm.COMPACT, SparseExecution.DEFAULT, temp, scratch);
  }

  /**
   * As {@link #export(SavedModelDirectory, ServingGraph, Map, List, Path, Path)}, with the weights whose form
   * rebuilds them served as {@code servingForm} says — in the fast form dense, or as their nonzeros where {@code
   * sparse} chooses that; returns what was served how.
   */
  public static ServingOutcome export(SavedModelDirectory dir, ServingGraph graph, Map<String, TensorValue> values,
      List<Replacement> replacements, ServingForm servingForm, SparseExecution sparse, Path temp, Path scratch)
      throws IOException {
    List<Replacement> fast = new ArrayList<>(servingForm == ServingForm.FAST
        ? replacements.stream().filter(r -> r.form().rebuildsWeight()
            || (long) r.rows() * r.cols() <= ServingForm.SMALL_MATRIX_ENTRIES).toList() : List.of());
    List<SparseReplacement> servedSparse = new ArrayList<>();
    List<ServingOutcome.Sparse> sparseReport = new ArrayList<>();
    for (Replacement r : List.copyOf(fast)) {
      // decoding W on the host to count its zeros is the costly part: only for a weight that could be served sparse
      if (!r.form().rebuildsWeight() || !sparse.mayServe((long) r.rows() * r.cols())
          || !readAsStoredByMatMulsOnly(graph, r)) {
        continue;
      }
      FloatMatrix w = ExprEvaluator.matrix(r.form().dense(r.factors(), r.rows(), r.cols()),
          r.factors().stream().map(StoredFactor::decoded).toList(), r.rows(), r.cols());
      long nonzeros = 0;
      for (float v : w.copyData()) {
        nonzeros += v != 0 ? 1 : 0;
      }
      double zeros = 1.0 - (double) nonzeros / w.size();
      if (!sparse.considers(zeros, w.size())) {
        continue;
      }
      List<SparseTiming> timings = sparse.mode() == SparseExecution.Mode.MEASURED
          ? SparseMatMulTimer.time(w, sparse.batchSizes()) : List.of();
      if (sparse.choose(timings)) {
        fast.remove(r);
        servedSparse.add(SparseReplacement.of(r));
        sparseReport.add(new ServingOutcome.Sparse(r.variable().name(), nonzeros, w.size(), timings));
      }
    }
    List<Replacement> compact = replacements.stream().filter(r -> !fast.contains(r)
        && servedSparse.stream().noneMatch(s -> s.stored() == r)).toList();
    java.util.Set<String> unsaved = new java.util.HashSet<>();
    fast.forEach(r -> unsaved.add(r.variable().name()));
    servedSparse.forEach(s -> unsaved.addAll(s.unsavedVariables()));
    GraphDef rewritten = ResourceSaverBuilder.addSaver(GraphRewriter.rewrite(graph.pruned(), compact, fast,
        servedSparse, graph.initOp()), unsaved);
    Map<String, TensorValue> newValues = new LinkedHashMap<>();
    for (NodeDef n : rewritten.getNodeList()) {
      if (VariableInfo.isVariable(n) && !unsaved.contains(n.getName())) {
        TensorValue v = values.get(n.getName());
        if (v != null) {
          newValues.put(n.getName(), v);
        }
      }
    }
    for (Replacement r : replacements) {
      for (int j = 0; j < r.factors().size(); j++) {
        newValues.put(r.factorVariables().get(j), r.factors().get(j).value());
      }
    }
    ModelExporter.export(rewritten, newValues, graph.signatures(), dir.metaGraph().getMetaInfoDef().getTagsList(),
        temp, scratch, fast.isEmpty() && servedSparse.isEmpty() ? graph.initOp()
            : java.util.Optional.of(GraphRewriter.MATERIALIZE));
    return new ServingOutcome(fast, sparseReport);
  }

  /**
   * Whether every consumer of {@code r}'s weight is a 2-D MatMul reading it as stored, so that SparseTensorDenseMatMul
   * can take its place.
   */
  private static boolean readAsStoredByMatMulsOnly(ServingGraph graph, Replacement r) {
    if (r.variable().shape().length != 2 || (r.view() != null && !r.view().isIdentity())) {
      return false;
    }
    return graph.matrices().stream().filter(m -> m.variable().name().equals(r.variable().name())).findFirst()
        .map(m -> m.sites().stream().allMatch(s -> s.kind() == ConsumerKind.MATMUL)
            && m.uses().sites().stream().allMatch(s -> s.kind() == ConsumerKind.MATMUL))
        .orElse(false);
  }
}
