"""How each zoo model is trained and saved (imported by build_zoo.py only when something has to be built).

Every recipe takes a Context and the directory to save the SavedModel into, trains the model on real data with a
fixed seed, saves it the way that kind of user does, and returns a dict with the metadata it knows (saved_by,
dataset, metric, output, output_kind, train_seconds, train_steps, batch_size, params) and the held-out set:
`eval_inputs` (logical input name -> array, the layout the model was trained on) and `labels`.
"""
import contextlib
import io
import json
import os
import subprocess
import sys
import time

import numpy as np
import tensorflow as tf

import data
import models

HERE = os.path.dirname(os.path.abspath(__file__))
PTB_EVAL_WINDOWS = 2000


def configure_tensorflow(threads=2):
    """Limits TensorFlow to `threads` cores and makes its kernels deterministic (call before any op runs)."""
    tf.config.threading.set_inter_op_parallelism_threads(threads)
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.experimental.enable_op_determinism()


class Context:
    """Data locations, the seed, and the datasets (each read once per process)."""

    def __init__(self, fashion_mnist_dir=None, ptb_dir=None, seed=0, threads=2):
        self.fashion_mnist_dir = fashion_mnist_dir
        self.ptb_dir = ptb_dir
        self.seed = seed
        self.threads = threads
        self._fashion = None
        self._ptb = None

    @property
    def fashion(self):
        if self._fashion is None:
            self._fashion = data.load_fashion_mnist(self.fashion_mnist_dir)
        return self._fashion

    @property
    def ptb(self):
        if self._ptb is None:
            self._ptb = data.load_ptb(self.ptb_dir)
        return self._ptb


def _keras3_export(model, model_dir):
    """model.export(model_dir): Keras 3's SavedModel export (endpoint `serve`, aliased as `serving_default`).

    Keras 3.8 prints the endpoints whatever `verbose` says; that goes nowhere here."""
    with contextlib.redirect_stdout(io.StringIO()):
        model.export(model_dir, verbose=False)


def _count_params(variables):
    return int(sum(int(np.prod(v.shape)) for v in variables))


def _fashion_result(ctx, **meta):
    (_, _), (x_test, y_test) = ctx.fashion
    return dict(dataset="fashion-mnist", metric="accuracy", eval_inputs={models.IMAGE_INPUT: x_test},
                labels=y_test.astype(np.int32), **meta)


def _ptb_result(ctx, **meta):
    x, y = data.ptb_windows(ctx.ptb.valid, models.SEQ_LEN, max_windows=PTB_EVAL_WINDOWS)
    return dict(dataset="ptb", metric="perplexity", eval_inputs={models.TOKEN_INPUT: x}, labels=y, **meta)


# ---------------------------------------------------------------------------------------------------------------
# tf-keras (Keras 2) models, saved by model.save(save_format='tf')

def _tf_keras_classifier(ctx, model_dir, model, recipe):
    import tf_keras
    (x_train, y_train), _ = ctx.fashion
    models.compile_classifier(model, recipe["learning_rate"])
    start = time.time()
    model.fit(x_train, y_train, batch_size=recipe["batch_size"], epochs=recipe["epochs"], shuffle=True, verbose=0)
    seconds = time.time() - start
    model.save(model_dir, save_format="tf")
    steps = recipe["epochs"] * -(-len(x_train) // recipe["batch_size"])
    return _fashion_result(ctx, saved_by="tf_keras.save", output="logits", output_kind="logits",
                           train_seconds=seconds, train_steps=steps, batch_size=recipe["batch_size"],
                           params=_count_params(model.trainable_variables),
                           architecture=model.name, keras_api="tf_keras " + tf_keras.__version__)


def mlp(ctx, model_dir):
    import tf_keras
    tf_keras.backend.clear_session()
    tf_keras.utils.set_random_seed(ctx.seed)
    return _tf_keras_classifier(ctx, model_dir, models.build_mlp(), models.MLP_RECIPE)


def cnn(ctx, model_dir):
    import tf_keras
    tf_keras.backend.clear_session()
    tf_keras.utils.set_random_seed(ctx.seed)
    return _tf_keras_classifier(ctx, model_dir, models.build_cnn(), models.CNN_RECIPE)


# ---------------------------------------------------------------------------------------------------------------
# Next-word models on PTB: a custom loop with sampled softmax (the full 10 000-way softmax costs 5x more per step
# on 2 cores); the saved model computes the full logits, and the perplexity is measured on them.

NEXT_WORD_SAMPLED = 512


def _train_next_word(ctx, model, recurrent_layer, optimizer, steps, batch_size, num_sampled=NEXT_WORD_SAMPLED):
    """Trains `model` (tokens -> recurrent_layer -> Dense "logits") with sampled softmax; returns seconds."""
    ptb = ctx.ptb
    x, y = data.ptb_windows(ptb.train, models.SEQ_LEN)
    dense = model.get_layer("logits")
    body = type(model)(model.inputs, recurrent_layer.output)  # same Keras as the model (Functional)
    units = recurrent_layer.output.shape[-1]
    variables = model.trainable_variables
    vocab = ptb.vocab_size

    @tf.function
    def step(xb, yb):
        with tf.GradientTape() as tape:
            hidden = tf.reshape(body([xb], training=True), [-1, units])
            loss = tf.reduce_mean(tf.nn.sampled_softmax_loss(
                weights=tf.transpose(dense.kernel), biases=dense.bias,
                labels=tf.reshape(tf.cast(yb, tf.int64), [-1, 1]), inputs=hidden,
                num_sampled=num_sampled, num_classes=vocab, remove_accidental_hits=True))
        grads = tape.gradient(loss, variables)
        optimizer.apply_gradients(zip(grads, variables))
        return loss

    rng = np.random.RandomState(ctx.seed)
    order, pos = rng.permutation(len(x)), 0
    start = time.time()
    for _ in range(steps):
        if pos + batch_size > len(order):
            order, pos = rng.permutation(len(x)), 0
        idx = order[pos:pos + batch_size]
        pos += batch_size
        loss = step(x[idx], y[idx])
    loss = float(loss)
    if not np.isfinite(loss):
        raise RuntimeError("training diverged (loss %s)" % loss)
    return time.time() - start


LSTM_RECIPE = dict(steps=600, batch_size=64, learning_rate=5e-3, embedding=100, units=200)
GRU_RECIPE = dict(steps=800, batch_size=64, learning_rate=5e-3, embedding=64, units=128)


def lstm(ctx, model_dir):
    """Keras 3 Embedding + LSTM next-word model, exported by model.export (Keras 3's SavedModel path)."""
    import keras
    keras.utils.clear_session()
    keras.utils.set_random_seed(ctx.seed)
    r = LSTM_RECIPE
    model = models.build_lstm(ctx.ptb.vocab_size, r["embedding"], r["units"], ctx.ptb.unigram_log_probs())
    seconds = _train_next_word(ctx, model, model.get_layer("lstm"), keras.optimizers.Adam(r["learning_rate"]),
                               r["steps"], r["batch_size"])
    _keras3_export(model, model_dir)
    return _ptb_result(ctx, saved_by="keras3.export", output="output_0", output_kind="logits",
                       train_seconds=seconds, train_steps=r["steps"], batch_size=r["batch_size"],
                       params=_count_params(model.trainable_variables), keras_api="keras " + keras.__version__,
                       training="sampled softmax (%d samples), Adam" % NEXT_WORD_SAMPLED)


def gru(ctx, model_dir):
    """tf-keras Embedding + GRU next-word model, saved by model.save(save_format='tf')."""
    import tf_keras
    tf_keras.backend.clear_session()
    tf_keras.utils.set_random_seed(ctx.seed)
    r = GRU_RECIPE
    model = models.build_gru(ctx.ptb.vocab_size, r["embedding"], r["units"], ctx.ptb.unigram_log_probs())
    optimizer = tf_keras.optimizers.Adam(r["learning_rate"])
    # Compiled like a user's model (the SavedModel then carries the optimizer and its slots too).
    model.compile(optimizer=optimizer,
                  loss=tf_keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    seconds = _train_next_word(ctx, model, model.get_layer("gru"), optimizer, r["steps"], r["batch_size"])
    model.save(model_dir, save_format="tf")
    return _ptb_result(ctx, saved_by="tf_keras.save", output="logits", output_kind="logits",
                       train_seconds=seconds, train_steps=r["steps"], batch_size=r["batch_size"],
                       params=_count_params(model.trainable_variables),
                       keras_api="tf_keras " + tf_keras.__version__,
                       training="sampled softmax (%d samples), Adam" % NEXT_WORD_SAMPLED)


# ---------------------------------------------------------------------------------------------------------------
# Transformer encoders: tf-keras saved by model.save (Einsum ops), Keras 3 exported by model.export (BatchMatMulV2)

TRANSFORMER_RECIPE = dict(epochs=3, batch_size=256, learning_rate=3e-3)


def transformer(ctx, model_dir):
    import tf_keras
    tf_keras.backend.clear_session()
    tf_keras.utils.set_random_seed(ctx.seed)
    r = TRANSFORMER_RECIPE
    (x_train, y_train), _ = ctx.fashion
    model = models.compile_classifier(models.build_transformer(api="tf_keras"), r["learning_rate"])
    start = time.time()
    model.fit(x_train, y_train, batch_size=r["batch_size"], epochs=r["epochs"], shuffle=True, verbose=0)
    seconds = time.time() - start
    model.save(model_dir, save_format="tf")
    return _fashion_result(ctx, saved_by="tf_keras.save", output="logits", output_kind="logits",
                           train_seconds=seconds, train_steps=r["epochs"] * -(-len(x_train) // r["batch_size"]),
                           batch_size=r["batch_size"], params=_count_params(model.trainable_variables),
                           keras_api="tf_keras " + tf_keras.__version__)


def transformer_keras3(ctx, model_dir):
    import keras
    keras.utils.clear_session()
    keras.utils.set_random_seed(ctx.seed)
    r = TRANSFORMER_RECIPE
    (x_train, y_train), _ = ctx.fashion
    model = models.build_transformer(api="keras")
    model.compile(optimizer=keras.optimizers.Adam(r["learning_rate"]),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    start = time.time()
    model.fit(x_train, y_train, batch_size=r["batch_size"], epochs=r["epochs"], shuffle=True, verbose=0)
    seconds = time.time() - start
    _keras3_export(model, model_dir)
    return _fashion_result(ctx, saved_by="keras3.export", output="output_0", output_kind="logits",
                           train_seconds=seconds, train_steps=r["epochs"] * -(-len(x_train) // r["batch_size"]),
                           batch_size=r["batch_size"], params=_count_params(model.trainable_variables),
                           keras_api="keras " + keras.__version__)


# ---------------------------------------------------------------------------------------------------------------
# Hand-written tf.Module, saved by tf.saved_model.save

EINSUM_RECIPE = dict(steps=1400, batch_size=128, learning_rate=2e-3)


def einsum_module(ctx, model_dir):
    import keras
    tf.random.set_seed(ctx.seed)
    np.random.seed(ctx.seed)
    r = EINSUM_RECIPE
    (x_train, y_train), _ = ctx.fashion
    module = models.EinsumAttentionClassifier(seed=ctx.seed)
    variables = module.trainable_variables
    optimizer = keras.optimizers.Adam(r["learning_rate"])  # not attached to the module: not saved

    @tf.function(input_signature=[tf.TensorSpec([None, 28, 28], tf.float32), tf.TensorSpec([None], tf.int32)])
    def step(xb, yb):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(yb, module.logits(xb)))
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return loss

    rng = np.random.RandomState(ctx.seed)
    order, pos = rng.permutation(len(x_train)), 0
    start = time.time()
    for _ in range(r["steps"]):
        if pos + r["batch_size"] > len(order):
            order, pos = rng.permutation(len(x_train)), 0
        idx = order[pos:pos + r["batch_size"]]
        pos += r["batch_size"]
        loss = step(x_train[idx], y_train[idx])
    if not np.isfinite(float(loss)):
        raise RuntimeError("training diverged (loss %s)" % float(loss))
    seconds = time.time() - start
    tf.saved_model.save(module, model_dir, signatures={"serving_default": module.serve})
    return _fashion_result(ctx, saved_by="tf.saved_model.save", output="logits", output_kind="logits",
                           train_seconds=seconds, train_steps=r["steps"], batch_size=r["batch_size"],
                           params=_count_params(variables))


# ---------------------------------------------------------------------------------------------------------------
# TF1 graph, saved by tf.compat.v1.saved_model.simple_save. disable_v2_behavior() is process-global, so the model
# is trained in a child process (conv1d_tf1.py); this process only evaluates what it saved.

def conv1d(ctx, model_dir):
    stats_path = model_dir.rstrip("/") + ".train.json"
    cmd = [sys.executable, os.path.join(HERE, "conv1d_tf1.py"), model_dir, stats_path,
           "--seed", str(ctx.seed), "--threads", str(ctx.threads)]
    if ctx.fashion_mnist_dir:
        cmd += ["--fashion-mnist", ctx.fashion_mnist_dir]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        tail = [l for l in proc.stderr.strip().splitlines() if l.strip()][-1:] or ["(no output)"]
        raise RuntimeError("conv1d_tf1.py exited %d: %s" % (proc.returncode, tail[0]))
    with open(stats_path) as f:
        stats = json.load(f)
    os.remove(stats_path)
    return _fashion_result(ctx, saved_by="tf1.simple_save", output="probabilities", output_kind="probabilities",
                           **stats)


RECIPES = dict(mlp=mlp, cnn=cnn, lstm=lstm, gru=gru, transformer=transformer, transformer_keras3=transformer_keras3,
               conv1d=conv1d, einsum_module=einsum_module)
FAMILIES = dict(mlp="mlp", cnn="cnn", lstm="lstm", gru="gru", transformer="transformer",
                transformer_keras3="transformer", conv1d="conv1d", einsum_module="einsum")
