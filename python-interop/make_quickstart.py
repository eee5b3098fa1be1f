"""Makes the README quick start's fixtures: a small Keras MLP trained on Fashion-MNIST, saved as a SavedModel the
way a tf-keras user does, and 64 held-out images with their labels.

    python-interop/.venv/bin/python python-interop/make_quickstart.py [OUT_ROOT]

writes OUT_ROOT/savedmodels/quickstart_mlp/ and OUT_ROOT/quickstart/{inputs,labels}.npy (OUT_ROOT: testdata/).
The files are committed; run this again only to change them. Training is seeded and deterministic on CPU, but
TensorFlow does not promise identical bytes across versions, so the committed files are the reference.
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "zoo"))

import data  # noqa: E402
import models  # noqa: E402
import recipes  # noqa: E402

SAMPLES = 64


def main(out_root):
    recipes.configure_tensorflow()
    import tf_keras
    tf_keras.utils.set_random_seed(0)
    (x_train, y_train), (x_test, y_test) = data.load_fashion_mnist()
    model = models.build_mlp(hidden=(128, 64))
    model.compile(optimizer=tf_keras.optimizers.Adam(1e-3),
                  loss=tf_keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    model.fit(x_train, y_train, batch_size=128, epochs=3, verbose=0)
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    model_dir = os.path.join(out_root, "savedmodels", "quickstart_mlp")
    model.save(model_dir, include_optimizer=False)  # the weights only: no Adam slots in the fixture
    samples_dir = os.path.join(out_root, "quickstart")
    os.makedirs(samples_dir, exist_ok=True)
    np.save(os.path.join(samples_dir, "inputs.npy"), x_test[:SAMPLES].astype(np.float32))
    np.save(os.path.join(samples_dir, "labels.npy"), y_test[:SAMPLES].astype(np.int32))
    sample_accuracy = float(np.mean(np.argmax(model.predict(x_test[:SAMPLES], verbose=0), axis=1) == y_test[:SAMPLES]))
    print("saved %s: test accuracy %.4f (%d images), %.4f on the %d quick-start samples"
          % (model_dir, accuracy, len(y_test), sample_accuracy, SAMPLES))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "testdata"))
