"""Data loaders for the model zoo: Fashion-MNIST from its gzipped IDX files and Penn Treebank (Mikolov's text).

Only numpy and the standard library are imported here, so the tfmot benchmark (and anything else) can use the
loaders without pulling in a particular Keras. Nothing is downloaded and nothing is written: the files are read
where they are.
"""
import collections
import gzip
import os

import numpy as np

FASHION_MNIST_DIR = os.environ.get("MATCOMP_FASHION_MNIST", "/usr/share/datasets/fashion-mnist")
PTB_DIR = os.environ.get("MATCOMP_PTB", "/work/shared/testdata/data/ptb")

FASHION_MNIST_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}


def _read_idx(path):
    """One IDX file (gzipped or not) as a numpy array of its declared shape (uint8 data only)."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise ValueError("%s: not an IDX file" % path)
    if raw[2] != 0x08:
        raise ValueError("%s: IDX type 0x%02x, only unsigned bytes (0x08) are supported" % (path, raw[2]))
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    offset = 4 + 4 * ndim
    data = np.frombuffer(raw, dtype=np.uint8, offset=offset)
    if data.size != int(np.prod(dims)):
        raise ValueError("%s: %d bytes of data for shape %s" % (path, data.size, dims))
    return data.reshape(dims)


def load_fashion_mnist(data_dir=None):
    """((x_train, y_train), (x_test, y_test)): images float32 in [0, 1] of shape (n, 28, 28), labels int32.

    The scaling (pixel / 255) is the one every zoo model is trained with and the one the saved .npy inputs use.
    """
    data_dir = data_dir or FASHION_MNIST_DIR
    out = []
    for split in ("train", "test"):
        images_file, labels_file = FASHION_MNIST_FILES[split]
        x = _read_idx(os.path.join(data_dir, images_file)).astype(np.float32) / np.float32(255.0)
        y = _read_idx(os.path.join(data_dir, labels_file)).astype(np.int32)
        if x.shape[0] != y.shape[0] or x.shape[1:] != (28, 28):
            raise ValueError("%s: unexpected Fashion-MNIST %s shapes %s, %s" % (data_dir, split, x.shape, y.shape))
        out.append((x, y))
    return tuple(out)


def _ptb_words(path):
    """The words of one PTB file, with <eos> at the end of every line (Mikolov's format)."""
    with open(path, "r", encoding="utf-8") as f:
        return [w for line in f for w in line.split() + ["<eos>"]]


class Ptb:
    """Penn Treebank as token ids: vocabulary from the train split, most frequent first (ties by word)."""

    def __init__(self, data_dir=None):
        data_dir = data_dir or PTB_DIR
        words = {s: _ptb_words(os.path.join(data_dir, "ptb.%s.txt" % s)) for s in ("train", "valid", "test")}
        counts = collections.Counter(words["train"])
        self.vocab = [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
        self.word_to_id = {w: i for i, w in enumerate(self.vocab)}
        unk = self.word_to_id.get("<unk>")
        self.splits = {s: np.array([self.word_to_id.get(w, unk) for w in ws], dtype=np.int32)
                       for s, ws in words.items()}
        self.train, self.valid, self.test = self.splits["train"], self.splits["valid"], self.splits["test"]

    @property
    def vocab_size(self):
        return len(self.vocab)

    def unigram_log_probs(self):
        """log p(word) over the train split (float32, vocab order): a next-word model's natural output bias."""
        counts = np.bincount(self.train, minlength=self.vocab_size).astype(np.float64) + 1.0
        return np.log(counts / counts.sum()).astype(np.float32)


def load_ptb(data_dir=None):
    return Ptb(data_dir)


def ptb_windows(ids, seq_len, max_windows=None, stride=None, offset=0):
    """(x, y) int32 arrays of shape (n, seq_len): y is x shifted by one token (next-word targets).

    Windows start every `stride` tokens (default seq_len: non-overlapping) from `offset`; at most `max_windows`.
    """
    stride = stride or seq_len
    starts = np.arange(offset, len(ids) - seq_len, stride)  # the last target, ids[start + seq_len], must exist
    if max_windows is not None:
        starts = starts[:max_windows]
    idx = starts[:, None] + np.arange(seq_len)[None, :]
    return ids[idx].astype(np.int32), ids[idx + 1].astype(np.int32)
