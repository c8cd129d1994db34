"""The pieces of the generalisation work (issue 11): the hold-out draw, the Tversky loss, the lesion-centred zoom,
the size-group report, the selection modes of the training CLI, and the repository staying lean."""
from __future__ import annotations

import json
import os
import subprocess

import pytest
import torch

from training.checkpoint import load_file, save_checkpoint
from training.data import AugmentConfig, augment_batch, epoch_order, holdout_names, lesion_fractions
from training.losses import SegLoss, soft_dice_loss, soft_tversky_loss
from training.macs import count_params
from training.metrics import image_metrics, size_groups, summary_metrics
from training.models import create_model
from training.train import main as train_main

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_holdout_is_seeded_order_free_and_disjoint() -> None:
    names = [f"img_{i:04d}" for i in range(200)]
    a = holdout_names(names, 30, 0)
    assert len(a) == len(set(a)) == 30 and set(a) <= set(names)
    assert holdout_names(list(reversed(names)), 30, 0) == a      # the listing order does not matter
    assert holdout_names(names, 30, 1) != a                       # the seed does
    with pytest.raises(ValueError):
        holdout_names(names, 200, 0)                              # nothing left to train on


def test_big_lesion_weight_draws_big_lesions_more_often_in_an_epoch_of_the_same_length() -> None:
    masks = torch.zeros(100, 10, 10, dtype=torch.uint8)
    masks[:10, :7, :] = 1                                        # 10 images with a lesion on 70 % of the image
    masks[10:20, :4, :] = 1                                      # 10 at exactly 40 %: not big
    masks[20:30, :9, :] = 255                                    # ignored pixels are not lesion
    masks[30, :5, :], masks[30, 5:8, :] = 255, 1                 # 3 lesion rows of 5 valid ones: 60 %, as metrics count
    fractions = lesion_fractions(masks)
    assert fractions[0].item() == pytest.approx(0.7) and fractions[10].item() == pytest.approx(0.4)
    assert fractions[20].item() == 0 and fractions[30].item() == pytest.approx(0.6)
    assert image_metrics(torch.zeros(2, 10, 10), masks[30])["truth_area"] == pytest.approx(0.6)  # K = 2 ignores 255
    plain = epoch_order(fractions, 1, 0.4, torch.Generator().manual_seed(5))
    assert torch.equal(plain, torch.randperm(100, generator=torch.Generator().manual_seed(5)))  # old runs replay
    gen = torch.Generator().manual_seed(0)
    big_share = []
    for _ in range(50):
        order = epoch_order(fractions, 4, 0.4, gen)
        assert order.numel() == 100 and int(order.min()) >= 0 and int(order.max()) < 100
        big_share.append((order < 10).float().mean().item())
    # a pool of 100 + 30 copies: 40 of 130 are big, against 10 of 100 in a plain shuffle
    assert sum(big_share) / len(big_share) == pytest.approx(40 / 130, abs=0.03)
    with pytest.raises(ValueError):
        epoch_order(fractions, 0, 0.4, gen)
    # images named by --also-weight join the big ones (an image that is both counts once): 10 big + 5 more
    also = torch.zeros(100, dtype=torch.bool)
    also[5:15] = True                                            # 5 of them big already
    replay = epoch_order(fractions, 4, 0.4, torch.Generator().manual_seed(3))
    assert torch.equal(replay, epoch_order(fractions, 4, 0.4, torch.Generator().manual_seed(3), None))
    shares = [((order < 15).float().mean().item()) for order in
              (epoch_order(fractions, 4, 0.4, gen, also) for _ in range(50))]
    assert sum(shares) / len(shares) == pytest.approx(60 / 145, abs=0.03)  # 15 x 4 of a pool of 100 + 45


def test_tversky_is_dice_at_one_half_and_charges_misses_more_when_beta_is_larger() -> None:
    target = torch.zeros(1, 1, 8, 8)
    target[..., 2:6, 2:6] = 1
    timid = target.clone()
    timid[..., 2:6, 2:4] = 0          # misses half the lesion
    bold = target.clone()
    bold[..., 0:2, :] = 1             # finds it all plus as many false pixels
    assert soft_tversky_loss(timid, target, 0.5, 0.5, eps=0).item() == pytest.approx(
        soft_dice_loss(timid, target, eps=0).item())
    assert soft_tversky_loss(timid, target, 0.3, 0.7).item() > soft_tversky_loss(bold, target, 0.3, 0.7).item()
    assert soft_dice_loss(timid, target).item() == pytest.approx(soft_dice_loss(bold, target).item(), abs=0.02)
    with pytest.raises(ValueError):
        SegLoss(3, overlap="tversky")


def test_lesion_zoom_makes_a_small_lesion_fill_the_frame() -> None:
    img = torch.zeros(4, 3, 64, 64)
    img[:, :, 40:52, 8:20] = 1.0       # a 12 x 12 lesion off centre
    mask = img[:, :1].clone()
    cfg = AugmentConfig(flip=False, rot90=False, affine_p=0.0, jitter_p=0.0, zoom_in_p=1.0, zoom_fill=(0.8, 0.8),
                        zoom_max=10.0)
    a, m = augment_batch(img, mask, cfg, torch.Generator().manual_seed(0), 1)
    fg = m[:, 0] > 0.5
    assert ((a[:, :1] > 0.5) == (m > 0.5)).float().mean() > 0.99          # image and mask move together
    rows = fg.any(2).sum(1).float() / 64
    assert torch.allclose(rows, torch.full((4,), 0.8), atol=2 / 64)         # the box fills 80 % of the side
    centre = (fg.float() * torch.arange(64.0)[None, :, None]).sum((1, 2)) / fg.sum((1, 2))
    assert torch.allclose(centre, torch.full((4,), 31.5), atol=1.0)         # and sits in the middle
    capped = AugmentConfig(**{**cfg.__dict__, "zoom_max": 3.0})
    _, m3 = augment_batch(img, mask, capped, torch.Generator().manual_seed(0), 1)
    assert (m3[0, 0] > 0.5).any(1).sum().item() == 36                       # 12 px x at most 3
    empty = torch.zeros(1, 1, 64, 64)
    _, m0 = augment_batch(torch.zeros(1, 3, 64, 64), empty, cfg, torch.Generator().manual_seed(0), 1)
    assert m0.sum() == 0                                                    # no lesion, no zoom, no crash


def test_size_groups_split_at_forty_percent_of_the_image() -> None:
    big, small = torch.zeros(10, 10, dtype=torch.uint8), torch.zeros(10, 10, dtype=torch.uint8)
    big[:, :5] = 1          # 50 % of the image
    small[:2, :2] = 1       # 4 %
    half = torch.zeros(1, 10, 10)
    half[:, :, :4] = 1      # predicts 40 of the 50 big-lesion pixels
    rows = [image_metrics(half, big), image_metrics(small[None].float(), small)]
    g = size_groups(rows)
    assert (g["small"]["n"], g["large"]["n"]) == (1, 1)
    assert g["small"]["dice"] == 1.0 and g["large"]["dice"] == pytest.approx(80 / 90)
    s = summary_metrics(rows)
    assert s["area_ratio"] == pytest.approx((0.4 + 0.04) / (0.5 + 0.04))
    assert s["recall"] == pytest.approx((0.8 + 1) / 2) and s["precision"] == 1.0
    assert (s["n_dice_below_0.5"], s["n_dice_below_0.7"]) == (0, 0)
    miss, poor = torch.zeros(1, 10, 10), torch.zeros(1, 10, 10)
    miss[:, :1, :2] = 1     # finds 2 of the 50 big-lesion pixels: Dice 4/52
    poor[:, :, :2] = 1      # finds 20 of them: Dice 40/70
    s = summary_metrics([*rows, image_metrics(miss, big), image_metrics(poor, big)])
    assert (s["n_dice_below_0.5"], s["n_dice_below_0.7"]) == (1, 2)


def _tiny_run(data_root: str, out: str, *extra: str) -> dict:
    return train_main(["--data", data_root, "--out", out, "--model", "segnetr_t", "--width", "8", "--partition", "2",
                       "--size", "64", "--batch-size", "4", "--limit-train", "12", "--steps-per-epoch", "1",
                       "--epochs", "2", "--log-every", "0", *extra])


def test_holdout_run_selects_on_train_images_and_never_reads_val(data_root: str, tmp_path) -> None:
    out = str(tmp_path / "run")
    # A val split that does not exist: a run that read it would fail.
    r = _tiny_run(data_root, out, "--holdout", "4", "--val-split", "no-such-split", "--loss", "tversky",
                  "--zoom-in-p", "0.5")
    history = json.load(open(os.path.join(out, "history.json")))
    assert len(history) == 2 and all("val_dice_large" in h and "val_recall" in h for h in history)
    assert history[0]["selection"] == "4 images held out of train (seed 0)"
    best = load_file(os.path.join(out, "best.pt"))
    assert best["selection"].startswith("4 images held out") and best["args"]["loss"] == "tversky"
    assert r["best_dice"] == max(h["val_dice"] for h in history)


def test_final_run_keeps_the_last_epoch_without_a_selection_set(data_root: str, tmp_path) -> None:
    out = str(tmp_path / "final")
    _tiny_run(data_root, out, "--no-select", "--val-split", "no-such-split")
    best, last = load_file(os.path.join(out, "best.pt")), load_file(os.path.join(out, "last.pt"))
    assert best["epoch"] == last["epoch"] == 1 and best["val"] is None
    assert all(torch.equal(best["model"][k], last["model"][k]) for k in last["model"])
    with pytest.raises(SystemExit):
        _tiny_run(data_root, out, "--no-select", "--holdout", "4")


def _tracked_files() -> list:
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO_ROOT, capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [f for f in listed.stdout.decode().split("\0") if f and os.path.isfile(os.path.join(REPO_ROOT, f))]


def test_repository_is_lean() -> None:
    """No tracked file above 20 MB, and no tracked checkpoint with optimizer state (those stay in training/runs)."""
    files = _tracked_files()
    too_big = [f for f in files if os.path.getsize(os.path.join(REPO_ROOT, f)) > 20 * 1024 * 1024]
    assert not too_big, f"tracked files above 20 MB: {too_big}"
    for f in (f for f in files if f.endswith(".pt")):
        ck = load_file(os.path.join(REPO_ROOT, f))
        assert "optimizer" not in ck, f"{f} holds optimizer state: commit a weights-only checkpoint instead"


def test_width_table_benchmarks_models_side_by_side(tmp_path) -> None:
    from training.widths import measure, table
    trained = create_model("segnetr_t", width=8, partition=4, img_size=64)
    path = str(tmp_path / "c8.pt")
    save_checkpoint(path, {"model": trained.state_dict(), "config": {"name": "segnetr_t", "num_classes": 1, "width": 8,
                                                                    "partition": 4, "img_size": 64}})
    rows = measure([4, 8], [path], None, runs=2, warmup=1, threads=1, size=64, partition=4)
    assert [(r["width"], r["source"]) for r in rows] == [(4, "random weights"), (8, path)]
    assert rows[0]["ratio"] == 1.0 and all(r["median_ms"] > 0 and r["onnx_mb"] > 0 for r in rows)
    assert rows[1]["params"] == count_params(trained) and rows[1]["params"] > rows[0]["params"]
    assert "| SegNetr C=8 |" in table(rows, None)


def test_threshold_sweep_predicts_once_and_agrees_with_single_thresholds(data_root: str, tmp_path) -> None:
    from training.evaluate import evaluate_checkpoint
    out = str(tmp_path / "run")
    _tiny_run(data_root, out, "--holdout", "4")
    ckpt, split = os.path.join(out, "best.pt"), os.path.join(data_root, "train")
    swept = evaluate_checkpoint(ckpt, split, 0.5, limit=6, sweep=[0.3, 0.5, 0.7])
    assert [r["threshold"] for r in swept["sweep"]] == [0.3, 0.5, 0.7]
    for row in swept["sweep"]:
        single = evaluate_checkpoint(ckpt, split, row["threshold"], limit=6)["summary"]
        assert row == {"threshold": row["threshold"], **single}
    areas = [r["area_ratio"] for r in swept["sweep"]]
    assert areas[0] >= areas[1] >= areas[2]          # a lower threshold never predicts less
