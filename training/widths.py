"""Speed of the SegNetr widths side by side: the latency half of the speed/accuracy table in training/README.md.

    /usr/bin/python3 -m training.widths [--reference media/models/segnetr-isic2017.onnx]
        [--checkpoint training/checkpoints/segnetr_s_isic2017.pt ...] [--widths 16,32,64] [--runs 30] [--json]

Every width is exported as the extension ships it (folded, opset 17, 256 x 256) and all of them, plus the
``--reference`` model (today's bundled default), run in one onnxruntime-node process, interleaved run by run
(``scripts/ort_parity.mjs --bench``): the ratios to the reference are what the 1.3x rule of issue 11 compares.
Latency does not depend on the weights, so a width without a ``--checkpoint`` is exported with random weights;
a checkpoint's width replaces the random one. Accuracy comes from ``training.evaluate`` on each trained checkpoint.
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
from typing import Any, Dict, List, Optional

import torch

from training.checkpoint import load_checkpoint
from training.export import export_onnx, inference_model
from training.macs import count_macs, count_params
from training.models import create_model
from training.parity import benchmark_side_by_side

DEFAULT_REFERENCE = "media/models/segnetr-isic2017.onnx"


def width_models(widths: List[int], checkpoints: List[str], size: int = 256,
                 partition: int = 8) -> List[Dict[str, Any]]:
    """``{width, source, model}`` per width: the checkpoint of that width when one is given, else random weights."""
    trained: Dict[int, Dict[str, Any]] = {}
    for path in checkpoints:
        model, _ = load_checkpoint(path)
        trained[model.width] = {"width": model.width, "source": path, "model": model}
    out = []
    for w in widths:
        out.append(trained.pop(w, None) or {"width": w, "source": "random weights",
                                            "model": create_model("segnetr_t", width=w, img_size=size,
                                                                         partition=partition).eval()})
    return out + list(trained.values())


def measure(widths: List[int], checkpoints: List[str], reference: Optional[str], runs: int, warmup: int,
            threads: int, size: int = 256, partition: int = 8) -> List[Dict[str, Any]]:
    """One row per model (the reference first): params, MACs, ONNX size, median latency and its ratio."""
    rows: List[Dict[str, Any]] = []
    paths: List[str] = []
    with tempfile.TemporaryDirectory(prefix="segnetr-widths-") as tmp:
        if reference:
            rows.append({"model": os.path.basename(reference), "source": reference, "width": None,
                         "params": None, "gmacs": None, "onnx_mb": os.path.getsize(reference) / 1e6})
            paths.append(reference)
        for entry in width_models(widths, checkpoints, size, partition):
            path = os.path.join(tmp, f"segnetr_c{entry['width']}.onnx")
            with torch.no_grad():
                export_onnx(inference_model(entry["model"], fold=True), path, size)
            rows.append({"model": f"SegNetr C={entry['width']}", "source": entry["source"], "width": entry["width"],
                         "params": count_params(entry["model"]),
                         "gmacs": count_macs(entry["model"], (1, 3, size, size)).macs / 1e9,
                         "onnx_mb": os.path.getsize(path) / 1e6})
            paths.append(path)
        for row, bench in zip(rows, benchmark_side_by_side(paths, size, threads, runs, warmup)):
            row.update(median_ms=bench["median_ms"], min_ms=bench["min_ms"], ratio=bench.get("ratio_to_first", 1.0))
    return rows


def table(rows: List[Dict[str, Any]], reference: Optional[str]) -> str:
    """The rows as a Markdown table (the ratio is to the first row)."""
    first = "today's default" if reference else "the first row"
    lines = [f"| model | weights | params | GMACs | ONNX MB | median ms | ratio to {first} |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        params = f"{r['params'] / 1e6:.3f} M" if r["params"] is not None else ""
        gmacs = f"{r['gmacs']:.2f}" if r["gmacs"] is not None else ""
        lines.append(f"| {r['model']} | {r['source']} | {params} | {gmacs} | {r['onnx_mb']:.2f} | "
                     f"{r['median_ms']:.1f} | {r['ratio']:.2f} |")
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> List[Dict[str, Any]]:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--widths", default="16,32,64", help="comma-separated widths C")
    p.add_argument("--checkpoint", action="append", default=[], help="trained checkpoint of one width (repeatable)")
    p.add_argument("--reference", default=DEFAULT_REFERENCE,
                   help="ONNX model the ratios are to (today's default); 'none' for none")
    p.add_argument("--runs", type=int, default=30)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--threads", type=int, default=2, help="onnxruntime intra-op threads")
    p.add_argument("--json", action="store_true")
    a = p.parse_args(argv)
    torch.set_num_threads(2)
    reference = None if a.reference == "none" else a.reference
    rows = measure([int(w) for w in a.widths.split(",") if w], a.checkpoint, reference, a.runs, a.warmup, a.threads)
    print(json.dumps(rows, indent=1) if a.json else table(rows, reference))
    return rows


if __name__ == "__main__":
    main()
