#!/usr/bin/env python3
"""Writes the README's zoo tables from measured results (no numbers are typed by hand).

    python-interop/zoo/update-readme.sh          # runs the round-trip test, then this script
    python-interop/.venv/bin/python python-interop/zoo/readme_tables.py [--results target/zoo-roundtrip/results.json]
        [--tfmot target/bench-tfmot.json] [--readme README.md]

Sections replaced (between `<!-- NAME:begin -->` and `<!-- NAME:end -->` markers in the README):
  zoo-coverage   model × weight matrix × the op that reads it × each method: compressed (ratio) or why not
  zoo-roundtrip  model × method: matrices compressed, variables/ bytes, held-out metric before/after, Python vs TF Java
  tfmot          `matcomp bench tfmot`'s table (only with --tfmot)
"""
import argparse
import json
import os
import re
import sys

METHOD_COLUMNS = ("lowrank", "kmeans", "prune", "dictionary", "int8")
METHOD_HEADERS = {"lowrank": "lowrank rank 16", "kmeans": "kmeans 256", "prune": "prune 50 %",
                  "dictionary": "dictionary 64×4", "int8": "int8"}

# Short labels for the reasons compress gives; the full text stays in results.json and in compress's own report.
REASONS = [
    (r"read by Einsum|Einsum '", "Einsum"),
    (r"(Stateless)?While loop", "loop body"),
    (r"(Stateless)?(If|Case)\b", "branch"),
    (r"does not apply to a depthwise", "depthwise: no product"),
    (r"DepthwiseConv2dNative", "depthwise"),
    (r"read by (AddV2|Add|BiasAdd) ", "added, not multiplied"),
    (r"BatchMatMul", "BatchMatMul"),
    (r"reshaped by (\w+)", r"via \1"),
    (r"value argument", "passed by value"),
    (r"flat spectrum", "flat spectrum"),
    (r"exceed|fewer rows than|at least", "too small"),
    (r"no fewer than the dense", "no saving"),
    (r"read twice", "read twice"),
    (r"read by (\w+)", r"read by \1"),
]


def short_reason(reason):
    for pattern, label in REASONS:
        m = re.search(pattern, reason)
        if m:
            return m.expand(label)
    return reason[:40]


def reader_ops(consumers):
    ops = []
    for c in consumers:
        op = re.split(r"[@ ]", c, maxsplit=1)[0]
        if op not in ops:
            ops.append(op)
    return ", ".join(ops) if ops else "—"


def cell(m):
    if m.get("compressed"):
        return "%.1f×" % (m["bytes_before"] / max(1, m["bytes_after"]))
    return "dense: " + short_reason(m.get("reason", ""))


def coverage_table(results):
    by_model = {}
    for r in results:
        by_model.setdefault(r["model"], {})[r["method"]] = r
    lines = ["| model | weight | shape | read by | " + " | ".join(METHOD_HEADERS[m] for m in METHOD_COLUMNS) + " |",
             "|---|---|---|---|" + "---|" * len(METHOD_COLUMNS)]
    for model, runs in by_model.items():
        first = next(iter(runs.values()))["compress"]["matrices"]
        for i, m in enumerate(first):
            cells = []
            for method in METHOD_COLUMNS:
                run = runs.get(method)
                ms = {x["name"]: x for x in run["compress"]["matrices"]} if run else {}
                cells.append(cell(ms[m["name"]]) if m["name"] in ms else "—")
            shape = "×".join(str(d) for d in m.get("variable_shape", m["shape"]))
            lines.append(f"| {model if i == 0 else ''} | `{m['name']}` | {shape} | {reader_ops(m['consumers'])} | "
                         + " | ".join(cells) + " |")
    return "\n".join(lines)


def metric_text(rt, meta):
    m = rt.get("metric")
    if not m:
        return "—"
    if m["name"] == "accuracy":
        return "%.2f → %.2f %%" % (100 * m["before"], 100 * m["after"])
    return "%.1f → %.1f ppl" % (m["before"], m["after"])


def roundtrip_table(results):
    lines = ["| model | saved by | method | matrices compressed | `variables/` bytes | held-out metric | "
             "Python vs TF Java |", "|---|---|---|---|---|---|---|"]
    last = None
    for r in results:
        c, rt = r["compress"], r["roundtrip"]
        meta = r.get("zoo_meta") or {}
        name = r["model"] if r["model"] != last else ""
        saved_by = meta.get("saved_by", "shared testdata") if name else ""
        last = r["model"]
        if "error" in rt:
            lines.append(f"| {name} | {saved_by} | {r['method']} | — | — | — | error: {rt['error'][:60]} |")
            continue
        vb = rt["variables_bytes"]
        diff = rt["python_vs_java"]["max_abs_diff"]
        ok = "equal" if diff == 0 else ("%.1e" % diff)
        lines.append(f"| {name} | {saved_by} | {r['method']} | {c['matrices_compressed']}/{len(c['matrices'])} | "
                     f"{vb['before']:,} → {vb['after']:,} | {metric_text(rt, meta)} | {ok} |")
    return "\n".join(lines)


def tfmot_table(bench):
    lines = ["| model | tool | variant | fine-tuning steps | test accuracy | `variables/` bytes | zipped | "
             "zipped ratio |", "|---|---|---|---|---|---|---|---|"]
    for model, rows in bench["models"].items():
        for i, r in enumerate(rows):
            lines.append(f"| {model if i == 0 else ''} | {r['tool']} | {r['variant']} | {r['fine_tune_steps']} | "
                         f"{100 * r['accuracy']:.2f} % | {r['variables_bytes']:,} | "
                         f"{r['gzipped_variables_bytes']:,} | {r['gzipped_ratio']:.2f}× |")
    return "\n".join(lines)


def replace_section(text, name, body):
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    if begin not in text or end not in text:
        raise SystemExit(f"README has no {begin} ... {end} section")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    return head + begin + "\n" + body + "\n" + end + tail


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--results", default="target/zoo-roundtrip/results.json")
    p.add_argument("--tfmot", help="JSON written by `matcomp bench tfmot --json FILE`")
    p.add_argument("--readme", default="README.md")
    a = p.parse_args(argv)
    with open(a.results) as f:
        results = json.load(f)
    with open(a.readme) as f:
        text = f.read()
    text = replace_section(text, "zoo-coverage", coverage_table([r for r in results if r["zoo"]]))
    text = replace_section(text, "zoo-roundtrip", roundtrip_table(results))
    if a.tfmot:
        with open(a.tfmot) as f:
            text = replace_section(text, "tfmot", tfmot_table(json.load(f)))
    tmp = a.readme + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, a.readme)
    print(f"{a.readme}: tables written from {a.results}" + (f" and {a.tfmot}" if a.tfmot else ""), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
