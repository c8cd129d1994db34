"""Per-image Dice / IoU / precision / recall at the original mask resolution."""
from __future__ import annotations

from typing import Dict, List, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from training.data import IGNORE_INDEX, normalize

METRIC_NAMES = ("dice", "iou", "precision", "recall")
# Lesion-size groups of the generalisation report: truth area <= / > this fraction of the image.
LARGE_LESION_FRACTION = 0.4


@torch.no_grad()
def predict_probs(model: nn.Module, images: torch.Tensor, batch_size: int = 16,
                  channels_last: bool = False) -> torch.Tensor:
    """Sigmoid (K = 1) or softmax (K > 1) probabilities ``[N,K,S,S]`` for uint8 images."""
    model.eval()
    device = next(model.parameters()).device
    out = []
    for i in range(0, images.shape[0], batch_size):
        x = normalize(images[i:i + batch_size].to(device))
        if channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        logits = model(x).float().cpu()
        out.append(torch.sigmoid(logits) if logits.shape[1] == 1 else logits.softmax(1))
    return torch.cat(out)


def image_metrics(prob: torch.Tensor, mask: torch.Tensor, threshold: float = 0.5) -> Dict[str, float]:
    """Metrics of one image. ``prob`` ``[K,s,s]`` at model resolution is resized (bilinear) to
    the mask's ``[H,W]`` and thresholded (K = 1) or arg-maxed (K > 1; foreground classes
    averaged). Empty-vs-empty counts as a perfect score."""
    return image_metrics_at(prob, mask, [threshold])[0]


def image_metrics_at(prob: torch.Tensor, mask: torch.Tensor, thresholds: Sequence[float]) -> List[Dict[str, float]]:
    """``image_metrics`` at several thresholds, resizing the probabilities once (the costly step at the
    original resolution); K > 1 ignores the thresholds (arg-max) and gives one row per threshold alike."""
    h, w = mask.shape
    p = F.interpolate(prob[None].float(), size=(h, w), mode="bilinear", align_corners=False)[0]
    if p.shape[0] == 1:
        gts, valid = [mask > 0], torch.ones_like(mask, dtype=torch.bool)
        return [_scores([p[0] > threshold], gts, valid) for threshold in thresholds]
    lab = p.argmax(0)
    valid = mask != IGNORE_INDEX
    preds = [lab == k for k in range(1, p.shape[0])]
    gts = [mask == k for k in range(1, p.shape[0])]
    scores = _scores(preds, gts, valid)  # arg-max does not depend on the threshold
    return [dict(scores) for _ in thresholds]


def _scores(preds: List[torch.Tensor], gts: List[torch.Tensor], valid: torch.Tensor) -> Dict[str, float]:
    acc = {k: 0.0 for k in METRIC_NAMES}
    n_valid = max(1.0, float(valid.sum()))
    truth_area = float(sum((gt & valid).sum() for gt in gts)) / n_valid
    pred_area = float(sum((pr & valid).sum() for pr in preds)) / n_valid
    for pr, gt in zip(preds, gts):
        pr, gt = pr & valid, gt & valid
        tp = float((pr & gt).sum())
        fp = float((pr & ~gt).sum())
        fn = float((~pr & gt).sum())
        acc["dice"] += 1.0 if tp + fp + fn == 0 else 2 * tp / (2 * tp + fp + fn)
        acc["iou"] += 1.0 if tp + fp + fn == 0 else tp / (tp + fp + fn)
        acc["precision"] += (1.0 if fn == 0 else 0.0) if tp + fp == 0 else tp / (tp + fp)
        acc["recall"] += (1.0 if fp == 0 else 0.0) if tp + fn == 0 else tp / (tp + fn)
    return {**{k: v / len(preds) for k, v in acc.items()}, "truth_area": truth_area, "pred_area": pred_area}


def mean_metrics(rows: Sequence[Dict[str, float]]) -> Dict[str, float]:
    """Mean over images of each metric."""
    return {k: sum(r[k] for r in rows) / max(1, len(rows)) for k in METRIC_NAMES}


def size_groups(rows: Sequence[Dict[str, float]], fraction: float = LARGE_LESION_FRACTION) -> Dict[str, Dict[str, float]]:
    """The means of the images whose truth covers at most / more than ``fraction`` of the image
    (``small`` / ``large``, each with its image count ``n``)."""
    small = [r for r in rows if r["truth_area"] <= fraction]
    large = [r for r in rows if r["truth_area"] > fraction]
    return {"small": {"n": len(small), **mean_metrics(small)}, "large": {"n": len(large), **mean_metrics(large)}}


def area_ratio(rows: Sequence[Dict[str, float]]) -> float:
    """Predicted foreground area over the true one, summed over images in image fractions (below 1: the model
    under-segments); NaN when no image has any foreground."""
    truth = sum(r["truth_area"] for r in rows)
    return sum(r["pred_area"] for r in rows) / truth if truth else float("nan")


def summary_metrics(rows: Sequence[Dict[str, float]]) -> Dict[str, float]:
    """The figures reported for every candidate: the means, Dice per lesion-size group, the area ratio, and how
    many images an annotator must all but redraw (Dice below 0.5, below 0.7)."""
    g = size_groups(rows)
    return {**mean_metrics(rows), "dice_small": g["small"]["dice"], "n_small": g["small"]["n"],
            "dice_large": g["large"]["dice"], "n_large": g["large"]["n"], "area_ratio": area_ratio(rows),
            "n_dice_below_0.5": sum(r["dice"] < 0.5 for r in rows),
            "n_dice_below_0.7": sum(r["dice"] < 0.7 for r in rows)}


def summary_line(rows: Sequence[Dict[str, float]]) -> str:
    """``summary_metrics`` on one line."""
    s = summary_metrics(rows)
    return (f"dice {s['dice']:.4f} iou {s['iou']:.4f} precision {s['precision']:.4f} recall {s['recall']:.4f} | "
            f"dice area<=40% {s['dice_small']:.4f} (n {s['n_small']}) >40% {s['dice_large']:.4f} "
            f"(n {s['n_large']}) | area ratio {s['area_ratio']:.3f} | images with dice < 0.5: "
            f"{s['n_dice_below_0.5']}, < 0.7: {s['n_dice_below_0.7']}")


def evaluate_split(model: nn.Module, images: torch.Tensor, full_masks: List[torch.Tensor],
                   threshold: float = 0.5, batch_size: int = 16,
                   channels_last: bool = False) -> List[Dict[str, float]]:
    """Per-image metrics of ``model`` on a preloaded split."""
    return evaluate_split_at(model, images, full_masks, [threshold], batch_size, channels_last)[0]


def evaluate_split_at(model: nn.Module, images: torch.Tensor, full_masks: List[torch.Tensor],
                      thresholds: Sequence[float], batch_size: int = 16,
                      channels_last: bool = False) -> List[List[Dict[str, float]]]:
    """Per-image metrics at each threshold (one list of rows per threshold), predicting once."""
    probs = predict_probs(model, images, batch_size, channels_last)
    per_image = [image_metrics_at(probs[i], full_masks[i], thresholds) for i in range(len(full_masks))]
    return [[scores[t] for scores in per_image] for t in range(len(thresholds))]
