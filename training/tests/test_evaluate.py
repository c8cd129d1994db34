"""training.evaluate --labels: label files scored with the checkpoint's metrics."""
from __future__ import annotations

import os

import numpy as np
import pytest
from PIL import Image

from training.evaluate import evaluate_labels, main as evaluate_main


def _write(path: str, array: np.ndarray) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    Image.fromarray(array).save(path)


@pytest.fixture
def split(tmp_path) -> str:
    """Two 6x4 images; masks 0/255 with a 2x2 lesion (a) and a 3x2 lesion (b)."""
    root = str(tmp_path / "val")
    for name, (y, x, h, w) in {"a": (1, 1, 2, 2), "b": (0, 2, 2, 3)}.items():
        _write(os.path.join(root, "images", name + ".jpg"), np.full((4, 6, 3), 128, np.uint8))
        m = np.zeros((4, 6), np.uint8)
        m[y:y + h, x:x + w] = 255
        _write(os.path.join(root, "masks", name + ".png"), m)
    return root


def test_labels_equal_to_the_masks_score_one_in_index_and_binary255_form(split, tmp_path) -> None:
    for form, scale in (("index", 1), ("binary255", 255)):
        labels = str(tmp_path / form)
        for name in ("a", "b"):
            mask = np.asarray(Image.open(os.path.join(split, "masks", name + ".png")))
            _write(os.path.join(labels, name + ".png"), ((mask > 0) * scale).astype(np.uint8))
        r = evaluate_labels(labels, split)
        assert r["n_images"] == 2 and r["mean"]["dice"] == pytest.approx(1.0), form


def test_partial_and_empty_labels_score_what_they_overlap(split, tmp_path) -> None:
    labels = str(tmp_path / "labels")
    half = np.zeros((4, 6), np.uint8)
    half[1:3, 1:2] = 1  # half of a's lesion, nothing outside it
    _write(os.path.join(labels, "a.png"), half)
    _write(os.path.join(labels, "b.png"), np.zeros((4, 6), np.uint8))  # b missed entirely
    r = evaluate_labels(labels, split)
    per = {row["name"]: row for row in r["per_image"]}
    assert per["a"]["dice"] == pytest.approx(2 * 2 / (2 + 4)) and per["a"]["precision"] == pytest.approx(1.0)
    assert per["b"]["dice"] == 0.0 and per["b"]["recall"] == 0.0
    assert r["mean"]["dice"] == pytest.approx((2 / 3 + 0) / 2)


def test_missing_or_wrong_size_labels_are_named(split, tmp_path, capsys) -> None:
    labels = str(tmp_path / "labels")
    _write(os.path.join(labels, "a.png"), np.zeros((4, 6), np.uint8))
    with pytest.raises(FileNotFoundError, match=r"1 of 2 images have no label .*b\.png"):
        evaluate_labels(labels, split)
    _write(os.path.join(labels, "b.png"), np.zeros((3, 6), np.uint8))
    with pytest.raises(ValueError, match=r"b\.png is 6 x 3, its mask .* is 6 x 4"):
        evaluate_labels(labels, split)
    with pytest.raises(SystemExit) as e:
        evaluate_main(["--labels", labels, "--split-dir", split])
    assert e.value.code == 1 and "b.png is 6 x 3" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        evaluate_main(["--split-dir", split])  # neither a checkpoint nor --labels
