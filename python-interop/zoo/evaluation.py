"""The zoo's own view of a SavedModel: its serving signature (read from saved_model.pb, no loading) and a private
held-out evaluation with the semantics of matcomp_interop.metrics.evaluate, used to cross-check that one
(`build_zoo.py --check-metrics`) and in its place when python-interop/matcomp_interop/metrics.py is absent.
"""
import os

import numpy as np
import tensorflow as tf
from tensorflow.core.protobuf import saved_model_pb2


def signature(model_dir, name="serving_default", tag="serve"):
    """(inputs, outputs) of a signature: key -> (numpy dtype, shape list with None for unknown dims)."""
    sm = saved_model_pb2.SavedModel()
    with open(os.path.join(model_dir, "saved_model.pb"), "rb") as f:
        sm.ParseFromString(f.read())
    for meta in sm.meta_graphs:
        if tag in meta.meta_info_def.tags and name in meta.signature_def:
            sig = meta.signature_def[name]

            def spec(info):
                shape = None if info.tensor_shape.unknown_rank else [
                    None if d.size < 0 else int(d.size) for d in info.tensor_shape.dim]
                return tf.as_dtype(info.dtype).as_numpy_dtype, shape
            return ({k: spec(v) for k, v in sig.inputs.items()}, {k: spec(v) for k, v in sig.outputs.items()})
    raise KeyError("%s: no signature '%s' under tag '%s'" % (model_dir, name, tag))


def graph_ops(model_dir):
    """Op type -> count over the SavedModel's graph and its function library (what reads the weights)."""
    sm = saved_model_pb2.SavedModel()
    with open(os.path.join(model_dir, "saved_model.pb"), "rb") as f:
        sm.ParseFromString(f.read())
    counts = {}
    for meta in sm.meta_graphs:
        nodes = list(meta.graph_def.node)
        for fn in meta.graph_def.library.function:
            nodes.extend(fn.node_def)
        for n in nodes:
            counts[n.op] = counts.get(n.op, 0) + 1
    return counts


def file_key(name):
    return name.replace("/", "_")


def evaluate_own(model_dir, eval_dir, metric, output, output_kind, batch=100):
    """accuracy = mean(argmax(output, -1) == labels); perplexity = exp(mean NLL of labels) over all positions."""
    inputs, _ = signature(model_dir)
    loaded = tf.saved_model.load(model_dir)
    fn = loaded.signatures["serving_default"]
    feeds = {k: np.load(os.path.join(eval_dir, file_key(k) + ".npy")) for k in inputs}
    labels = np.load(os.path.join(eval_dir, "labels.npy")).astype(np.int64)
    hits, nll, count = 0, 0.0, 0
    for start in range(0, labels.shape[0], batch):
        out = fn(**{k: tf.constant(v[start:start + batch]) for k, v in feeds.items()})[output].numpy()
        y = labels[start:start + batch]
        if out.shape[:-1] != y.shape:
            raise ValueError("output %s shape %s does not fit labels %s" % (output, out.shape, y.shape))
        if metric == "accuracy":
            hits += int(np.sum(np.argmax(out, axis=-1) == y))
        elif metric == "perplexity":
            out = out.astype(np.float64)
            if output_kind == "logits":
                out = out - out.max(axis=-1, keepdims=True)
                logp = out - np.log(np.exp(out).sum(axis=-1, keepdims=True))
            else:
                logp = np.log(np.maximum(out, 1e-30))
            nll -= float(np.take_along_axis(logp, y[..., None], axis=-1).sum())
        else:
            raise ValueError("unknown metric %r" % metric)
        count += y.size
    return hits / count if metric == "accuracy" else float(np.exp(nll / count))
