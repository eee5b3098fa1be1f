"""Trains the zoo's TF1-style Conv1D classifier and saves it with tf.compat.v1.saved_model.simple_save.

Run in its own process by recipes.conv1d (disable_v2_behavior() is process-global):

    python conv1d_tf1.py MODEL_DIR STATS_JSON [--seed N] [--threads N] [--fashion-mnist DIR]

Graph mode with ref variables (tf.compat.v1.get_variable(use_resource=False)), the Fashion-MNIST rows as a sequence
of 28 steps of 28 features, tf.compat.v1.train.AdamOptimizer, a Session. STATS_JSON receives the training facts.
"""
import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

RECIPE = dict(epochs=3, batch_size=128, learning_rate=1e-3)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("model_dir")
    p.add_argument("stats_json")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--fashion-mnist", default=None)
    args = p.parse_args(argv)

    import numpy as np
    import tensorflow as tf
    tf.compat.v1.disable_v2_behavior()
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import data
    import models

    (x_train, y_train), _ = data.load_fashion_mnist(args.fashion_mnist)
    v1 = tf.compat.v1
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(args.seed)
        net = models.build_conv1d_graph()
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=net["labels"],
                                                                              logits=net["logits"]))
        global_step = v1.train.get_or_create_global_step()
        train_op = v1.train.AdamOptimizer(RECIPE["learning_rate"]).minimize(loss, global_step=global_step)
        trainable = v1.trainable_variables()
        if any("Resource" in v.op.type or "VarHandle" in v.op.type for v in trainable):
            raise RuntimeError("expected ref variables, got resource variables")
        params = int(sum(int(np.prod(v.shape.as_list())) for v in trainable))
        config = v1.ConfigProto(intra_op_parallelism_threads=args.threads,
                                inter_op_parallelism_threads=args.threads)
        with v1.Session(graph=graph, config=config) as sess:
            sess.run(v1.global_variables_initializer())
            rng = np.random.RandomState(args.seed)
            bs, steps = RECIPE["batch_size"], 0
            start = time.time()
            for _ in range(RECIPE["epochs"]):
                order = rng.permutation(len(x_train))
                for i in range(0, len(order), bs):
                    idx = order[i:i + bs]
                    last, _ = sess.run([loss, train_op], {net["pixels"]: x_train[idx], net["labels"]: y_train[idx]})
                    steps += 1
            seconds = time.time() - start
            if not np.isfinite(last):
                raise RuntimeError("training diverged (loss %s)" % last)
            v1.saved_model.simple_save(sess, args.model_dir, inputs={models.IMAGE_INPUT: net["pixels"]},
                                       outputs={"logits": net["logits"], "probabilities": net["probabilities"]})
    with open(args.stats_json, "w") as f:
        json.dump(dict(train_seconds=seconds, train_steps=steps, batch_size=RECIPE["batch_size"], params=params,
                       final_train_loss=float(last)), f)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except Exception as e:  # one line for the parent
        print("conv1d_tf1.py: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        sys.exit(1)
