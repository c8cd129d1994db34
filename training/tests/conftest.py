"""Shared fixtures: tiny models and the real-data location."""
from __future__ import annotations

import os

import pytest
import torch

from training.models.segnetr import SegNetr

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA_ROOT = os.path.normpath(os.path.join(REPO_ROOT, "..", "shared", "datasets", "isic2017"))

torch.set_num_threads(2)


def randomize_norms(model: torch.nn.Module, seed: int = 0) -> torch.nn.Module:
    """Give every BN/LN/bias non-trivial values so that folding is tested for real."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.copy_(torch.rand(m.num_features, generator=g) - 0.5)
                m.running_var.copy_(torch.rand(m.num_features, generator=g) + 0.5)
                m.weight.copy_(torch.rand(m.num_features, generator=g) + 0.5)
                m.bias.copy_(torch.rand(m.num_features, generator=g) - 0.5)
            elif isinstance(m, torch.nn.LayerNorm):
                m.weight.copy_(torch.rand(m.weight.shape, generator=g) + 0.5)
                m.bias.copy_(torch.rand(m.bias.shape, generator=g) - 0.5)
            elif isinstance(m, torch.nn.Linear) and m.bias is not None:
                m.bias.copy_(torch.rand(m.bias.shape, generator=g) - 0.5)
    return model.eval()


@pytest.fixture
def tiny_segnetr() -> SegNetr:
    """C = 8, P = 2, 32x32 design size, head dim 4 (so several levels are multi-head)."""
    torch.manual_seed(0)
    return randomize_norms(SegNetr(width=8, num_classes=1, partition=2, img_size=32, head_dim=4))


@pytest.fixture
def data_root() -> str:
    """The shared ISIC 2017 folder (read from ../shared, never copied into the repo)."""
    if not os.path.isdir(DATA_ROOT):
        pytest.fail(f"shared dataset folder {DATA_ROOT} is absent (the smoke training test reads real ISIC images from ../shared)")
    return DATA_ROOT


@pytest.fixture
def tiny_checkpoint(tiny_segnetr: SegNetr, tmp_path) -> str:
    """``tiny_segnetr`` saved as a training checkpoint (what ``training.export`` reads)."""
    ck = str(tmp_path / "ck.pt")
    torch.save({"model": tiny_segnetr.state_dict(), "epoch": 0, "args": {"size": 32},
                "config": {"name": "segnetr_t", "width": 8, "partition": 2, "interaction": "attention",
                           "img_size": 32, "num_classes": 1, "head_dim": 4},
                "command": "train-cmd"}, ck)
    return ck
