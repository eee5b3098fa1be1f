"""Bytes a SavedModel takes on disk, plain and compressed the way tfmot's guides measure model size."""
import io
import os
import zipfile


def variables_bytes(model_dir):
    """Bytes of every file under ``variables/``: the weights as stored."""
    return _tree_bytes(os.path.join(model_dir, "variables"))


def _tree_bytes(root):
    total = 0
    for base, _, files in os.walk(root):
        total += sum(os.path.getsize(os.path.join(base, f)) for f in files)
    return total


def gzipped_variables_bytes(model_dir):
    """``variables/`` in a ZIP_DEFLATED archive, as tfmot's ``get_gzipped_model_size`` measures a model file: what
    pruning's zeros and clustering's repeated values save once a generic compressor has run over the weights."""
    buf = io.BytesIO()
    root = os.path.join(model_dir, "variables")
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for base, _, files in sorted(os.walk(root)):
            for f in sorted(files):
                z.write(os.path.join(base, f), os.path.relpath(os.path.join(base, f), root))
    return buf.tell()
