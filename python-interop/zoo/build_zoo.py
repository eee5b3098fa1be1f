#!/usr/bin/env python3
"""Builds matcomp's model zoo: small real models trained on real data, saved the ways users save them.

    python-interop/.venv/bin/python python-interop/zoo/build_zoo.py OUT_DIR [--only mlp,cnn] [--ptb DIR]
        [--fashion-mnist DIR] [--check-metrics]

Models (see recipes.py): mlp, cnn, gru, transformer (tf-keras model.save), lstm, transformer_keras3 (Keras 3
model.export),
einsum_module (tf.Module + tf.saved_model.save), conv1d (TF1 graph + simple_save, trained in a child process).
For each NAME, OUT_DIR receives
    NAME/          the SavedModel (signature serving_default)
    NAME.eval/     the held-out set: <input key>.npy per signature input ('/' -> '_') and labels.npy
    NAME.sample/   its first 64 examples in the same layout
    NAME.json      metadata, with the held-out metric measured on the saved model by
                   matcomp_interop.metrics.evaluate
and OUT_DIR/MANIFEST.json is written last. The build is cached: the key is a hash of the zoo's model-making sources, matcomp_interop's
Python sources and the requirement pins; a run whose models are all built with the current key returns at once
without importing TensorFlow. Each model is built in OUT_DIR/.tmp-NAME-PID/ and renamed into place, its .json last,
so a model is there complete or not at all.
"""
import argparse
import contextlib
import hashlib
import json
import os
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
INTEROP = os.path.dirname(HERE)
REPO = os.path.dirname(INTEROP)
MODELS = ("mlp", "cnn", "lstm", "gru", "transformer", "transformer_keras3", "conv1d", "einsum_module")
SAMPLE_EXAMPLES = 64
SEED = 1234
REQUIREMENT_FILES = ("requirements.txt", "requirements-nodeps.txt", "constraints.txt")
# The sources that decide what the zoo contains (the cache key); README tooling in zoo/ is not among them.
ZOO_SOURCES = ("build_zoo.py", "recipes.py", "models.py", "data.py", "evaluation.py", "conv1d_tf1.py")
# A model below these is broken, not merely small (the zoo's models reach 0.85-0.89 and perplexity < 200).
QUALITY_FLOOR = dict(accuracy=0.80, perplexity=400.0)


class ZooError(Exception):
    pass


def cache_key():
    """sha256 over the zoo's model-making sources, matcomp_interop (it scores the models) and the requirement pins."""
    h = hashlib.sha256()
    interop = os.path.join(INTEROP, "matcomp_interop")
    files = [os.path.join(HERE, n) for n in ZOO_SOURCES]
    files += sorted(os.path.join(interop, n) for n in os.listdir(interop) if n.endswith(".py"))
    files += [os.path.join(INTEROP, n) for n in REQUIREMENT_FILES]
    for path in files:
        h.update(os.path.relpath(path, INTEROP).encode() + b"\0")
        try:
            with open(path, "rb") as f:
                h.update(hashlib.sha256(f.read()).digest())
        except FileNotFoundError:
            h.update(b"missing")
    return h.hexdigest()


def _paths(out, name):
    return dict(model=os.path.join(out, name), eval=os.path.join(out, name + ".eval"),
                sample=os.path.join(out, name + ".sample"), json=os.path.join(out, name + ".json"))


def _present(out, name):
    p = _paths(out, name)
    return (os.path.isfile(os.path.join(p["model"], "saved_model.pb")) and os.path.isfile(p["json"])
            and os.path.isfile(os.path.join(p["eval"], "labels.npy"))
            and os.path.isfile(os.path.join(p["sample"], "labels.npy")))


def _read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def _current(out, name, key):
    meta = _read_json(_paths(out, name)["json"]) if _present(out, name) else None
    return meta is not None and meta.get("cache_key") == key


def _fast_path(out, key, names):
    """True when MANIFEST.json has the current key, lists every requested model, and all it lists are present."""
    manifest = _read_json(os.path.join(out, "MANIFEST.json"))
    if not manifest or manifest.get("key") != key:
        return False
    listed = manifest.get("models") or []
    return set(names) <= set(listed) and all(_present(out, n) for n in listed)


def _check_out_dir(out):
    def inside(path, parent):
        parent = os.path.realpath(parent)
        return path == parent or path.startswith(parent + os.sep)
    if inside(out, REPO) and not inside(out, os.path.join(REPO, "target")):
        raise ZooError("%s is inside the source tree (use a directory outside it, or under target/)" % out)
    if inside(out, "/work/shared"):
        raise ZooError("%s is under /work/shared, which is read-only data" % out)


@contextlib.contextmanager
def _locked(out):
    """An exclusive lock on OUT_DIR/.lock: two builds into one directory take turns."""
    import fcntl
    with open(os.path.join(out, ".lock"), "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _log(msg):
    print("build_zoo: " + msg, file=sys.stderr, flush=True)


def _write_json(path, obj):
    tmp = path + ".tmp-%d" % os.getpid()
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=2, sort_keys=False)
        f.write("\n")
    os.replace(tmp, path)


def _write_manifest(out, key, seconds):
    models, versions, train = [], None, 0.0
    for name in MODELS:
        if _current(out, name, key):
            meta = _read_json(_paths(out, name)["json"])
            models.append(name)
            train += meta.get("train_seconds", 0.0)
            versions = versions or {k: meta.get(k) for k in ("tensorflow", "keras", "tf_keras")}
    _write_json(os.path.join(out, "MANIFEST.json"), dict(
        key=key, models=models, total_seconds=round(seconds, 2), total_train_seconds=round(train, 2),
        versions=versions or {}, seed=SEED, built_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())))


# ---------------------------------------------------------------------------------------------------------------
# Building (TensorFlow is imported from here on)

def _evaluator(check):
    """The metric function (matcomp_interop.metrics.evaluate; the zoo's own while that module is absent)."""
    import evaluation
    if os.path.isfile(os.path.join(INTEROP, "matcomp_interop", "metrics.py")):
        import inspect
        from matcomp_interop.metrics import evaluate as shared
        # 100 sequences of PTB logits are 80 MB; the shared default batch may be larger.
        batch = dict(batch=100) if "batch" in inspect.signature(shared).parameters else {}

        def evaluate(model_dir, eval_dir, metric, output, output_kind):
            value = float(shared(model_dir, eval_dir, metric, output, output_kind, **batch))
            if check:
                own = evaluation.evaluate_own(model_dir, eval_dir, metric, output, output_kind)
                if abs(own - value) > 1e-6 * max(1.0, abs(value)):
                    raise ZooError("matcomp_interop.metrics.evaluate says %r, the zoo's own evaluation %r"
                                   % (value, own))
                _log("  metric check: matcomp_interop %.6f, own %.6f" % (value, own))
            return value, "matcomp_interop.metrics.evaluate"
    else:
        def evaluate(model_dir, eval_dir, metric, output, output_kind):
            return evaluation.evaluate_own(model_dir, eval_dir, metric, output, output_kind), "zoo evaluation.py"
    return evaluate


def _write_eval(model_dir, result, eval_dir, sample_dir):
    """Writes the held-out arrays under the signature's input keys and dtypes; returns the inputs' metadata."""
    import numpy as np
    import evaluation
    inputs, outputs = evaluation.signature(model_dir)
    arrays = result["eval_inputs"]
    if set(inputs) != set(arrays) and not (len(inputs) == 1 and len(arrays) == 1):
        raise ZooError("serving_default takes %s, the recipe gave %s" % (sorted(inputs), sorted(arrays)))
    os.makedirs(eval_dir)
    os.makedirs(sample_dir)
    meta = {}
    for key, (dtype, shape) in sorted(inputs.items()):
        a = arrays[key] if key in arrays else next(iter(arrays.values()))
        cast = a.astype(dtype)
        if not np.array_equal(cast, a):
            raise ZooError("input %s does not survive the cast to %s" % (key, np.dtype(dtype).name))
        if shape is not None and (len(shape) != cast.ndim or any(
                d is not None and d != s for d, s in zip(shape, cast.shape))):
            raise ZooError("input %s: array %s does not fit the signature's %s" % (key, cast.shape, shape))
        fname = evaluation.file_key(key) + ".npy"
        np.save(os.path.join(eval_dir, fname), cast)
        np.save(os.path.join(sample_dir, fname), cast[:SAMPLE_EXAMPLES])
        meta[key] = dict(dtype=np.dtype(dtype).name, shape=shape, file=fname)
    labels = result["labels"]
    np.save(os.path.join(eval_dir, "labels.npy"), labels)
    np.save(os.path.join(sample_dir, "labels.npy"), labels[:SAMPLE_EXAMPLES])
    outs = {k: dict(dtype=np.dtype(d).name, shape=s) for k, (d, s) in sorted(outputs.items())}
    if result["output"] not in outs:
        raise ZooError("serving_default has no output %s (has %s)" % (result["output"], sorted(outs)))
    return meta, outs, dict(dtype=labels.dtype.name, shape=list(labels.shape))


def _build_one(name, out, key, ctx, evaluate, versions):
    import recipes
    import evaluation
    start = time.time()
    tmp = os.path.join(out, ".tmp-%s-%d" % (name, os.getpid()))
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    try:
        t = _paths(tmp, name)
        result = recipes.RECIPES[name](ctx, t["model"])
        inputs, outputs, labels = _write_eval(t["model"], result, t["eval"], t["sample"])
        value, evaluated_by = evaluate(t["model"], t["eval"], result["metric"], result["output"],
                                       result["output_kind"])
        floor = QUALITY_FLOOR[result["metric"]]
        if (value < floor) if result["metric"] == "accuracy" else not (value <= floor):
            raise ZooError("held-out %s %.4f is past the floor %s: the model did not train" %
                           (result["metric"], value, floor))
        ops = evaluation.graph_ops(t["model"])
        extra = {k: v for k, v in result.items() if k not in (
            "eval_inputs", "labels", "saved_by", "dataset", "metric", "output", "output_kind", "train_seconds",
            "train_steps", "batch_size", "params")}
        meta = dict(
            name=name, family=recipes.FAMILIES[name], saved_by=result["saved_by"], dataset=result["dataset"],
            metric=result["metric"], metric_value=value, output=result["output"],
            output_kind=result["output_kind"], train_seconds=round(result["train_seconds"], 2),
            train_steps=int(result["train_steps"]), batch_size=int(result["batch_size"]), seed=ctx.seed,
            params=int(result["params"]), **versions,
            signature="serving_default", inputs=inputs, outputs=outputs, labels=labels,
            eval_examples=int(labels["shape"][0]), sample_examples=min(SAMPLE_EXAMPLES, labels["shape"][0]),
            evaluated_by=evaluated_by,
            graph_op_counts={k: v for k, v in sorted(ops.items()) if k in (
                "MatMul", "BatchMatMulV2", "Einsum", "Conv2D", "Conv1D", "DepthwiseConv2dNative", "While",
                "StatelessWhile", "ResourceGather", "GatherV2", "Gather", "ReadVariableOp", "VariableV2",
                "VarHandleOp")},
            build_seconds=round(time.time() - start, 2), cache_key=key, **extra)
        _write_json(t["json"], meta)
        # Into place: the old .json goes first and the new one comes last, so a reader never pairs a model with
        # metadata (or a cache key) that is not its own.
        final = _paths(out, name)
        if os.path.exists(final["json"]):
            os.remove(final["json"])
        for part in ("model", "eval", "sample"):
            shutil.rmtree(final[part], ignore_errors=True)
            os.rename(t[part], final[part])
        os.rename(t["json"], final["json"])
        return meta
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _build(out, key, names, args):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    sys.path[:0] = [HERE, INTEROP]
    import recipes  # imports TensorFlow
    recipes.configure_tensorflow(threads=2)
    import absl.logging
    import tensorflow as tf
    absl.logging.set_verbosity(absl.logging.ERROR)
    tf.get_logger().setLevel("ERROR")
    import keras
    import tf_keras
    versions = dict(tensorflow=tf.__version__, keras=keras.__version__, tf_keras=tf_keras.__version__)
    ctx = recipes.Context(fashion_mnist_dir=args.fashion_mnist, ptb_dir=args.ptb, seed=SEED, threads=2)
    evaluate = _evaluator(args.check_metrics)
    for name in names:
        try:
            meta = _build_one(name, out, key, ctx, evaluate, versions)
        except ZooError as e:
            raise ZooError("%s: %s" % (name, e))
        except Exception as e:
            first = str(e).strip().splitlines()[0] if str(e).strip() else ""
            raise ZooError("%s: %s: %s" % (name, type(e).__name__, first))
        _log("%-13s train %5.1f s  build %5.1f s  %s %.4f  params %d" % (
            name, meta["train_seconds"], meta["build_seconds"], meta["metric"], meta["metric_value"],
            meta["params"]))


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out_dir")
    p.add_argument("--only", help="comma-separated subset of " + ",".join(MODELS))
    p.add_argument("--ptb", help="directory of ptb.{train,valid,test}.txt (default /work/shared/testdata/data/ptb)")
    p.add_argument("--fashion-mnist", help="directory of the gzipped IDX files (default "
                                           "/usr/share/datasets/fashion-mnist)")
    p.add_argument("--check-metrics", action="store_true",
                   help="also evaluate with the zoo's own code and fail when it disagrees with matcomp_interop")
    args = p.parse_args(argv)
    names = list(MODELS)
    if args.only:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = [n for n in names if n not in MODELS]
        if unknown or not names:
            raise ZooError("--only: unknown model(s) %s (known: %s)" % (",".join(unknown), ",".join(MODELS)))
    out = os.path.realpath(args.out_dir)
    _check_out_dir(out)
    key = cache_key()
    if _fast_path(out, key, names):
        return 0
    start = time.time()
    os.makedirs(out, exist_ok=True)
    with _locked(out):
        for stale in os.listdir(out):  # left by a build that was killed (the lock says none is running)
            if stale.startswith(".tmp-"):
                shutil.rmtree(os.path.join(out, stale), ignore_errors=True)
        todo = [n for n in MODELS if n in names and not _current(out, n, key)]
        if todo:
            _build(out, key, todo, args)
        _write_manifest(out, key, time.time() - start)
    if todo:
        _log("%d model(s) built in %.0f s into %s" % (len(todo), time.time() - start, out))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except ZooError as e:
        print("build_zoo: error: %s" % e, file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("build_zoo: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as e:
        print("build_zoo: error: %s: %s" % (type(e).__name__, str(e).strip().splitlines()[0] if str(e).strip()
                                                                    else ""), file=sys.stderr)
        sys.exit(1)
