"""Smoke training on real ISIC images: the loss goes down; CLI checkpoints and resumes."""
from __future__ import annotations

import json
import os

import pytest
import torch

from training.checkpoint import load_file
from training.data import AugmentConfig, augment_batch, load_mask, list_pairs, normalize, preload_split, to_targets
from training.evaluate import evaluate_checkpoint
from training.losses import SegLoss
from training.models.segnetr import SegNetr
from training.train import main as train_main


def test_training_steps_lower_the_loss_on_real_images(data_root: str) -> None:
    torch.manual_seed(0)
    split = preload_split(os.path.join(data_root, "train"), 64, 1, limit=6)
    x = normalize(split.images)
    y = to_targets(split.masks, 1)
    assert 0 < y.mean() < 1  # real lesions, not empty masks
    model = SegNetr(width=8, partition=4, img_size=64)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    loss_fn = SegLoss(1)
    losses = []
    for _ in range(15):
        loss = loss_fn(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.85 * losses[0], losses


def test_augmentation_keeps_image_and_mask_aligned() -> None:
    g = torch.Generator().manual_seed(0)
    img = torch.zeros(4, 3, 32, 32)
    img[:, :, 4:12, 20:30] = 1.0                 # a bright box ...
    mask = img[:, :1].clone()                    # ... and its mask
    cfg = AugmentConfig(brightness=0, contrast=0, saturation=0, affine_p=1.0)
    a, m = augment_batch(img, mask, cfg, g, 1)
    assert ((a[:, :1] > 0.5) == (m > 0.5)).float().mean() > 0.99


def test_masks_binary_and_index(tmp_path) -> None:
    from PIL import Image
    import numpy as np
    p = str(tmp_path / "m.png")
    Image.fromarray(np.array([[0, 255], [255, 0]], dtype=np.uint8)).save(p)
    assert load_mask(p, 1).tolist() == [[0, 1], [1, 0]]
    Image.fromarray(np.array([[0, 1], [2, 7]], dtype=np.uint8)).save(p)
    assert load_mask(p, 3).tolist() == [[0, 1], [2, 255]]


def test_train_cli_checkpoints_resumes_and_evaluates(data_root: str, tmp_path) -> None:
    out = str(tmp_path / "run")
    common = ["--data", data_root, "--out", out, "--model", "segnetr_t", "--width", "8", "--partition", "2",
              "--size", "64", "--batch-size", "4", "--limit-train", "8", "--limit-val", "4",
              "--steps-per-epoch", "2", "--log-every", "0"]
    with pytest.raises(ValueError):  # 32 px does not tile into 4x4 groups at H/16
        train_main(common + ["--partition", "4", "--epochs", "1", "--low-res-epochs", "1"])
    phases = ["--low-res-epochs", "1", "--crop-epochs", "1"]
    r1 = train_main(common + phases + ["--epochs", "3"])
    assert [(h["mode"], h["res"]) for h in r1["history"]] == [("low", 32), ("crop", 32), ("full", 64)]
    ck = load_file(os.path.join(out, "last.pt"))
    assert ck["epoch"] == 2 and "optimizer" in ck and "scheduler" in ck
    r2 = train_main(common + phases + ["--epochs", "4", "--resume"])
    assert [h["epoch"] for h in r2["history"]] == [1, 2, 3, 4]
    assert json.load(open(os.path.join(out, "history.json")))[-1]["epoch"] == 4
    commands = load_file(os.path.join(out, "last.pt"))["commands"]
    assert len(commands) == 2
    assert all("--data ../shared/datasets/isic2017 " in c for c in commands), commands  # not this machine's path
    r3 = train_main(common + ["--out", str(tmp_path / "ft"), "--epochs", "1", "--init", os.path.join(out, "last.pt")])
    assert len(r3["history"]) == 1 and len(load_file(str(tmp_path / "ft" / "last.pt"))["commands"]) == 3
    ev = evaluate_checkpoint(os.path.join(out, "best.pt"), os.path.join(data_root, "val"), limit=4)
    assert ev["n_images"] == 4 and 0.0 <= ev["mean"]["dice"] <= 1.0
    # metrics are computed at the original mask resolution
    assert len(list_pairs(os.path.join(data_root, "val"))) >= 4


class _Stopped(Exception):
    """Stands for the session being stopped right after a checkpoint was written."""


def test_a_run_stopped_within_an_epoch_resumes_to_the_uninterrupted_weights(data_root: str, tmp_path,
                                                                             monkeypatch) -> None:
    import training.train as train_module
    common = ["--data", data_root, "--model", "segnetr_t", "--width", "8", "--partition", "2", "--size", "64",
              "--batch-size", "2", "--limit-train", "8", "--no-select", "--steps-per-epoch", "4", "--epochs", "2",
              "--big-lesion-weight", "2", "--no-bf16", "--log-every", "0", "--save-every", "1"]
    whole = str(tmp_path / "whole")
    with pytest.raises(SystemExit, match="--save-every -1"):
        train_main(common + ["--out", whole, "--save-every", "-1"])
    train_main(common + ["--out", whole])

    cut = str(tmp_path / "cut")
    real_save, saves = train_module.save_checkpoint, []

    def save_then_stop(path: str, state: dict) -> None:
        real_save(path, state)
        saves.append(state.get("partial"))
        if len(saves) == 7:
            raise _Stopped()
    monkeypatch.setattr(train_module, "save_checkpoint", save_then_stop)
    with pytest.raises(_Stopped):
        train_main(common + ["--out", cut])
    # epoch 1: within it after steps 1-3, then last.pt and best.pt at its end; epoch 2: steps 1 and 2 of 4, stopped
    assert [p["step"] if p else None for p in saves] == [1, 2, 3, None, None, 1, 2]
    ck = load_file(os.path.join(cut, "last.pt"))
    assert ck["epoch"] == 0 and ck["partial"]["step"] == 2, (ck["epoch"], ck.get("partial"))
    monkeypatch.setattr(train_module, "save_checkpoint", real_save)
    resumed = train_main(common + ["--out", cut, "--resume"])

    a, b = load_file(os.path.join(whole, "last.pt")), load_file(os.path.join(cut, "last.pt"))
    assert "partial" not in b and b["epoch"] == 1
    for name, tensor in a["model"].items():
        assert torch.equal(tensor, b["model"][name]), name
    assert [h["loss"] for h in resumed["history"]] == [h["loss"] for h in a["history"]]


def test_distillation_blends_the_teachers_probability_into_the_target() -> None:
    from training.losses import distilled_target
    truth = torch.tensor([[[[0.0, 1.0], [1.0, 0.0]]]])
    logits = torch.tensor([[[[0.0, 0.0], [20.0, -20.0]]]])
    assert torch.equal(distilled_target(truth, logits, 1.0), torch.sigmoid(logits))
    assert torch.allclose(distilled_target(truth, logits, 0.5), torch.tensor([[[[0.25, 0.75], [1.0, 0.0]]]]))
    # BCE is linear in its target: the blend is the weighted sum of the two BCE terms
    s = torch.randn(1, 1, 2, 2)
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    assert torch.allclose(bce(s, distilled_target(truth, logits, 0.3)),
                          0.7 * bce(s, truth) + 0.3 * bce(s, torch.sigmoid(logits)))


def test_a_student_learns_the_frozen_teachers_probabilities_on_its_own_batches(data_root: str, tmp_path,
                                                                               monkeypatch) -> None:
    import training.train as train_module
    common = ["--data", data_root, "--model", "segnetr_t", "--width", "8", "--partition", "2", "--size", "64",
              "--batch-size", "4", "--limit-train", "8", "--no-select", "--no-bf16", "--log-every", "0"]
    teacher = str(tmp_path / "teacher")
    train_main(common + ["--out", teacher, "--epochs", "1", "--steps-per-epoch", "1", "--seed", "7"])
    teacher_ck = os.path.join(teacher, "last.pt")
    student = common + ["--epochs", "2", "--low-res-epochs", "1", "--seed", "0", "--teacher", teacher_ck]
    with pytest.raises(SystemExit, match="--distill-weight 1.5"):
        train_main(student + ["--out", str(tmp_path / "x"), "--distill-weight", "1.5"])
    with pytest.raises(SystemExit, match="binary models only"):
        train_main(student + ["--out", str(tmp_path / "x"), "--num-classes", "3"])
    with pytest.raises(SystemExit, match="no such checkpoint"):
        train_main(common + ["--out", str(tmp_path / "x"), "--teacher", str(tmp_path / "missing.pt")])

    seen = []  # (teacher input, teacher logits) and the targets the loss was given, step by step
    real_load, loaded = train_module.load_checkpoint, []

    def load_and_watch(path: str):
        model, ck = real_load(path)
        loaded.append(model)
        model.register_forward_hook(lambda _m, inp, out: seen.append(("teacher", inp[0].clone(), out.clone())))
        return model, ck

    class WatchedLoss(SegLoss):
        def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
            seen.append(("loss", logits.shape, target.clone()))
            return super().forward(logits, target)
    monkeypatch.setattr(train_module, "load_checkpoint", load_and_watch)
    monkeypatch.setattr(train_module, "SegLoss", WatchedLoss)
    train_main(student + ["--out", str(tmp_path / "taught"), "--distill-weight", "1"])

    assert [kind for kind, *_ in seen] == ["teacher", "loss"] * 4  # 2 epochs (low-res, then full) x 2 steps
    for (_, x, t_logits), (_, shape, target) in zip(seen[::2], seen[1::2]):
        assert target.shape == shape == t_logits.shape and x.shape[-1] in (32, 64)
        assert torch.equal(target, torch.sigmoid(t_logits))  # weight 1: the teacher's probability is the target
    saved = load_file(teacher_ck)["model"]  # the teacher is never trained, not even its BatchNorm statistics
    assert len(loaded) == 1 and all(torch.equal(v, saved[k]) for k, v in loaded[0].state_dict().items())
    commands = load_file(str(tmp_path / "taught" / "last.pt"))["commands"]
    assert len(commands) == 2 and "--seed 7" in commands[0] and "--teacher" in commands[1], commands


def test_a_teacher_with_views_teaches_its_flip_averaged_probability(data_root: str, tmp_path, monkeypatch) -> None:
    import training.train as train_module
    common = ["--data", data_root, "--model", "segnetr_t", "--width", "8", "--partition", "2", "--size", "64",
              "--batch-size", "4", "--limit-train", "8", "--no-select", "--no-bf16", "--log-every", "0",
              "--epochs", "1", "--steps-per-epoch", "2"]
    teacher = str(tmp_path / "teacher")
    train_main(common + ["--out", teacher, "--seed", "7"])
    teacher_ck = os.path.join(teacher, "last.pt")
    with pytest.raises(SystemExit, match="--teacher-tta needs --teacher"):
        train_main(common + ["--out", str(tmp_path / "x"), "--teacher-tta", "identity,rot180"])
    with pytest.raises(SystemExit):  # an unknown view is a usage error
        train_main(common + ["--out", str(tmp_path / "x"), "--teacher", teacher_ck, "--teacher-tta", "spin"])

    seen = []  # the inner teacher's (input, logits) and the loss's target, step by step
    real_load = train_module.load_checkpoint

    def load_and_watch(path: str):
        model, ck = real_load(path)
        model.register_forward_hook(lambda _m, inp, out: seen.append((inp[0].clone(), out.clone())))
        return model, ck

    class WatchedLoss(SegLoss):
        def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
            seen.append(target.clone())
            return super().forward(logits, target)
    monkeypatch.setattr(train_module, "load_checkpoint", load_and_watch)
    monkeypatch.setattr(train_module, "SegLoss", WatchedLoss)
    train_main(common + ["--out", str(tmp_path / "taught"), "--seed", "0", "--teacher", teacher_ck,
                         "--distill-weight", "1", "--teacher-tta", "identity,rot180"])

    assert len(seen) == 4  # 2 steps, each one teacher call on both views and one loss
    for (x, logits), target in zip(seen[::2], seen[1::2]):
        n = target.shape[0]
        assert x.shape[0] == logits.shape[0] == 2 * n
        assert torch.equal(x[n:], x[:n].flip(-1).flip(-2))  # the second view is the batch turned by 180 degrees
        mean = (logits[:n] + logits[n:].flip(-1).flip(-2)) / 2
        assert torch.allclose(target, torch.sigmoid(mean), atol=1e-6)
    commands = load_file(str(tmp_path / "taught" / "last.pt"))["commands"]
    assert "--teacher-tta identity,rot180" in commands[-1], commands


def test_also_weight_names_train_images_to_draw_more_often_and_refuses_what_it_cannot_use(data_root: str,
                                                                                          tmp_path) -> None:
    from training.data import list_pairs, split_stem
    names = [split_stem(image) for image, _ in list_pairs(os.path.join(data_root, "train"))[:8]]
    listed = tmp_path / "hard.txt"
    listed.write_text(f"# the worst two\n{names[0]}\n{names[3]}  # and a comment\n\n", encoding="utf-8")
    common = ["--data", data_root, "--model", "segnetr_t", "--width", "8", "--partition", "2", "--size", "64",
              "--batch-size", "2", "--limit-train", "8", "--no-select", "--steps-per-epoch", "2", "--epochs", "1",
              "--no-bf16", "--log-every", "0", "--out", str(tmp_path / "run")]
    with pytest.raises(SystemExit, match="needs --big-lesion-weight 2 or more"):
        train_main(common + ["--also-weight", str(listed)])
    wrong = tmp_path / "wrong.txt"
    wrong.write_text(f"{names[0]}\nnot_an_image\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"wrong\.txt: 1 name\(s\) are not train images \(first: not_an_image\)"):
        train_main(common + ["--big-lesion-weight", "3", "--also-weight", str(wrong)])
    result = train_main(common + ["--big-lesion-weight", "3", "--also-weight", str(listed)])
    assert len(result["history"]) == 1
    assert "--also-weight" in load_file(str(tmp_path / "run" / "last.pt"))["command"]
