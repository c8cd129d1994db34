"""Independent reference for src/eval/metrics.ts: writes test cases and their answers computed with numpy and
scipy.ndimage (Debian's python3-numpy / python3-scipy), not with the TypeScript under test.

    /usr/bin/python3 test/reference/metrics_reference.py answers.json

Cases (seeded, so every run is the same): random discs and noise at several sizes, empty and full masks,
single pixels, thin images, multi-class with ignored (255) ground truth. Per case: the masks (row-major class
indices), per class 1..K-1 the counts and metrics, and the per-image means; then numpy's mean and median of each
per-image metric over all cases.

HD95 follows medpy.metric.binary.hd95: border = mask XOR binary_erosion(mask, 4-connected cross) (scipy's
border_value=0: outside the image is background), distances from scipy.ndimage.distance_transform_edt,
numpy.percentile(hstack(both directions), 95). Empty masks follow src/common/evaluation.ts.
"""
import json
import sys

import numpy as np
from scipy import ndimage

METRICS = ("dice", "iou", "precision", "recall", "hd95")


def border(mask):
    cross = ndimage.generate_binary_structure(2, 1)
    return mask ^ ndimage.binary_erosion(mask, structure=cross, iterations=1)


def hd95(a, b):
    ba, bb = border(a), border(b)
    to_b = ndimage.distance_transform_edt(~bb)
    to_a = ndimage.distance_transform_edt(~ba)
    return float(np.percentile(np.hstack((to_b[ba], to_a[bb])), 95))


def class_metrics(p, g, w, h):
    tp = int(np.sum(p & g))
    fp = int(np.sum(p & ~g))
    fn = int(np.sum(~p & g))
    pa, ga = tp + fp, tp + fn
    if pa == 0 and ga == 0:
        dice = iou = precision = recall = 1.0
        d = 0.0
    elif pa == 0 or ga == 0:
        dice = iou = precision = recall = 0.0
        d = float(np.sqrt(w * w + h * h))
    else:
        dice = 2 * tp / (2 * tp + fp + fn)
        iou = tp / (tp + fp + fn)
        precision = tp / pa
        recall = tp / ga
        d = hd95(p, g)
    return {"tp": tp, "fp": fp, "fn": fn, "predictedArea": pa, "groundTruthArea": ga,
            "dice": dice, "iou": iou, "precision": precision, "recall": recall, "hd95": d}


def discs(rng, h, w, k, count):
    """A few random discs of random classes 1..k-1 on background."""
    yy, xx = np.mgrid[0:h, 0:w]
    out = np.zeros((h, w), dtype=np.int64)
    for _ in range(count):
        cy, cx = rng.random() * h, rng.random() * w
        r = 1 + rng.random() * min(h, w) * 0.4
        out[(xx - cx) ** 2 + (yy - cy) ** 2 <= r * r] = rng.integers(1, k)
    return out


def noise(rng, h, w, k, density):
    return np.where(rng.random((h, w)) < density, rng.integers(1, k, (h, w)), 0)


def cases():
    rng = np.random.default_rng(20240917)
    out = []
    for h, w in [(48, 64), (150, 200), (91, 37), (5, 7), (30, 1), (1, 30)]:
        for i in range(3):
            out.append((f"discs {w}x{h} #{i}", 2, discs(rng, h, w, 2, 2), discs(rng, h, w, 2, 2)))
        out.append((f"noise {w}x{h}", 2, noise(rng, h, w, 2, 0.3), noise(rng, h, w, 2, 0.2)))
    empty, full = np.zeros((30, 40), dtype=np.int64), np.ones((30, 40), dtype=np.int64)
    disc = discs(rng, 30, 40, 2, 1)
    out += [("both empty", 2, empty, empty), ("missed (prediction empty)", 2, empty, disc),
            ("false alarm (ground truth empty)", 2, disc, empty), ("both full", 2, full, full),
            ("full vs disc", 2, full, disc), ("identical discs", 2, disc, disc)]
    a, b = np.zeros((9, 9), dtype=np.int64), np.zeros((9, 9), dtype=np.int64)
    a[2, 1], b[8, 7] = 1, 1
    out += [("single pixels", 2, a, b), ("1x1 hit", 2, np.ones((1, 1), dtype=np.int64), np.ones((1, 1), dtype=np.int64))]
    for i in range(4):
        gt = discs(rng, 90, 120, 4, 6)
        if i % 2 == 0:
            gt[:20, 101:] = 255  # ignored band
        out.append((f"4 classes #{i}", 4, discs(rng, 90, 120, 4, 5), gt))
    xx = np.mgrid[0:20, 0:20][1]
    out.append(("3 classes, class 2 absent from both", 3, (xx < 8).astype(np.int64), (xx < 10).astype(np.int64)))
    return out


def main(dst):
    results = []
    for name, k, pred, gt in cases():
        h, w = gt.shape
        valid = gt != 255
        classes = [class_metrics((pred == j) & valid, (gt == j) & valid, w, h) for j in range(1, k)]
        image = {m: float(np.mean([cm[m] for cm in classes])) for m in METRICS}
        results.append({"name": name, "width": w, "height": h, "classes": k,
                        "pred": pred.ravel().tolist(), "gt": gt.ravel().tolist(),
                        "answer": {"classes": classes, "image": image, "ignored": int(np.sum(~valid))}})
    summary = {m: {"mean": float(np.mean([r["answer"]["image"][m] for r in results])),
                   "median": float(np.median([r["answer"]["image"][m] for r in results]))} for m in METRICS}
    with open(dst, "w") as f:
        json.dump({"cases": results, "summary": summary}, f)


if __name__ == "__main__":
    main(sys.argv[1])
