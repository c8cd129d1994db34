"""training.score: one command scores a candidate through the checkpoint and through the extension's own CLI."""
from __future__ import annotations

import json
import os

import pytest

from training.checkpoint import REPO_ROOT
from training import evaluate, score
from training.score import main as score_main, targets

SHIPPED = os.path.join(REPO_ROOT, "training", "checkpoints", "segnetr_t_isic2017_best.pt")
CLI = os.path.join(REPO_ROOT, "dist", "cli.js")


def test_targets_are_the_issues_three_conditions() -> None:
    t = targets({"dice": 0.87, "precision": 0.90, "recall": 0.875, "dice_small": 0.86, "dice_large": 0.825})
    assert t["dice"]["holds"] and t["precision_recall_gap"]["holds"]
    assert not t["size_group_gap"]["holds"] and t["size_group_gap"]["value"] == pytest.approx(0.035)


def test_shipped_model_scores_the_same_through_the_extension(data_root: str, tmp_path, monkeypatch) -> None:
    if not os.path.isfile(CLI):
        pytest.fail("dist/cli.js is missing (npm run build): this test runs the extension's own CLI")
    calls, original = [], evaluate.evaluate_checkpoint

    def counted(*args, **kwargs):
        calls.append(args[0])
        return original(*args, **kwargs)
    monkeypatch.setattr(score, "evaluate_checkpoint", counted)
    monkeypatch.setattr(evaluate, "evaluate_checkpoint", counted)  # where training.export looks it up
    out = str(tmp_path / "score")
    report = score_main([SHIPPED, "--threshold", "0.45", "--out", out, "--data", data_root, "--limit", "3"])
    assert calls == [SHIPPED]  # the card reuses the checkpoint's evaluation instead of predicting again
    assert report["n_images"] == 3 and len([n for n in os.listdir(os.path.join(out, "labels")) if n.endswith(".png")]) == 3
    a, b = report["by_checkpoint"], report["by_extension"]
    assert a["dice"] > 0.5 and abs(a["dice"] - b["dice"]) < 0.005, (a["dice"], b["dice"])
    with open(os.path.join(out, "model", "segnetr-isic2017.json")) as f:
        card = json.load(f)
    assert card["metrics"]["images"] == 3 and card["metrics"]["dice"] == pytest.approx(a["dice"])
    with open(os.path.join(out, "score.json")) as f:
        assert json.load(f)["by_extension"]["dice"] == b["dice"]
    with pytest.raises(SystemExit):  # never into a folder that holds something
        score_main([SHIPPED, "--threshold", "0.45", "--out", out, "--data", data_root, "--limit", "1"])
