"""The export-time folding computes the same function as the training modules."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from training.fold import fold_patch_merging, fold_segnetr
from training.models.segnetr import PatchMerging, SegNetr
from training.tests.conftest import randomize_norms


def test_folded_segnetr_matches(tiny_segnetr: SegNetr) -> None:
    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        ref = tiny_segnetr(x)
        for plain_ln in (True, False):
            got = fold_segnetr(tiny_segnetr, plain_layernorm=plain_ln)(x)
            assert (got - ref).abs().max().item() < 1e-4
    # the fold must not touch the source model
    assert isinstance(tiny_segnetr.enc2.local.norm, torch.nn.LayerNorm)


def test_folded_mlp_variant_matches() -> None:
    torch.manual_seed(1)
    m = randomize_norms(SegNetr(width=8, partition=2, img_size=32, interaction="mlp"))
    x = torch.randn(1, 3, 32, 32)
    with torch.no_grad():
        assert (fold_segnetr(m)(x) - m(x)).abs().max().item() < 1e-4


def test_patch_merging_is_one_strided_conv() -> None:
    pm = randomize_norms(PatchMerging(3, 6))
    conv = fold_patch_merging(pm)
    assert conv.kernel_size == (2, 2) and conv.stride == (2, 2)
    x = torch.randn(2, 3, 8, 8)
    with torch.no_grad():
        assert torch.allclose(conv(x), pm(x), atol=1e-5)


def test_fold_detects_a_broken_rewrite(tiny_segnetr: SegNetr) -> None:
    """Sanity check of the check: perturbing one folded weight is visible at this tolerance."""
    f = fold_segnetr(tiny_segnetr)
    with torch.no_grad():
        # (a constant shift of a key weight would be exactly invisible: LN output sums to 0)
        f.dec0.local.wvm.add_(0.05 * torch.randn(f.dec0.local.wvm.shape))
        x = torch.randn(1, 3, 32, 32)
        assert (f(x) - tiny_segnetr(x)).abs().max().item() > 1e-4
