package org.matcomp.savedmodel.trace;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.NodeDef;

/**
 * Follows a variable downstream — into every function it is passed to, every loop body and conditional branch that
 * takes it, through every read of it — and lists all consumers. The rewrite removes the variable, so every consumer
 * must be one it can replace; one that is not (a regularizer reading the weight, a value returned from a function or
 * a branch, an assignment, an op it does not know) blocks the rewrite and the matrix stays dense. Unlike the forward
 * trace this looks at whole function bodies: a rewritten function must stay valid for all its outputs.
 */
public final class ResourceUseAnalyzer {
  private static final Set<String> READS = Set.of("ReadVariableOp", "Identity");
  /** Ops that only change how a weight is viewed; what matters for a report is the op that reads the view. */
  private static final Set<String> VIEWS = Set.of("Reshape", "ExpandDims", "Transpose", "Squeeze");
  private static final int MAX_FOLLOW = 8;

  private final GraphIndex index;
  private final Set<String> signatureNodes;

  /** {@code signatureNodes}: top-level nodes whose tensors a signature names; they must survive the rewrite. */
  ResourceUseAnalyzer(GraphIndex index, Set<String> signatureNodes) {
    this.index = index;
    this.signatureNodes = Set.copyOf(signatureNodes);
  }

  /**
   * A holder of the variable: a node at a location, or (in a function) an input argument; {@code handle} when it
   * carries the resource handle rather than the value; {@code branch} the conditional branch it is inside, if any.
   */
  private record Holder(Location location, String name, boolean argument, boolean handle, int loopSlot,
      Branch branch) {
    Holder(Location location, String name, boolean argument, boolean handle) {
      this(location, name, argument, handle, -1, Branch.NONE);
    }

    /** A holder derived from this one (a read, an argument of a callee) inside the same branch. */
    Holder next(Location location, String name, boolean argument, boolean handle, int loopSlot) {
      return new Holder(location, name, argument, handle, loopSlot, branch);
    }

    /** For reports: the location, and the branch it belongs to, so a refusal names both. */
    String where() {
      if (branch.equals(Branch.NONE)) {
        return location.toString();
      }
      return location + (location.function().equals(branch.function()) ? ", the " : ", inside the ")
          + branch.description();
    }
  }

  /** A branch function and how it is reached: {@code then_branch of If 'cond' in f}. */
  private record Branch(String function, String description) {
    static final Branch NONE = new Branch("", "");
  }

  VariableUses analyze(VariableInfo v) {
    List<VariableUses.SiteUse> sites = new ArrayList<>();
    List<String> blockers = new ArrayList<>();
    Set<Holder> seen = new HashSet<>();
    Deque<Holder> work = new ArrayDeque<>();
    work.push(new Holder(Location.TOP, v.name(), false, v.isResource()));
    while (!work.isEmpty()) {
      Holder h = work.pop();
      if (!seen.add(h)) {
        continue;
      }
      if (h.location().isTopLevel() && signatureNodes.contains(h.name())) {
        blockers.add("'" + h.name() + "' is a signature input or output");
      }
      if (!h.location().isTopLevel()) {
        FunctionDef f = index.function(h.location().function());
        List<String> outputs = f.getSignature().getOutputArgList().stream().map(a -> a.getName()).toList();
        f.getRetMap().forEach((out, ret) -> {
          // a loop body hands a loop-invariant weight back at its own slot: that is how loops carry it
          boolean passThrough = h.loopSlot() >= 0 && outputs.indexOf(out) == h.loopSlot();
          if (refersTo(TensorRef.parse(ret, h.location()), h) && !passThrough) {
            blockers.add("returned as output '" + out + "' of " + h.where());
          }
        });
      }
      for (NodeDef c : index.nodes(h.location())) {
        List<TensorRef> in = GraphIndex.dataInputs(c, h.location());
        for (int k = 0; k < in.size(); k++) {
          if (!refersTo(in.get(k), h)) {
            continue;
          }
          if (GraphIndex.isCall(c)) {
            // handle or value, the factors can take the weight's place as arguments
            String callee = GraphIndex.callee(c);
            FunctionDef f = index.function(callee);
            work.push(h.next(Location.function(callee), f.getSignature().getInputArg(k).getName(), true,
                h.handle(), -1));
          } else if (GraphIndex.isLoop(c)) {
            loopUse(c, k, h, work, blockers);
          } else if (GraphIndex.isBranch(c) && k > 0) {
            branchUse(c, k, h, work, blockers);
          } else if (READS.contains(c.getOp())
              || k == 0 && WeightViews.isConstantView(c, name -> index.node(h.location(), name))) {
            // reads and constant views pass the value on; the consumer behind them sees the view's shape
            work.push(h.next(h.location(), c.getName(), false, false, -1));
          } else if (k == 0 && h.handle() && isWrite(c.getOp())) {
            blockers.add("assigned by " + c.getOp() + " '" + c.getName() + "' in " + h.where());
          } else {
            Optional<ConsumerKind> kind = ConsumerKind.of(c.getOp());
            if (readsTwice(in, h)) {
              blockers.add("read twice by " + c.getOp() + " '" + c.getName() + "' in " + h.location());
            } else if (VIEWS.contains(c.getOp())) {
              blockers.add("reshaped by " + c.getOp() + " '" + c.getName() + "' in " + h.location() + " (a reshaped"
                  + " weight is not rewritten), then read by " + readersOf(h.location(), c.getName(), false));
            } else if (kind.isEmpty() || !kind.get().canCarryWeight(k)) {
              blockers.add(UnsupportedReader.describe(c, k, h.location()));
            } else {
              Optional<String> problem = consumerProblem(c, kind.get(), h);
              if (problem.isPresent()) {
                blockers.add(problem.get());
              } else {
                sites.add(new VariableUses.SiteUse(h.location(), c.getName(), kind.get(), k));
              }
            }
          }
        }
      }
    }
    return new VariableUses(v, sites, blockers);
  }

  /**
   * For a report: the ops that finally use a value the rewrite cannot follow — through function calls, reads and
   * view ops (reshape, expand_dims, transpose) — e.g. a Keras GRU kernel passed by value into {@code standard_gru},
   * where a MatMul and a StatelessWhile loop read it, or a Keras 3 attention kernel reshaped for a BatchMatMulV2.
   */
  private void collectReaders(Location where, String name, boolean argument, int depth, Set<String> out) {
    for (NodeDef c : index.nodes(where)) {
      List<TensorRef> in = GraphIndex.dataInputs(c, where);
      for (int k = 0; k < in.size(); k++) {
        TensorRef r = in.get(k);
        if (r.control() || r.isArgument() != argument || !r.node().equals(name)) {
          continue;
        }
        if (depth < MAX_FOLLOW && GraphIndex.isCall(c)) {
          String callee = GraphIndex.callee(c);
          collectReaders(Location.function(callee),
              index.function(callee).getSignature().getInputArg(k).getName(), true, depth + 1, out);
        } else if (depth < MAX_FOLLOW && (VIEWS.contains(c.getOp()) || READS.contains(c.getOp()))) {
          collectReaders(where, c.getName(), false, depth + 1, out);
        } else {
          out.add(UnsupportedReader.reader(c, where));
        }
      }
    }
  }

  private String readersOf(Location where, String name, boolean argument) {
    Set<String> readers = new LinkedHashSet<>();
    collectReaders(where, name, argument, 0, readers);
    return readers.isEmpty() ? "nothing" : String.join("; ", readers);
  }

  /**
   * A weight passed into a While loop as loop variable {@code k}: followed into the body and the cond, whose argument
   * k holds it; the loop's output k (the weight handed back) must not be read after the loop.
   */
  private void loopUse(NodeDef loop, int k, Holder h, Deque<Holder> work, List<String> blockers) {
    for (NodeDef c : index.nodes(h.location())) {
      for (TensorRef r : GraphIndex.dataInputs(c, h.location())) {
        if (!r.isArgument() && r.node().equals(loop.getName()) && r.index() == k) {
          blockers.add("the " + loop.getOp() + " loop '" + loop.getName() + "' in " + h.location()
              + " hands it back as output " + k + ", which " + c.getOp() + " '" + c.getName() + "' reads");
        }
      }
    }
    for (String fn : List.of(GraphIndex.loopBody(loop), GraphIndex.loopCond(loop))) {
      FunctionDef f = index.function(fn);
      if (k >= f.getSignature().getInputArgCount()) {
        blockers.add(fn + " takes fewer loop variables than '" + loop.getName() + "' passes");
        continue;
      }
      work.push(h.next(Location.function(fn), f.getSignature().getInputArg(k).getName(), true, h.handle(), k));
    }
  }

  /**
   * A weight passed into an If or Case as input {@code k}: followed into every branch, whose argument k - 1 holds it
   * (a branch that does not read it just keeps the argument). What a branch does with it is judged there: an
   * assignment or a branch output carrying it refuses the rewrite, naming the branch.
   */
  private void branchUse(NodeDef cond, int k, Holder h, Deque<Holder> work, List<String> blockers) {
    List<String> branches = GraphIndex.branches(cond);
    for (int i = 0; i < branches.size(); i++) {
      String fn = branches.get(i);
      FunctionDef f = index.function(fn);
      if (k - 1 >= f.getSignature().getInputArgCount()) {
        blockers.add(fn + " takes fewer arguments than " + cond.getOp() + " '" + cond.getName() + "' passes");
        continue;
      }
      Branch b = new Branch(fn, GraphIndex.branchRole(cond, i) + " of " + cond.getOp() + " '" + cond.getName()
          + "' in " + h.location());
      work.push(new Holder(Location.function(fn), f.getSignature().getInputArg(k - 1).getName(), true, h.handle(),
          -1, b));
    }
  }

  /** Ops that change a resource variable's value: a weight they write is state, not a constant to compress. */
  private static boolean isWrite(String op) {
    return op.startsWith("Assign") && op.endsWith("VariableOp") || op.startsWith("ResourceScatter")
        || op.startsWith("ResourceApply") || op.startsWith("ResourceSparseApply")
        || op.equals("ResourceStridedSliceAssign");
  }

  /** Consumer settings the forms do not handle: gathers along another axis or with batch dimensions. */
  private Optional<String> consumerProblem(NodeDef c, ConsumerKind kind, Holder h) {
    if (kind == ConsumerKind.RESOURCE_GATHER && !h.handle()) {
      return Optional.of("ResourceGather '" + c.getName() + "' reads a value, not a handle");
    }
    if (kind.isGather() && c.containsAttr("batch_dims") && c.getAttrOrThrow("batch_dims").getI() != 0) {
      return Optional.of(c.getOp() + " '" + c.getName() + "' in " + h.location() + " has batch_dims="
          + c.getAttrOrThrow("batch_dims").getI());
    }
    if (c.getOp().equals("GatherV2")) {
      List<TensorRef> in = GraphIndex.dataInputs(c, h.location());
      NodeDef axis = in.size() > 2 && !in.get(2).isArgument() ? index.node(h.location(), in.get(2).node()) : null;
      if (axis == null || !axis.getOp().equals("Const") || !isZero(axis)) {
        return Optional.of("GatherV2 '" + c.getName() + "' in " + h.location() + " gathers along an axis that is not"
            + " a constant 0");
      }
    }
    if (!kind.isGather() && h.handle()) {
      return Optional.of(c.getOp() + " '" + c.getName() + "' reads the resource handle itself");
    }
    return Optional.empty();
  }

  private static boolean isZero(NodeDef constant) {
    var t = constant.getAttrOrThrow("value").getTensor();
    if (t.getIntValCount() > 0) {
      return t.getIntVal(0) == 0;
    }
    if (t.getInt64ValCount() > 0) {
      return t.getInt64Val(0) == 0;
    }
    com.google.protobuf.ByteString b = t.getTensorContent();
    for (int i = 0; i < b.size(); i++) {
      if (b.byteAt(i) != 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean readsTwice(List<TensorRef> in, Holder h) {
    return in.stream().filter(r -> refersTo(r, h)).count() > 1;
  }

  private static boolean refersTo(TensorRef r, Holder h) {
    return !r.control() && r.isArgument() == h.argument() && r.node().equals(h.name());
  }
}
