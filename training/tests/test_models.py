"""Shapes at every level, exact partitions and IRSC inversion, registry configs."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from training.models import create_model, list_models
from training.models.segnetr import (IRSC, PatchMerging, SegNetr, grid_partition, grid_reverse,
                                     window_partition, window_reverse)


@pytest.mark.parametrize("k", [1, 3])
def test_level_shapes_match_spec_table(k: int) -> None:
    c, s = 16, 64
    m = SegNetr(width=c, num_classes=k, partition=4, img_size=s).eval()
    shapes = dict(m.feature_shapes(torch.zeros(2, 3, s, s)))
    expect = {
        "stem": (2, c // 2, s, s), "down1": (2, c, s // 2, s // 2),
        "enc2": (2, c, s // 2, s // 2), "down2": (2, 2 * c, s // 4, s // 4),
        "enc3": (2, 2 * c, s // 4, s // 4), "down3": (2, 4 * c, s // 8, s // 8),
        "enc4": (2, 4 * c, s // 8, s // 8), "down4": (2, 8 * c, s // 16, s // 16),
        "bottleneck": (2, 8 * c, s // 16, s // 16), "bott_proj": (2, 2 * c, s // 16, s // 16),
        "dec3": (2, c, s // 8, s // 8), "dec2": (2, c // 2, s // 4, s // 4),
        "dec1": (2, c // 4, s // 2, s // 2), "dec0": (2, c // 2, s, s), "head": (2, k, s, s),
    }
    assert shapes == expect


def test_partition_capped_at_feature_size() -> None:
    m = SegNetr(width=8, partition=8, img_size=64)
    assert m.level_p == [8, 8, 8, 8, 4]
    assert m.bottleneck.p == 4 and m.enc2.p == 8


@pytest.mark.parametrize("fn,inv", [(window_partition, window_reverse), (grid_partition, grid_reverse)])
def test_partitions_invert_exactly(fn, inv) -> None:
    t = torch.randn(2, 12, 8, 5)
    for p in (2, 4):
        g = fn(t, p)
        assert g.shape == (2 * (12 // p) * (8 // p), p * p, 5)
        assert torch.equal(inv(g, p, 2, 12, 8), t)


def test_window_groups_are_neighbourhoods_and_grid_groups_span_the_image() -> None:
    h, w, p = 8, 12, 4
    ys, xs = torch.meshgrid(torch.arange(h), torch.arange(w), indexing="ij")
    coords = torch.stack([ys, xs], -1).float()[None]          # [1, H, W, 2]
    win, grd = window_partition(coords, p), grid_partition(coords, p)
    # window group 1 = rows 0..3, cols 4..7
    assert set(map(tuple, win[1].long().tolist())) == {(y, x) for y in range(4) for x in range(4, 8)}
    # grid group (h'=1, w'=2) = pixels (i*H/p + 1, j*W/p + 2): stride H/p = 2, W/p = 3
    gi = 1 * (w // p) + 2
    assert set(map(tuple, grd[gi].long().tolist())) == {(i * 2 + 1, j * 3 + 2) for i in range(p) for j in range(p)}


def test_irsc_is_exact_inverse_of_patch_merging_space_to_depth() -> None:
    x = torch.randn(2, 6, 8, 10)
    assert torch.equal(IRSC()(F.pixel_unshuffle(x, 2)), x)
    pm = PatchMerging(6, 12)
    assert pm(x).shape == (2, 12, 4, 5)


def test_forward_backward_and_mlp_interaction() -> None:
    for inter in ("attention", "mlp"):
        m = SegNetr(width=8, partition=2, img_size=32, interaction=inter)
        y = m(torch.randn(2, 3, 32, 32))
        y.mean().backward()
        assert y.shape == (2, 1, 32, 32)
        assert all(p.grad is not None for p in m.parameters())


def test_registry_configs() -> None:
    assert {"segnetr_t", "segnetr_s", "segnetr_b", "unet"} <= set(list_models())
    assert create_model("segnetr_t").width == 16
    assert create_model("segnetr_b").width == 64
    assert create_model("segnetr_s", num_classes=4).head.out_channels == 4
    u = create_model("unet", widths=(8, 16, 32))
    assert u(torch.zeros(1, 3, 16, 16)).shape == (1, 1, 16, 16)
    with pytest.raises(KeyError):
        create_model("nope")
