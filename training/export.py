"""Export a checkpoint to ONNX with its model card, after folding and a parity check.

    /usr/bin/python3 -m training.export training/runs/RUN/best.pt \
        --out media/models/segnetr-isic2017.onnx --data ../shared/datasets/isic2017

Writes ``NAME.onnx`` (opset 17, input ``image`` float32 [N,3,H,W] with dynamic N, output
``logits`` float32 [N,K,H,W]) and ``NAME.json`` (the model card) next to it. SegNetr is
folded first (``training.fold``); the parity check compares onnxruntime-node against the
*unfolded* PyTorch model on fresh random inputs and fails above 1e-4 max abs diff.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from typing import Any, Dict, List, Optional, Sequence

import onnx
import torch
from torch import nn

from training.checkpoint import commands_of, load_checkpoint, recorded_command
from training.data import MEAN, STD
from training.fold import fold_segnetr
from training.macs import count_params
from training.metrics import summary_line
from training.models.segnetr import SegNetr
from training.parity import benchmark, parity_check
from training.tta import add_tta_argument, with_views

DEFAULT_COLORS = ["#ff4d4d", "#34c759", "#007aff", "#ffcc00", "#af52de", "#ff9500", "#5ac8fa", "#ff2d55"]


def sha256(path: str) -> str:
    """Hex SHA-256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def export_onnx(model: nn.Module, path: str, size: int, opset: int = 17) -> None:
    """``torch.onnx.export`` with the extension's I/O contract, then ``onnx.checker``."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    x = torch.zeros(1, 3, size, size)
    torch.onnx.export(model, x, path, opset_version=opset, input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "N"}, "logits": {0: "N"}}, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path))


def inference_model(model: nn.Module, fold: bool) -> nn.Module:
    """The graph that gets exported: the folded SegNetr, or the model as is."""
    if fold and isinstance(model, SegNetr):
        return fold_segnetr(model)
    return model


def split_of(args: Dict[str, Any]) -> str:
    """Which images the last run trained on and which chose its weights (older checkpoints: train / val)."""
    train, val = args.get("train_split", "train"), args.get("val_split", "val")
    if args.get("no_select"):
        return (f"train: all of {train}; model selection: none, the last epoch is kept (the recipe was chosen on "
                f"a hold-out slice of {train}, see training/README.md); {val} is scored once, for this card")
    if args.get("holdout"):
        return (f"train: {train} minus {args['holdout']} held-out images; model selection: those images "
                f"(seed {args.get('holdout_seed', 0)}); {val} is not read in training")
    return f"train: {train}, model selection: {val}"


def build_card(name: str, onnx_path: str, model: nn.Module, ck: Dict[str, Any], size: int,
               threshold: float, class_names: List[str], metrics: Optional[Dict[str, Any]],
               parity: Optional[Dict[str, Any]], latency: Optional[Dict[str, Any]], command: str,
               folded: bool, views: Sequence[str] = ()) -> Dict[str, Any]:
    """The model card (schemaVersion 1, the schema the extension validates in src/model/card.ts).

    Extra fields (config, params, parity, latency, ...) are informational; the extension ignores them.
    ``class_names`` lists the foreground classes for K = 1 (background is added as index 0)
    and all K classes for K > 1.
    """
    cfg = ck["config"]
    k = cfg.get("num_classes", 1)
    args = ck.get("args", {})
    names = ["background", *class_names] if k == 1 else list(class_names)
    colors = ["#000000", *DEFAULT_COLORS]  # index 0 (background) black
    output: Dict[str, Any] = ({"activation": "sigmoid", "channels": 1, "threshold": threshold} if k == 1
                              else {"activation": "softmax", "channels": k})
    history = ck.get("history", [])
    card: Dict[str, Any] = {
        "schemaVersion": 1,
        "name": name,
        "architecture": "SegNetr" if isinstance(model, SegNetr) else type(model).__name__,
        "config": cfg["name"],
        "width": cfg.get("width"),
        "partition": cfg.get("partition"),
        "interaction": cfg.get("interaction"),
        "params": count_params(model),
        "input": {
            "height": size, "width": size,
            "channelOrder": "RGB",
            "scale": "0-1",
            "mean": list(MEAN), "std": list(STD),
            "meanStdScale": "0-1 (mean and std apply to pixel / 255)",
            "normalization": "x[c] = (pixel[c] / 255 - mean[c]) / std[c]",
            "resize": "bilinear, whole image squashed to height x width (no crop, no padding)",
            "layout": "NCHW float32, batch dynamic",
        },
        "output": output,
        "outputNote": ("logits [N, K, height, width]; apply the activation, resize probabilities bilinearly to the "
                       "image size, then threshold (sigmoid) or argmax (softmax)"),
        "classes": [{"index": i, "name": n, "color": colors[i % len(colors)]} for i, n in enumerate(names)],
        "training": {
            "data": "ISIC 2017 skin lesion segmentation, ../shared/datasets/isic2017",
            "split": split_of(args),
            "command": " && ".join(commands_of(ck)),
            "commands": commands_of(ck),
            "commandsNote": "every invocation that shaped these weights, in order; a plain --resume of the run before it is left out (it replays exactly), a resume with other arguments is listed",
            "bestEpoch": ck.get("epoch", -1) + 1,
            "epochsPlanned": args.get("epochs"),
            "history": history,
        },
        "metrics": metrics,
        "onnx": {
            "file": os.path.basename(onnx_path),
            "sha256": sha256(onnx_path),
            "opset": 17,
            "inputName": "image",
            "outputName": "logits",
            "sizeBytes": os.path.getsize(onnx_path),
            "foldedForInference": folded,
        },
        "testTimeAugmentation": ({"views": list(views), "reduce": "mean of the logits, inside the graph",
                                  "note": "one call runs all views as one batch; the I/O contract is unchanged"}
                                 if views else None),
        "parity": parity,
        "latency": latency,
        "exportCommand": command,
    }
    return card


def main(argv: Optional[List[str]] = None, evaluation: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """``evaluation``: ``evaluate_checkpoint``'s result for this checkpoint on DATA/VAL_SPLIT at the threshold, when
    the caller already has it (training.score), so that the card's metrics are not computed a second time."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoint")
    p.add_argument("--out", required=True, help="path of the .onnx; the card goes next to it as .json")
    p.add_argument("--name", default=None, help="model name in the card (default: file stem)")
    p.add_argument("--size", type=int, default=None, help="input side (default: the checkpoint's img_size)")
    p.add_argument("--no-fold", action="store_true", help="export the training graph as is")
    p.add_argument("--threshold", type=float, default=0.5)
    p.add_argument("--class-names", nargs="*", default=None,
                   help="foreground name for K=1 (default: lesion; background is added), all K names for K>1")
    p.add_argument("--data", default=None, help="dataset folder: evaluate on DATA/VAL_SPLIT for the card")
    p.add_argument("--val-split", default="val")
    p.add_argument("--parity-batch", type=int, default=2)
    p.add_argument("--skip-parity", action="store_true")
    p.add_argument("--bench", action="store_true", help="also measure latency (2 threads) for the card")
    p.add_argument("--threads", type=int, default=2)
    add_tta_argument(p)
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    command = recorded_command("training.export", sys.argv[1:] if argv is None else argv)

    model, ck = load_checkpoint(a.checkpoint)
    cfg = ck["config"]
    size = a.size or cfg.get("img_size", 256)
    k = cfg.get("num_classes", 1)
    class_names = a.class_names or (["lesion"] if k == 1 else [f"class_{i}" for i in range(k)])
    folded = not a.no_fold and isinstance(model, SegNetr)
    export_onnx(with_views(inference_model(model, not a.no_fold), a.tta), a.out, size)
    print(f"wrote {a.out} ({os.path.getsize(a.out) / 1e6:.2f} MB)", flush=True)

    parity = None
    if not a.skip_parity:
        parity = parity_check(with_views(model, a.tta), a.out, [(a.parity_batch, 3, size, size)])
        print(f"parity vs PyTorch (onnxruntime-node): max abs diff {parity['max_abs_diff']:.3g}", flush=True)
    metrics = None
    if a.data:
        from training.evaluate import evaluate_checkpoint
        r = evaluation or evaluate_checkpoint(a.checkpoint, os.path.join(a.data, a.val_split), a.threshold, size,
                                              views=a.tta)
        summary = r["summary"]
        metrics = {"split": a.val_split, "images": r["n_images"], **r["mean"],
                   "aggregation": "mean over images", "resolution": r["resolution"], "threshold": a.threshold,
                   "bySize": {"note": "Dice by the true lesion's share of the image",
                              "atMost40Percent": {"images": summary["n_small"], "dice": summary["dice_small"]},
                              "over40Percent": {"images": summary["n_large"], "dice": summary["dice_large"]}},
                   "areaRatio": summary["area_ratio"],
                   "evaluatedWith": recorded_command(
                       "training.evaluate", [a.checkpoint, "--split-dir", os.path.join(a.data, a.val_split),
                                             *(["--threshold", str(a.threshold)] if a.threshold != 0.5 else []),
                                             *(["--tta", ",".join(a.tta)] if a.tta else [])])}
        print("val: " + summary_line(r["per_image"]), flush=True)
    latency = None
    if a.bench:
        b = benchmark(a.out, size, threads=2)
        latency = {"medianMs": round(b["median_ms"], 2), "minMs": round(b["min_ms"], 2), "threads": 2,
                   "runs": b["runs"], "batch": 1, "size": [size, size], "runtime": "onnxruntime-node 1.30",
                   "command": f"node scripts/ort_parity.mjs --bench --model {a.out} --size {size} --threads 2"}
        print(f"latency median {b['median_ms']:.1f} ms (2 threads)", flush=True)
    name = a.name or os.path.splitext(os.path.basename(a.out))[0]
    card = build_card(name, a.out, model, ck, size, a.threshold, class_names, metrics, parity, latency,
                      command, folded, a.tta)
    card_path = os.path.splitext(a.out)[0] + ".json"
    with open(card_path, "w") as f:
        json.dump(card, f, indent=2)
        f.write("\n")
    print(f"wrote {card_path}", flush=True)
    return card


if __name__ == "__main__":
    main()
