"""Evaluate a checkpoint, or a folder of label files, on an images/masks folder pair.

    /usr/bin/python3 -m training.evaluate CKPT --split-dir ../shared/datasets/isic2017/val \
        [--threshold 0.5] [--tta identity,hflip] [--csv per_image.csv] [--json]
    /usr/bin/python3 -m training.evaluate --labels LABELS_DIR --split-dir DIR [--csv ...] [--json]

Per image: Dice, IoU, precision, recall at the **original mask resolution** (probabilities
at the model's input size are resized bilinearly to the mask size, then thresholded);
the report ends with the mean over images (the number recorded in the model card).
``--tta`` scores the network wrapped in ``training.tta.ViewAverage``, the graph an export
with the same ``--tta`` ships.
``--labels`` scores label PNGs written by the extension or ``segnetr prelabel`` (``<name>.png``
per image, index or 0/255 values) with the same metrics, so what users get end to end is
measured the same way as the checkpoint.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
from typing import Any, Dict, List, Optional, Sequence

import torch

from training.checkpoint import load_checkpoint
from training.data import holdout_of_split, list_pairs, load_mask, preload_split, split_stem
from training.metrics import METRIC_NAMES, evaluate_split_at, image_metrics, mean_metrics, summary_line, summary_metrics
from training.tta import add_tta_argument, with_views


def evaluate_checkpoint(ckpt: str, split_dir: str, threshold: float = 0.5,
                        size: Optional[int] = None, limit: Optional[int] = None,
                        views: Sequence[str] = (), include: Optional[Sequence[str]] = None,
                        sweep: Sequence[float] = (), device: str = "cpu") -> Dict[str, Any]:
    """Per-image and mean metrics of a checkpoint on ``split_dir`` (images/ + masks/), with the
    logits averaged over ``views`` (``training.tta``) when given; ``include`` scores only those image names;
    ``sweep`` adds the summary at each of those thresholds (predicting once), for choosing one on a hold-out;
    ``device`` is where the network runs (the metrics are computed on the CPU)."""
    model, ck = load_checkpoint(ckpt)
    model = with_views(model, views).to(device)
    cfg = ck["config"]
    size = size or cfg.get("img_size", 256)
    split = preload_split(split_dir, size, cfg.get("num_classes", 1), keep_full=True, limit=limit, include=include)
    thresholds = [threshold, *(t for t in sweep if t != threshold)]
    per_threshold = evaluate_split_at(model, split.images, split.full_masks or [], thresholds)
    rows = per_threshold[0]
    per_image = [{"name": n, **r} for n, r in zip(split.names, rows)]
    return {"checkpoint": ckpt, "split_dir": split_dir, "n_images": len(rows), "input_size": [size, size],
            "threshold": threshold, "tta": list(views), "resolution": "original mask resolution",
            "mean": mean_metrics(rows), "summary": summary_metrics(rows), "per_image": per_image,
            "sweep": [{"threshold": t, **summary_metrics(r)} for t, r in sorted(zip(thresholds, per_threshold))]
            if sweep else []}


def evaluate_labels(labels_dir: str, split_dir: str, num_classes: int = 1,
                    limit: Optional[int] = None) -> Dict[str, Any]:
    """Per-image and mean metrics of label files ``labels_dir/<image name>.png`` against
    ``split_dir``'s masks, at the masks' resolution. Every image must have a label of its size."""
    pairs = list_pairs(split_dir)[:limit]
    names = [split_stem(ip) for ip, _ in pairs]
    missing = [n for n in names if not os.path.isfile(os.path.join(labels_dir, n + ".png"))]
    if missing:
        raise FileNotFoundError(f"{len(missing)} of {len(names)} images have no label in {labels_dir} "
                                f"(first: {', '.join(m + '.png' for m in missing[:5])})")
    rows = []
    for name, (_, mask_path) in zip(names, pairs):
        label_path = os.path.join(labels_dir, name + ".png")
        pred = torch.from_numpy(load_mask(label_path, num_classes).astype("int64"))
        gt = torch.from_numpy(load_mask(mask_path, num_classes))
        if pred.shape != gt.shape:
            raise ValueError(f"{label_path} is {pred.shape[1]} x {pred.shape[0]}, its mask {mask_path} is "
                             f"{gt.shape[1]} x {gt.shape[0]}")
        # A label as "probabilities" at the mask's size: resizing is the identity and the threshold / argmax
        # gives the label back, so image_metrics scores it exactly like a model's output.
        if num_classes == 1:
            prob = pred[None].float()
        else:
            prob = torch.nn.functional.one_hot(torch.where(pred < num_classes, pred, 0), num_classes).permute(2, 0, 1).float()
        rows.append(image_metrics(prob, gt))
    return {"labels": labels_dir, "split_dir": split_dir, "n_images": len(rows), "resolution": "original mask resolution",
            "mean": mean_metrics(rows), "summary": summary_metrics(rows),
            "per_image": [{"name": n, **r} for n, r in zip(names, rows)]}


def main(argv: Optional[List[str]] = None) -> Dict[str, Any]:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoint", nargs="?", help="training checkpoint (or give --labels)")
    p.add_argument("--labels", default=None, help="score this folder of label PNGs instead of a checkpoint")
    p.add_argument("--num-classes", type=int, default=1, help="K of the labels (with --labels)")
    p.add_argument("--split-dir", required=True, help="folder with images/ and masks/")
    p.add_argument("--threshold", type=float, default=0.5)
    p.add_argument("--size", type=int, default=None, help="model input side (default: from checkpoint)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--holdout", type=int, default=0,
                   help="score only the N images training.train --holdout N set aside from this split")
    p.add_argument("--holdout-seed", type=int, default=0, help="the seed of that hold-out draw")
    p.add_argument("--threshold-sweep", default="",
                   help="comma-separated thresholds: also print the summary at each (choose one on the hold-out)")
    add_tta_argument(p)
    p.add_argument("--csv", default=None, help="write per-image metrics here")
    p.add_argument("--json", action="store_true", help="print the full JSON report")
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    torch.set_flush_denormal(True)
    if (a.checkpoint is None) == (a.labels is None):
        p.error("give either a checkpoint or --labels DIR")
    if a.labels is not None:
        try:
            r = evaluate_labels(a.labels, a.split_dir, a.num_classes, a.limit)
        except (FileNotFoundError, ValueError) as e:
            p.exit(1, f"evaluate: {e}\n")
    else:
        include = None
        if a.holdout:
            include = holdout_of_split(a.split_dir, a.holdout, a.holdout_seed, a.limit)
        sweep = [float(t) for t in a.threshold_sweep.split(",") if t]
        r = evaluate_checkpoint(a.checkpoint, a.split_dir, a.threshold, a.size, a.limit, a.tta, include, sweep)
    if a.csv:
        os.makedirs(os.path.dirname(os.path.abspath(a.csv)), exist_ok=True)
        with open(a.csv, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=["name", *METRIC_NAMES, "truth_area", "pred_area"])
            w.writeheader()
            w.writerows(r["per_image"])
    if a.json:
        print(json.dumps(r, indent=1))
    else:
        for row in r["per_image"]:
            print(f"{row['name']}\t" + "\t".join(f"{k} {row[k]:.4f}" for k in METRIC_NAMES))
        m = r["mean"]
        print(f"mean over {r['n_images']} images: " + "  ".join(f"{k} {m[k]:.4f}" for k in METRIC_NAMES))
        print(f"summary: {summary_line(r['per_image'])}")
        for row in r.get("sweep", []):
            print(f"threshold {row['threshold']:.2f}: dice {row['dice']:.4f} precision {row['precision']:.4f} "
                  f"recall {row['recall']:.4f} dice<=40% {row['dice_small']:.4f} dice>40% {row['dice_large']:.4f} "
                  f"area ratio {row['area_ratio']:.3f}")
    return r


if __name__ == "__main__":
    main()
