package org.matcomp.savedmodel.trace;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.NodeDef;

/**
 * Walks upstream from tensors (the signatures' outputs) and collects the weights they depend on. It never guesses by
 * name or shape: optimizer slots have the weights' shapes, so only data flow tells them apart.
 *
 * <p>The walk carries a stack of call frames. At a {@code StatefulPartitionedCall} / {@code PartitionedCall} it
 * enters the callee through the {@code ret} of the requested output; at a bare argument name inside a function it
 * returns to the caller's input at that argument's position. A While is entered through its body; an If or Case
 * through every branch (either may run), whose argument k is the conditional's input k + 1. A weight is found where
 * a MatMul, Conv2D or gather reads a value that resolves — through Identity, ReadVariableOp and argument passing —
 * to a top-level variable (TF2: {@code VarHandleOp}; TF1: {@code Identity(VariableV2)} or the ref itself).
 */
public final class ForwardPathTracer {
  private static final Set<String> PASS_THROUGH = Set.of("Identity", "ReadVariableOp");

  private final GraphIndex index;

  ForwardPathTracer(GraphIndex index) {
    this.index = index;
  }

  /**
   * A call stack position: a location plus how it was entered; {@code id} keys visits per call path. Argument k of the
   * function is input {@code k + argOffset} of {@code callNode} (1 for a branch: the If's input 0 is its condition).
   */
  private record Frame(Location location, Frame parent, String callNode, int argOffset, String id) {
    static final Frame TOP = new Frame(Location.TOP, null, null, 0, "");

    /** The frame of branch {@code i} of the conditional {@code node}, called from this one. */
    Frame branch(NodeDef node, int i) {
      return new Frame(Location.function(GraphIndex.branches(node).get(i)), this, node.getName(), 1,
          id + "/" + node.getName() + "#" + i);
    }
  }

  private record Work(Frame frame, TensorRef ref) {}

  /** Traces from top-level tensor names such as {@code StatefulPartitionedCall:0}. */
  ForwardPath trace(List<String> outputs) {
    Map<String, WeightSite> sites = new LinkedHashMap<>();
    Map<String, VariableInfo> variables = new LinkedHashMap<>();
    Set<String> functions = new LinkedHashSet<>();
    Map<String, Set<String>> readers = new LinkedHashMap<>();
    Set<String> visited = new HashSet<>();
    Deque<Work> work = new ArrayDeque<>();
    for (String out : outputs) {
      work.push(new Work(Frame.TOP, TensorRef.parse(out, Location.TOP)));
    }
    while (!work.isEmpty()) {
      Work w = work.pop();
      Frame frame = w.frame();
      TensorRef ref = w.ref();
      if (ref.isArgument()) {
        work.push(new Work(frame.parent(), callerInput(frame, ref.node())));
        continue;
      }
      NodeDef node = index.node(frame.location(), ref.node());
      if (node == null) {
        throw new IllegalArgumentException("node '" + ref.node() + "' referenced in " + frame.location()
            + " does not exist");
      }
      if (GraphIndex.isCall(node) || GraphIndex.isLoop(node)) {
        if (!visited.add(frame.id() + "|" + node.getName() + ":" + ref.index())) {
          continue;
        }
        // a loop's output j is its body's output j after the last iteration; the body's arguments are the loop's
        // inputs, so a weight the body reads resolves, argument by argument, to what the loop was given
        boolean loop = GraphIndex.isLoop(node);
        String callee = loop ? GraphIndex.loopBody(node) : GraphIndex.callee(node);
        if (loop) {
          functions.add(GraphIndex.loopCond(node));
        }
        FunctionDef f = index.function(callee);
        functions.add(callee);
        if (ref.index() >= f.getSignature().getOutputArgCount()) {
          throw new IllegalArgumentException(node.getName() + " output " + ref.index() + " does not exist in "
              + callee);
        }
        String ret = f.getRetOrThrow(f.getSignature().getOutputArg(ref.index()).getName());
        Location inner = Location.function(callee);
        Frame child = new Frame(inner, frame, node.getName(), 0, frame.id() + "/" + node.getName());
        work.push(new Work(child, TensorRef.parse(ret, inner)));
        continue;
      }
      if (GraphIndex.isBranch(node)) {
        if (!visited.add(frame.id() + "|" + node.getName() + ":" + ref.index())) {
          continue;
        }
        // either branch may run: output j depends on every branch's output j, and on the condition
        List<String> branches = GraphIndex.branches(node);
        for (int i = 0; i < branches.size(); i++) {
          functions.add(branches.get(i));
          Frame child = frame.branch(node, i);
          work.push(new Work(child, TensorRef.parse(branchRet(node, i, ref.index()), child.location())));
        }
        work.push(new Work(frame, GraphIndex.dataInputs(node, frame.location()).get(0)));
        continue;
      }
      if (!visited.add(frame.id() + "|" + node.getName())) {
        continue;
      }
      List<TensorRef> inputs = GraphIndex.dataInputs(node, frame.location());
      if (!PASS_THROUGH.contains(node.getOp())) {
        Optional<ConsumerKind> kind = ConsumerKind.of(node.getOp());
        for (int k = 0; k < inputs.size(); k++) {
          Optional<Resolved> hit = resolve(frame, inputs.get(k));
          if (hit.isEmpty()) {
            continue;
          }
          VariableInfo v = hit.get().variable();
          variables.putIfAbsent(v.name(), v);
          readers.computeIfAbsent(v.name(), x -> new LinkedHashSet<>())
              .add(node.getOp() + "@" + frame.location() + ":" + node.getName());
          if (kind.isPresent() && kind.get().canCarryWeight(k)) {
            boolean batched = kind.get() == ConsumerKind.BATCH_MATMUL;
            WeightSite site = new WeightSite(v, kind.get(), frame.location(), node.getName(), k,
                flag(node, batched ? "adj_x" : "transpose_a"), flag(node, batched ? "adj_y" : "transpose_b"),
                MatrixView.of(kind.get(), node, k, hit.get().seenShape()));
            sites.putIfAbsent(frame.location() + "|" + node.getName() + "|" + k, site);
          }
        }
      }
      for (TensorRef in : inputs) {
        work.push(new Work(frame, in));
      }
    }
    Map<String, List<String>> readerLists = new LinkedHashMap<>();
    readers.forEach((v, r) -> readerLists.put(v, List.copyOf(r)));
    return new ForwardPath(new ArrayList<>(sites.values()), variables, functions, readerLists);
  }

  private TensorRef callerInput(Frame frame, String arg) {
    int k = index.argIndex(frame.location().function(), arg);
    if (k < 0) {
      throw new IllegalArgumentException("'" + arg + "' is neither a node nor an argument of "
          + frame.location().function());
    }
    NodeDef call = index.node(frame.parent().location(), frame.callNode());
    List<TensorRef> in = GraphIndex.dataInputs(call, frame.parent().location());
    if (k + frame.argOffset() >= in.size()) {
      throw new IllegalArgumentException(call.getName() + " passes " + (in.size() - frame.argOffset())
          + " arguments to " + frame.location().function() + ", which reads argument #" + k);
    }
    return in.get(k + frame.argOffset());
  }

  /** The {@code ret} of branch {@code i}'s output {@code j}. */
  private String branchRet(NodeDef node, int i, int j) {
    String fn = GraphIndex.branches(node).get(i);
    FunctionDef f = index.function(fn);
    if (j >= f.getSignature().getOutputArgCount()) {
      throw new IllegalArgumentException(node.getName() + " output " + j + " does not exist in " + fn);
    }
    return f.getRetOrThrow(f.getSignature().getOutputArg(j).getName());
  }

  /** A variable a consumer reads, and the shape it sees it in (the variable's, or the last view's). */
  private record Resolved(VariableInfo variable, long[] seenShape) {}

  /**
   * Follows a value back through reads, constant views (Reshape, ExpandDims) and argument passing to a variable, if
   * it is one; the views met on the way give the shape the consumer sees.
   */
  private Optional<Resolved> resolve(Frame frame, TensorRef ref) {
    java.util.Deque<NodeDef> views = new ArrayDeque<>();
    java.util.Deque<Location> viewLocations = new ArrayDeque<>();
    for (int guard = 0; guard < 10_000; guard++) {
      if (ref.isArgument()) {
        TensorRef up = callerInput(frame, ref.node());
        frame = frame.parent();
        ref = up;
        continue;
      }
      NodeDef n = index.node(frame.location(), ref.node());
      if (n == null) {
        return Optional.empty();
      }
      if (VariableInfo.isVariable(n)) {
        // a variable created inside a function body cannot be replaced from outside: not a weight site
        if (!frame.location().isTopLevel()) {
          return Optional.empty();
        }
        VariableInfo v = VariableInfo.of(n);
        long[] shape = v.shape();
        while (!views.isEmpty() && shape != null) {
          Location at = viewLocations.pop();
          shape = WeightViews.apply(views.pop(), shape, name -> index.node(at, name));
        }
        return Optional.of(new Resolved(v, shape));
      }
      if (GraphIndex.isBranch(n) && views.isEmpty()) {
        // a branch handing a weight out: the reader is reported (and the rewrite refused) like any other use
        for (int i = 0; i < GraphIndex.branches(n).size(); i++) {
          Frame child = frame.branch(n, i);
          Optional<Resolved> r = resolve(child, TensorRef.parse(branchRet(n, i, ref.index()), child.location()));
          if (r.isPresent()) {
            return r;
          }
        }
        return Optional.empty();
      }
      Location here = frame.location();
      boolean view = ref.index() == 0 && WeightViews.isConstantView(n, name -> index.node(here, name));
      if (!(PASS_THROUGH.contains(n.getOp()) || view) || n.getInputCount() == 0) {
        return Optional.empty();
      }
      if (view) {
        views.push(n);
        viewLocations.push(here);
      }
      ref = GraphIndex.dataInputs(n, frame.location()).get(0);
    }
    return Optional.empty();
  }

  public static boolean flag(NodeDef n, String attr) {
    return n.containsAttr(attr) && n.getAttrOrThrow(attr).getB();
  }
}
