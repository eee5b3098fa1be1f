#!/usr/bin/env python3
"""tensorflow-model-optimization beside matcomp on the zoo's Fashion-MNIST models (`matcomp bench tfmot` runs this).

For each model (the zoo's tf-keras MLP and CNN), starting from the zoo's trained SavedModel:
  tfmot  prune_low_magnitude to 80 % and 90 % (PolynomialDecay from 0, UpdatePruningStep), fine-tuned --steps
         batches, strip_pruning;  cluster_weights with 16 clusters (k-means++ centroids), fine-tuned --steps batches,
         strip_clustering — each as tfmot's guides do it — then saved as a SavedModel without optimizer state;
  matcomp the SavedModels `matcomp compress` wrote (prune --sparsity 0.8 / 0.9, kmeans --clusters 16; no fine-tuning),
         listed in --matcomp as [{"model", "variant", "dir"}];
and for every one: held-out accuracy (the whole Fashion-MNIST test set, matcomp_interop.metrics, the same code for
all), bytes of variables/, and variables/ ZIP_DEFLATED (tfmot's get_gzipped_model_size measure). The dense row is
the zoo model re-saved without optimizer state, so no side gains from dropping Adam's slots.

    python-interop/.venv/bin/python python-interop/bench_tfmot.py --zoo target/zoo --work DIR --steps 1000 \
        --matcomp DIR/matcomp.json
Prints one JSON object.
"""
import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "zoo"))
sys.path.insert(0, HERE)

import tensorflow as tf  # noqa: E402

import data  # noqa: E402  (python-interop/zoo)
import models  # noqa: E402
from matcomp_interop import metrics, sizes  # noqa: E402

RECIPES = {"mlp": models.MLP_RECIPE, "cnn": models.CNN_RECIPE}
PRUNE_SPARSITIES = (0.8, 0.9)
CLUSTERS = 16
# tfmot's clustering guide fine-tunes with a learning rate 100x below training's (1e-5 after 1e-3); the pruning
# guide keeps Adam's default.
CLUSTER_LEARNING_RATE = 1e-5


def row(tool, variant, model_dir, eval_dir, seconds=None, steps=0):
    return {"tool": tool, "variant": variant, "dir": model_dir,
            "accuracy": metrics.evaluate(model_dir, eval_dir, "accuracy", "logits", "logits"),
            "variables_bytes": sizes.variables_bytes(model_dir),
            "gzipped_variables_bytes": sizes.gzipped_variables_bytes(model_dir),
            "fine_tune_steps": steps, "seconds": seconds}


def train_batches(x, y, batch_size, seed):
    ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    return ds.repeat().batch(batch_size).prefetch(2)


def fine_tune(model, x, y, recipe, steps, learning_rate, callbacks, seed):
    import tf_keras
    model.compile(optimizer=tf_keras.optimizers.Adam(learning_rate),
                  loss=tf_keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    model.fit(train_batches(x, y, recipe["batch_size"], seed), steps_per_epoch=steps, epochs=1,
              callbacks=callbacks, verbose=0)


def tfmot_rows(name, zoo, work, steps, seed, ctx_data):
    import tf_keras
    import tensorflow_model_optimization as tfmot
    (x_train, y_train), _ = ctx_data
    recipe = RECIPES[name]
    eval_dir = os.path.join(zoo, name + ".eval")
    rows = []

    dense = os.path.join(work, name + ".dense")
    tf_keras.models.load_model(os.path.join(zoo, name), compile=False).save(dense, save_format="tf",
                                                                            include_optimizer=False)
    rows.append(row("dense", "original (re-saved without optimizer state)", dense, eval_dir))

    for sparsity in PRUNE_SPARSITIES:
        tf_keras.utils.set_random_seed(seed)
        base = tf_keras.models.load_model(os.path.join(zoo, name), compile=False)
        schedule = tfmot.sparsity.keras.PolynomialDecay(initial_sparsity=0.0, final_sparsity=sparsity, begin_step=0,
                                                        end_step=steps, frequency=max(1, steps // 20))
        pruned = tfmot.sparsity.keras.prune_low_magnitude(base, pruning_schedule=schedule)
        t0 = time.time()
        fine_tune(pruned, x_train, y_train, recipe, steps, recipe["learning_rate"],
                  [tfmot.sparsity.keras.UpdatePruningStep()], seed)
        out = os.path.join(work, f"{name}.tfmot-prune-{sparsity}")
        tfmot.sparsity.keras.strip_pruning(pruned).save(out, save_format="tf", include_optimizer=False)
        rows.append(row("tfmot", f"prune_low_magnitude {sparsity:.0%}", out, eval_dir, time.time() - t0, steps))

    tf_keras.utils.set_random_seed(seed)
    base = tf_keras.models.load_model(os.path.join(zoo, name), compile=False)
    clustered = tfmot.clustering.keras.cluster_weights(
        base, number_of_clusters=CLUSTERS,
        cluster_centroids_init=tfmot.clustering.keras.CentroidInitialization.KMEANS_PLUS_PLUS)
    t0 = time.time()
    fine_tune(clustered, x_train, y_train, recipe, steps, CLUSTER_LEARNING_RATE, [], seed)
    out = os.path.join(work, f"{name}.tfmot-cluster-{CLUSTERS}")
    tfmot.clustering.keras.strip_clustering(clustered).save(out, save_format="tf", include_optimizer=False)
    rows.append(row("tfmot", f"cluster_weights {CLUSTERS} clusters", out, eval_dir, time.time() - t0, steps))
    return rows


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--zoo", required=True, help="the zoo directory (build_zoo.py's OUT_DIR)")
    p.add_argument("--work", required=True, help="where tfmot's models are written")
    p.add_argument("--steps", type=int, default=1000, help="fine-tuning batches for each tfmot variant")
    p.add_argument("--matcomp", required=True, help='JSON list of {"model", "variant", "dir"} matcomp wrote')
    p.add_argument("--models", default="mlp,cnn")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)
    tf.get_logger().setLevel("ERROR")
    tf.config.threading.set_inter_op_parallelism_threads(2)
    tf.config.threading.set_intra_op_parallelism_threads(2)
    os.makedirs(a.work, exist_ok=True)
    with open(a.matcomp) as f:
        ours = json.load(f)
    fashion = data.load_fashion_mnist()
    result = {"steps": a.steps, "batch_size": {m: RECIPES[m]["batch_size"] for m in RECIPES},
              "tensorflow": tf.__version__, "models": {}}
    for name in a.models.split(","):
        eval_dir = os.path.join(a.zoo, name + ".eval")
        rows = tfmot_rows(name, a.zoo, a.work, a.steps, a.seed, fashion)
        for job in (j for j in ours if j["model"] == name):
            rows.append(row("matcomp", job["variant"], job["dir"], eval_dir))
        dense = rows[0]
        for r in rows:
            r["variables_ratio"] = dense["variables_bytes"] / r["variables_bytes"]
            r["gzipped_ratio"] = dense["gzipped_variables_bytes"] / r["gzipped_variables_bytes"]
        result["models"][name] = rows
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
