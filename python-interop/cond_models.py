#!/usr/bin/env python3
"""SavedModels whose weights are read inside tf.cond / tf.switch_case branches, and a runner for any SavedModel's
signatures on .npy feeds (scalar inputs included, which matcomp_interop's batch slicing cannot take).

    python cond_models.py build OUT_DIR        # OUT_DIR/cond_module, OUT_DIR/cond_assign (cached by this file's hash)
    python cond_models.py run JOBS.json        # jobs: [{"model", "signature", "inputs", "out"}, ...]

cond_module (tf.Module, tf.saved_model.save):
    serving_default(x [None, 64] float32, flag [] bool) -> {y, z}
        y = tf.cond(flag, relu(x·w1)·w2·w3, (x·w1 · 0.5)·w2)   an If whose branches capture the handles
        z = x·w1                                             w1 is read outside the branches too
        w3 is read only by the true branch; the false branch takes it as an unused argument.
    switch(x [None, 64] float32, index [] int32) -> {y}
        k = w4's value, read before the switch
        y = tf.switch_case(index, [x·k, 2·relu(x·k), x[:, :32]])   a StatelessCase taking the value
cond_assign (the rewrite must refuse):
    serving_default(x, flag) -> {y}
        wa: the true branch assigns it (assign_add of zeros) before reading it
        wb: read by a MatMul outside any branch (compresses)
        wc: both branches hand its value out as the cond's output, which a MatMul then reads

run writes <output key>.npy (key with '/' made '_') for each job's signature into the job's "out" directory; feeds
are <input key>.npy files in "inputs". Models load with tf.saved_model.load (matcomp's TF1-style outputs included).
"""
import hashlib
import json
import os
import shutil
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = ("cond_module", "cond_assign")


def cache_key():
    h = hashlib.sha256()
    for name in ("cond_models.py", "requirements.txt", "constraints.txt"):
        try:
            with open(os.path.join(HERE, name), "rb") as f:
                h.update(name.encode() + b"\0" + hashlib.sha256(f.read()).digest())
        except FileNotFoundError:
            h.update(name.encode() + b"\0missing")
    return h.hexdigest()


def build(out):
    key = cache_key()
    stamp = os.path.join(out, "KEY")
    if os.path.isfile(stamp) and open(stamp).read() == key and all(
            os.path.isfile(os.path.join(out, m, "saved_model.pb")) for m in MODELS):
        return
    import tensorflow as tf
    tf.get_logger().setLevel("ERROR")

    def weight(shape, seed):
        # stateless: the same values on every build, scaled so outputs stay O(1)
        return tf.Variable(tf.random.stateless_normal(shape, seed=[seed, 7]) / shape[0] ** 0.5,
                           name=f"w{seed}")

    x_spec = tf.TensorSpec([None, 64], tf.float32, name="x")

    class CondModule(tf.Module):
        def __init__(self):
            super().__init__(name="cond_module")
            self.w1 = tf.Variable(weight([64, 48], 1), name="w1")
            self.w2 = tf.Variable(weight([48, 32], 2), name="w2")
            self.w3 = tf.Variable(weight([32, 32], 3), name="w3")
            self.w4 = tf.Variable(weight([64, 32], 4), name="w4")

        @tf.function(input_signature=[x_spec, tf.TensorSpec([], tf.bool, name="flag")])
        def serve(self, x, flag):
            y = tf.cond(flag, lambda: tf.nn.relu(x @ self.w1) @ self.w2 @ self.w3,
                        lambda: (x @ self.w1 * 0.5) @ self.w2)
            return {"y": y, "z": x @ self.w1}

        @tf.function(input_signature=[x_spec, tf.TensorSpec([], tf.int32, name="index")])
        def switch(self, x, index):
            k = tf.convert_to_tensor(self.w4)
            y = tf.switch_case(index, [lambda: x @ k, lambda: 2.0 * tf.nn.relu(x @ k), lambda: x[:, :32]])
            return {"y": y}

    class CondAssign(tf.Module):
        def __init__(self):
            super().__init__(name="cond_assign")
            self.wa = tf.Variable(weight([64, 32], 5), name="wa")
            self.wb = tf.Variable(weight([64, 32], 6), name="wb")
            self.wc = tf.Variable(weight([64, 32], 7), name="wc")

        @tf.function(input_signature=[x_spec, tf.TensorSpec([], tf.bool, name="flag")])
        def serve(self, x, flag):
            def assigns():
                with tf.control_dependencies([self.wa.assign_add(tf.zeros([64, 32]))]):
                    return x @ self.wa.read_value()
            y = tf.cond(flag, assigns, lambda: x @ self.wa)
            wc = tf.cond(flag, lambda: tf.identity(self.wc), lambda: tf.identity(self.wc))
            return {"y": y + x @ self.wb + x @ wc}

    os.makedirs(out, exist_ok=True)
    if os.path.exists(stamp):
        os.remove(stamp)
    for name, module, sigs in (("cond_module", CondModule(), lambda m: {"serving_default": m.serve,
                                                                         "switch": m.switch}),
                               ("cond_assign", CondAssign(), lambda m: {"serving_default": m.serve})):
        tmp = os.path.join(out, f".tmp-{name}-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        tf.saved_model.save(module, tmp, signatures=sigs(module))
        shutil.rmtree(os.path.join(out, name), ignore_errors=True)
        os.rename(tmp, os.path.join(out, name))
    with open(stamp, "w") as f:
        f.write(key)


def run(jobs_file):
    import numpy as np
    import tensorflow as tf
    tf.get_logger().setLevel("ERROR")
    with open(jobs_file) as f:
        jobs = json.load(f)
    loaded = {}
    for job in jobs:
        model = job["model"]
        if model not in loaded:
            loaded[model] = tf.saved_model.load(model)
        fn = loaded[model].signatures[job["signature"]]
        feeds = {}
        for name in fn.structured_input_signature[1]:
            feeds[name] = tf.constant(np.load(os.path.join(job["inputs"], name.replace("/", "_") + ".npy")))
        os.makedirs(job["out"], exist_ok=True)
        for name, value in fn(**feeds).items():
            np.save(os.path.join(job["out"], name.replace("/", "_") + ".npy"), value.numpy())


def main(argv):
    if len(argv) == 2 and argv[0] == "build":
        build(argv[1])
    elif len(argv) == 2 and argv[0] == "run":
        run(argv[1])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
