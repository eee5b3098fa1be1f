"""A SavedModel signature as a function of numpy arrays, whichever way the model was saved."""
import os

import numpy as np
import tensorflow as tf


class Served:
    """``serving_default`` (or another signature) of a SavedModel, called with numpy feeds, batch by batch.

    ``tf.saved_model.load`` takes TF2 object-graph models and TF1-style graphs alike (matcomp's outputs are the latter).
    Some Keras SavedModels that carry an old optimizer fail there ("'_UserObject' object has no attribute 'add_slot'");
    those are run through ``tf.compat.v1.saved_model.load`` in a session of their own.
    """

    def __init__(self, model_dir, signature, call, input_specs, output_names, close=None):
        self.model_dir = model_dir
        self.signature = signature
        self._call = call
        self.input_specs = input_specs  # name -> (numpy dtype, shape tuple with None for unknown dims)
        self.output_names = output_names
        self._close = close

    @staticmethod
    def load(model_dir, signature="serving_default", tags=("serve",)):
        if not os.path.isfile(os.path.join(model_dir, "saved_model.pb")):
            raise ValueError(f"{model_dir} holds no saved_model.pb")
        try:
            return Served._load_v2(model_dir, signature, tags)
        except (AttributeError, KeyError, ValueError, TypeError) as e:
            first = str(e).splitlines()[0] if str(e) else type(e).__name__
            try:
                return Served._load_v1(model_dir, signature, tags)
            except Exception as e1:  # report both: the v1 failure alone would hide why v2 was not used
                raise ValueError(f"{model_dir}: tf.saved_model.load failed ({first}); the TF1 loader too: "
                                 f"{str(e1).splitlines()[0]}") from e1

    @staticmethod
    def _load_v2(model_dir, signature, tags):
        obj = tf.saved_model.load(model_dir, tags=list(tags))
        if signature not in obj.signatures:
            raise KeyError(f"{model_dir} has no signature '{signature}' (has {sorted(obj.signatures.keys())})")
        f = obj.signatures[signature]
        specs = {k: (s.dtype.as_numpy_dtype, tuple(s.shape.as_list()) if s.shape.rank is not None else None)
                 for k, s in f.structured_input_signature[1].items()}
        outputs = sorted(f.structured_outputs.keys())

        def call(feeds):
            out = f(**{k: tf.constant(v) for k, v in feeds.items()})
            return {k: v.numpy() for k, v in out.items()}
        served = Served(model_dir, signature, call, specs, outputs)
        served._keep = obj  # the signature function needs its object graph alive
        return served

    @staticmethod
    def _load_v1(model_dir, signature, tags):
        graph = tf.Graph()
        session = tf.compat.v1.Session(graph=graph)
        with graph.as_default():
            meta = tf.compat.v1.saved_model.load(session, list(tags), model_dir)
        if signature not in meta.signature_def:
            raise KeyError(f"{model_dir} has no signature '{signature}' (has {sorted(meta.signature_def.keys())})")
        sig = meta.signature_def[signature]
        specs = {}
        for k, info in sig.inputs.items():
            dims = None if info.tensor_shape.unknown_rank else tuple(
                None if d.size < 0 else d.size for d in info.tensor_shape.dim)
            specs[k] = (tf.as_dtype(info.dtype).as_numpy_dtype, dims)
        fetches = {k: graph.get_tensor_by_name(v.name) for k, v in sig.outputs.items()}
        feeds_by_name = {k: graph.get_tensor_by_name(v.name) for k, v in sig.inputs.items()}

        def call(feeds):
            return session.run(fetches, feed_dict={feeds_by_name[k]: v for k, v in feeds.items()})
        return Served(model_dir, signature, call, specs, sorted(fetches.keys()), close=session.close)

    def __call__(self, feeds, batch=256):
        """Runs the signature on ``feeds`` (name -> array, all sharing the leading example axis) in slices of
        ``batch`` examples and concatenates the outputs."""
        missing = set(self.input_specs) - set(feeds)
        if missing:
            raise ValueError(f"{self.model_dir}: no feed for signature input(s) {sorted(missing)}")
        feeds = {k: np.asarray(v, dtype=self.input_specs[k][0]) for k, v in feeds.items() if k in self.input_specs}
        n = next(iter(feeds.values())).shape[0] if feeds else 0
        parts = []
        for start in range(0, max(n, 1), batch):
            parts.append(self._call({k: v[start:start + batch] for k, v in feeds.items()}))
        return {k: np.concatenate([p[k] for p in parts], axis=0) if parts[0][k].ndim else parts[0][k]
                for k in parts[0]}

    def close(self):
        if self._close:
            self._close()
