"""Held-out metrics of a served model on an evaluation set (a directory of ``<input>.npy`` plus ``labels.npy``)."""
import numpy as np

from . import inputs as _inputs
from .served import Served

METRICS = ("accuracy", "perplexity")


def evaluate(model, eval_path, metric, output, output_kind="logits", batch=256):
    """``accuracy`` = mean(argmax(output) == label); ``perplexity`` = exp(mean −log p(label)) over every position,
    p the softmax of logits or the given probabilities. ``model`` is a SavedModel directory or a ``Served``."""
    if metric not in METRICS:
        raise ValueError(f"unknown metric '{metric}' (one of {METRICS})")
    if output_kind not in ("logits", "probabilities"):
        raise ValueError(f"unknown output kind '{output_kind}' (logits or probabilities)")
    served = model if isinstance(model, Served) else Served.load(model)
    feeds = _inputs.from_files(eval_path, served.input_specs)
    y = _inputs.labels(eval_path)
    if output not in served.output_names:
        raise ValueError(f"{served.model_dir} has no output '{output}' (has {served.output_names})")
    n = y.shape[0]
    correct, nll, count = 0, 0.0, 0
    for start in range(0, n, batch):
        out = served({k: v[start:start + batch] for k, v in feeds.items()}, batch=batch)[output]
        labels = y[start:start + batch].astype(np.int64)
        if out.shape[:-1] != labels.shape:
            raise ValueError(f"output '{output}' has shape {out.shape} for labels of shape {labels.shape}")
        if metric == "accuracy":
            correct += int(np.sum(np.argmax(out, axis=-1) == labels))
        else:
            logp = _log_probabilities(out.astype(np.float64), output_kind)
            nll -= float(np.sum(np.take_along_axis(logp, labels[..., None], axis=-1)))
        count += labels.size
    if count == 0:
        raise ValueError(f"{eval_path} holds no examples")
    return correct / count if metric == "accuracy" else float(np.exp(nll / count))


def _log_probabilities(out, kind):
    if kind == "probabilities":
        return np.log(np.clip(out, 1e-30, None))
    shifted = out - out.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
