"""The round trip: a compressed SavedModel loads in Python TF, ``saved_model_cli`` reads it, its outputs equal TF
Java's on the same inputs, and its held-out metric and bytes on disk stand next to the original's.

    python -m matcomp_interop roundtrip --original O --compressed C [--inputs PATH] [--java-outputs DIR]
        [--eval DIR --metric accuracy --output KEY --output-kind logits]
    python -m matcomp_interop roundtrip --jobs JOBS.json      # a JSON list of jobs with the same keys

Prints one JSON object (or a list of them for --jobs). ``python_vs_java.max_abs_diff`` ≤ ``tolerance`` is the check;
``tolerance`` = 1e-4 × max(1, the largest |output| TF Java gave).
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

from . import inputs as _inputs
from . import metrics as _metrics
from . import sizes as _sizes
from .served import Served

RELATIVE_TOLERANCE = 1e-4


def saved_model_cli_show(model_dir):
    """Starts ``saved_model_cli show --all --dir``; returns the process (it imports TF: let it run alongside)."""
    cli = os.path.join(os.path.dirname(sys.executable), "saved_model_cli")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    return subprocess.Popen([cli, "show", "--all", "--dir", model_dir], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, env=env)


def compare(reference, other):
    """max |reference − other| over every output both have, and the reference's scale (max |reference|)."""
    worst, scale, per_output = 0.0, 0.0, {}
    for k, ref in reference.items():
        if k not in other:
            raise ValueError(f"output '{k}' is missing (have {sorted(other)})")
        got = other[k]
        if ref.shape != got.shape:
            raise ValueError(f"output '{k}' has shape {got.shape}, expected {ref.shape}")
        r, g = ref.astype(np.float64), got.astype(np.float64)
        if not np.all(np.isfinite(g) == np.isfinite(r)):
            raise ValueError(f"output '{k}' is non-finite where the reference is not (or the reverse)")
        d = float(np.max(np.abs(r - g), initial=0.0, where=np.isfinite(r)))
        s = float(np.max(np.abs(r), initial=0.0, where=np.isfinite(r)))
        per_output[k] = {"max_abs_diff": d, "scale": s}
        worst, scale = max(worst, d), max(scale, s)
    return {"max_abs_diff": worst, "scale": scale, "outputs": per_output}


def read_outputs(directory, names):
    """TF Java's outputs: ``<output key>.npy`` per signature output (key with '/' made '_')."""
    out = {}
    for n in names:
        f = os.path.join(directory, _inputs.file_key(n) + ".npy")
        if not os.path.isfile(f):
            raise ValueError(f"{directory} has no {_inputs.file_key(n)}.npy for output '{n}'")
        out[n] = np.load(f)
    return out


def check(original, compressed, inputs=None, java_outputs=None, eval=None, metric=None, output=None,
          output_kind="logits", examples=64, seed=0, cli=True, originals=None):
    """One original/compressed pair; ``originals`` caches loaded originals and their metric across jobs."""
    originals = {} if originals is None else originals
    cli_proc = saved_model_cli_show(compressed) if cli else None
    report = {"original": original, "compressed": compressed}
    after = Served.load(compressed)
    if original not in originals:
        originals[original] = {"served": Served.load(original)}
    before = originals[original]["served"]
    if sorted(before.input_specs) != sorted(after.input_specs):
        raise ValueError(f"inputs differ: original {sorted(before.input_specs)}, compressed {sorted(after.input_specs)}")
    feeds = (_inputs.from_files(inputs, after.input_specs, examples) if inputs
             else _inputs.generated(after.input_specs, examples, seed))
    report["inputs"] = {k: list(v.shape) for k, v in feeds.items()}
    py_after = after(feeds)
    report["compressed_vs_original"] = compare(before(feeds), py_after)
    if java_outputs:
        c = compare(read_outputs(java_outputs, after.output_names), py_after)
        c["tolerance"] = RELATIVE_TOLERANCE * max(1.0, c["scale"])
        c["ok"] = c["max_abs_diff"] <= c["tolerance"]
        report["python_vs_java"] = c
    if eval:
        key = ("metric", eval, metric, output, output_kind)
        if key not in originals[original]:
            originals[original][key] = _metrics.evaluate(before, eval, metric, output, output_kind)
        report["metric"] = {"name": metric, "before": originals[original][key],
                            "after": _metrics.evaluate(after, eval, metric, output, output_kind)}
    report["variables_bytes"] = {"before": _sizes.variables_bytes(original),
                                 "after": _sizes.variables_bytes(compressed)}
    if cli_proc:
        text = cli_proc.communicate(timeout=300)[0].decode("utf-8", "replace")
        report["saved_model_cli"] = {"ok": cli_proc.returncode == 0 and "serving_default" in text,
                                     "exit": cli_proc.returncode,
                                     "tail": "" if cli_proc.returncode == 0 else text.strip()[-400:]}
    after.close()
    return report


JOB_KEYS = ("original", "compressed", "inputs", "java_outputs", "eval", "metric", "output", "output_kind",
            "examples", "seed", "cli")


def run_jobs(jobs):
    """Each job's report, or ``{"error": ...}`` for a job that failed; originals are loaded once."""
    originals, reports = {}, []
    for job in jobs:
        unknown = set(job) - set(JOB_KEYS)
        if unknown:
            reports.append({"compressed": job.get("compressed"), "error": f"unknown job keys {sorted(unknown)}"})
            continue
        try:
            reports.append(check(originals=originals, **job))
        except Exception as e:  # one bad pair must not hide the others' results
            reports.append({"original": job.get("original"), "compressed": job.get("compressed"),
                            "error": f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"[:500]})
    return reports


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m matcomp_interop roundtrip", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--jobs", help="a JSON file holding a list of jobs (keys as the flags, with '_' for '-')")
    p.add_argument("--original")
    p.add_argument("--compressed")
    p.add_argument("--inputs", help="directory of <input>.npy, an .npz, or one .npy (default: generated)")
    p.add_argument("--java-outputs", help="directory of <output>.npy that TF Java computed on the same inputs")
    p.add_argument("--eval", help="held-out set: directory of <input>.npy plus labels.npy")
    p.add_argument("--metric", choices=_metrics.METRICS)
    p.add_argument("--output", help="the signature output the metric reads")
    p.add_argument("--output-kind", default="logits", choices=("logits", "probabilities"))
    p.add_argument("--examples", type=int, default=64)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-cli", action="store_true", help="skip saved_model_cli show --all")
    a = p.parse_args(argv)
    if a.jobs:
        with open(a.jobs) as f:
            reports = run_jobs(json.load(f))
        print(json.dumps(reports, indent=1))
        return 0 if all("error" not in r for r in reports) else 1
    if not (a.original and a.compressed):
        p.error("give --original and --compressed, or --jobs")
    if a.eval and not (a.metric and a.output):
        p.error("--eval needs --metric and --output")
    job = {"original": a.original, "compressed": a.compressed, "inputs": a.inputs, "java_outputs": a.java_outputs,
           "eval": a.eval, "metric": a.metric, "output": a.output, "output_kind": a.output_kind,
           "examples": a.examples, "seed": a.seed, "cli": not a.no_cli}
    report = run_jobs([job])[0]
    print(json.dumps(report, indent=1))
    if "error" in report:
        return 1
    ok = report.get("python_vs_java", {}).get("ok", True) and report.get("saved_model_cli", {}).get("ok", True)
    return 0 if ok else 1
