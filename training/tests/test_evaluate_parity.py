"""`segnetr evaluate --pred` (the extension's evaluation, dist/cli.js) and `training.evaluate --labels` give the
same per-image Dice, IoU, precision and recall on the same label files, empty masks included."""
from __future__ import annotations

import json
import os
import subprocess

import numpy as np
import pytest
from PIL import Image

from training.evaluate import evaluate_labels
from training.tests.conftest import REPO_ROOT

CLI = os.path.join(REPO_ROOT, "dist", "cli.js")
# Only its card is read (two classes): every image has a label file, so nothing is predicted.
MODEL = os.path.join(REPO_ROOT, "media", "models", "segnetr-isic2017.onnx")


def _write(path: str, array: np.ndarray) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    Image.fromarray(array).save(path)


def _blob(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w]
    cy, cx, r = rng.random() * h, rng.random() * w, 2 + rng.random() * min(h, w) / 2
    return (yy - cy) ** 2 + (xx - cx) ** 2 <= r * r


def test_cli_and_training_evaluate_agree_per_image(tmp_path) -> None:
    if not os.path.isfile(CLI):
        pytest.fail(f"{CLI} is missing: run npm run build first")
    rng = np.random.default_rng(7)
    split, labels = str(tmp_path / "val"), str(tmp_path / "labels")
    for i in range(16):
        h, w = int(rng.integers(8, 60)), int(rng.integers(8, 60))
        gt, pred = _blob(rng, h, w), _blob(rng, h, w) | (rng.random((h, w)) < 0.05)
        if i == 0:
            gt[:], pred[:] = False, False  # both empty
        elif i == 1:
            pred[:] = False  # a miss
        elif i == 2:
            gt[:] = False  # a false alarm
        elif i == 3:
            pred = gt.copy()  # perfect
        name = f"img_{i:02d}"
        _write(os.path.join(split, "images", name + ".png"), np.full((h, w, 3), 128, np.uint8))
        _write(os.path.join(split, "masks", name + ".png"), (gt * 255).astype(np.uint8))  # 0/255
        _write(os.path.join(labels, name + ".png"), pred.astype(np.uint8))  # 0/1 (index form)
    run = subprocess.run(["node", CLI, "evaluate", os.path.join(split, "images"), "--gt", os.path.join(split, "masks"),
                          "--pred", labels, "--model", MODEL, "--json", "-"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    ours = json.loads(run.stdout)
    theirs = evaluate_labels(labels, split)
    assert len(ours["images"]) == theirs["n_images"] == 16
    for mine, ref in zip(sorted(ours["images"], key=lambda r: r["image"]), theirs["per_image"]):
        assert os.path.basename(mine["image"]).startswith(ref["name"])
        assert mine["prediction"] == "file"
        for k in ("dice", "iou", "precision", "recall"):
            assert mine[k] == pytest.approx(ref[k], abs=1e-9), (ref["name"], k)
    for k in ("dice", "iou", "precision", "recall"):
        assert ours["summary"]["metrics"][k]["mean"] == pytest.approx(theirs["mean"][k], abs=1e-9), k
