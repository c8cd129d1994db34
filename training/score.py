"""Score one candidate on a split both ways issue 11 asks, in one command: the checkpoint by ``training.evaluate``'s
code, and the extension's own pipeline (the checkpoint exported with its card, every image labelled by
``segnetr prelabel``, the labels scored by ``training.evaluate --labels``). Prints both summaries and the targets:

    /usr/bin/python3 -m training.score training/runs/NAME/best.pt --threshold 0.45 --out /tmp/score-NAME

The threshold has no default: a candidate's threshold is fixed before it is scored (training/README.md). OUT must
be new or empty; it receives the exported model and card (``model/segnetr-isic2017.onnx`` + ``.json``, with the
split's metrics and, with ``--bench``, the latency: the files that ship), the labels, and ``score.json``. The
extension's CLI must be built (``npm run build`` writes dist/cli.js).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
from typing import Any, Dict, List, Optional

from training.checkpoint import REPO_ROOT
from training.data import list_pairs
from training.evaluate import evaluate_checkpoint, evaluate_labels
from training.export import main as export_main
from training.metrics import summary_line

DATA = "../shared/datasets/isic2017"
MODEL_FILE = "segnetr-isic2017.onnx"
TARGET_DICE, TARGET_GAP = 0.87, 0.03  # issue 11's Done-when


def targets(summary: Dict[str, float]) -> Dict[str, Any]:
    """Issue 11's three conditions on one summary, each with its value and whether it holds."""
    gap_pr = abs(summary["precision"] - summary["recall"])
    gap_size = abs(summary["dice_small"] - summary["dice_large"])
    return {"dice": {"value": summary["dice"], "holds": summary["dice"] >= TARGET_DICE},
            "precision_recall_gap": {"value": gap_pr, "holds": gap_pr <= TARGET_GAP},
            "size_group_gap": {"value": gap_size, "holds": gap_size <= TARGET_GAP}}


def first_pairs(split_dir: str, limit: int, into: str) -> str:
    """A copy of the split's first ``limit`` image/mask pairs (checks on a few images); returns its folder."""
    for sub in ("images", "masks"):
        os.makedirs(os.path.join(into, sub))
    for image, mask in list_pairs(split_dir)[:limit]:
        shutil.copy(image, os.path.join(into, "images"))
        shutil.copy(mask, os.path.join(into, "masks"))
    return into


def run_prelabel(cli: str, images: str, labels: str, model: str, threads: int) -> None:
    """The extension's batch pre-labelling on every image; a failure stops the scoring with the CLI's own words."""
    cmd = ["node", cli, "prelabel", images, "--out", labels, "--model", model, "--threads", str(threads)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"score: segnetr prelabel exited {r.returncode}:\n{(r.stdout + r.stderr)[-2000:]}")


def main(argv: Optional[List[str]] = None) -> Dict[str, Any]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("checkpoint")
    p.add_argument("--threshold", type=float, required=True, help="the candidate's threshold, fixed beforehand")
    p.add_argument("--out", required=True, help="new or empty folder for the model, labels and score.json")
    p.add_argument("--data", default=DATA, help="dataset folder holding the split")
    p.add_argument("--split", default="val")
    p.add_argument("--limit", type=int, default=None, help="only the split's first N images (quick checks)")
    p.add_argument("--bench", action="store_true", help="also measure the exported model's latency for its card")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--cli", default=os.path.join(REPO_ROOT, "dist", "cli.js"), help="the extension's built CLI")
    a = p.parse_args(argv)
    if os.path.exists(a.out) and (not os.path.isdir(a.out) or os.listdir(a.out)):
        p.error(f"{a.out} exists and is not an empty folder: scores go into a new one")
    if not os.path.isfile(a.cli):
        p.error(f"{a.cli} is missing: build the extension first (npm run build)")
    data, split = a.data, a.split
    if a.limit is not None:
        data, split = os.path.join(a.out, "data"), "split"
        first_pairs(os.path.join(a.data, a.split), a.limit, os.path.join(data, split))
    split_dir = os.path.join(data, split)

    checkpoint = evaluate_checkpoint(a.checkpoint, split_dir, a.threshold)
    model = os.path.join(a.out, "model", MODEL_FILE)
    os.makedirs(os.path.dirname(model))
    export_main([a.checkpoint, "--out", model, "--threshold", str(a.threshold), "--data", data, "--val-split", split,
                 "--threads", str(a.threads), *(["--bench"] if a.bench else [])], evaluation=checkpoint)
    labels = os.path.join(a.out, "labels")
    run_prelabel(a.cli, os.path.join(split_dir, "images"), labels, model, a.threads)
    extension = evaluate_labels(labels, split_dir)

    report = {"checkpoint": a.checkpoint, "threshold": a.threshold, "split": split_dir, "model": model,
              "n_images": checkpoint["n_images"],
              "by_checkpoint": {**checkpoint["summary"], "targets": targets(checkpoint["summary"])},
              "by_extension": {**extension["summary"], "targets": targets(extension["summary"])}}
    with open(os.path.join(a.out, "score.json"), "w") as f:
        json.dump(report, f, indent=1)
    print(f"checkpoint (training.evaluate):             {summary_line(checkpoint['per_image'])}")
    print(f"extension (segnetr prelabel + --labels):     {summary_line(extension['per_image'])}")
    t = report["by_checkpoint"]["targets"]
    print("issue 11 (checkpoint): " + "; ".join(
        f"{name.replace('_', ' ')} {v['value']:.4f} {'holds' if v['holds'] else 'not yet'}" for name, v in t.items()))
    return report


if __name__ == "__main__":
    main()
