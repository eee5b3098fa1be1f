"""matcomp's Python side: load any SavedModel's serving signature, feed it, score it, and check a compressed model
against its original and against TF Java's outputs (``python -m matcomp_interop roundtrip --help``).

Modules: ``served`` (load and call a signature), ``inputs`` (feeds from a signature or from .npy/.npz files),
``metrics`` (held-out accuracy / perplexity), ``sizes`` (bytes on disk), ``roundtrip`` (the check and its CLI).
"""
