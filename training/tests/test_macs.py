"""The MAC/parameter counter against hand counts on tiny configs."""
from __future__ import annotations

import torch

from training.macs import count_macs, count_params
from training.models.segnetr import MBConv, SegNetr
from training.models.unet import UNet
from training.summary import format_text, report


def mbconv_macs(cin: int, cout: int, mid: int, s: int) -> int:
    """Hand count: expand, depthwise 3x3, SE on the pooled 1x1 map, project, 1x1 shortcut."""
    rd = max(1, int(cin * 0.25))
    return cin * mid * s + 9 * mid * s + 2 * mid * rd + mid * cout * s + (cin * cout * s if cin != cout else 0)


def block_macs(cin: int, cout: int, p: int, s: int) -> int:
    """Hand count of a SegNetr block on ``s`` pixels with ``p x p`` groups (attention)."""
    n = p * p
    branch = 3 * cin * cin * s + cin * cin * s + 2 * s * n * cin   # qkv, proj, q@k^T, attn@v
    return mbconv_macs(cin, cin, 4 * cin, s) + 2 * branch + 2 * cin * cout * s


def test_segnetr_macs_match_hand_count() -> None:
    c = 8
    m = SegNetr(width=c, partition=2, img_size=16, head_dim=4)
    s0, s1, s2, s3, s4 = 256, 64, 16, 4, 1
    hand = (
        mbconv_macs(3, c // 2, 2 * c, s0)                     # stem (hidden width 4 * C/2)
        + 4 * (c // 2) * c * s1                                # down1: 1x1 on the 2x2 space-to-depth
        + block_macs(c, c, 2, s1) + 4 * c * 2 * c * s2         # enc2, down2
        + block_macs(2 * c, 2 * c, 2, s2) + 8 * c * 4 * c * s3  # enc3, down3
        + block_macs(4 * c, 4 * c, 2, s3) + 16 * c * 8 * c * s4  # enc4, down4
        + block_macs(8 * c, 8 * c, 1, s4)                      # bottleneck (P capped at the 1x1 map)
        + mbconv_macs(8 * c, 16 * c, 32 * c, s4) + 16 * c * 2 * c * s4
        + block_macs(4 * c, c, 2, s3) + block_macs(2 * c, c // 2, 2, s2)
        + block_macs(c, c // 4, 2, s1) + block_macs(c // 2, c // 2, 2, s0)
        + (c // 2) * 1 * s0                                    # head
    )
    assert count_macs(m, (1, 3, 16, 16)).macs == hand
    assert count_macs(m, (2, 3, 16, 16)).macs == 2 * hand     # linear in the batch


def test_unet_counts_match_hand_count() -> None:
    u = UNet(widths=(4, 8))
    r = count_macs(u, (1, 3, 16, 16))
    hand_macs = (3 * 4 * 9 + 4 * 4 * 9) * 256 + (4 * 8 * 9 + 8 * 8 * 9) * 64 \
        + 8 * 64 * 4 * 4 + (8 * 4 * 9 + 4 * 4 * 9) * 256 + 4 * 256
    hand_params = (3 * 4 * 9 + 8 + 4 * 4 * 9 + 8) + (4 * 8 * 9 + 16 + 8 * 8 * 9 + 16) \
        + (8 * 4 * 4 + 4) + (8 * 4 * 9 + 8 + 4 * 4 * 9 + 8) + (4 + 1)
    assert r.macs == hand_macs
    assert r.params == count_params(u) == hand_params


def test_mbconv_params_match_hand_count() -> None:
    m = MBConv(4, 6, expand_ratio=4)
    mid, rd = 16, 1
    hand = 4 * mid + 2 * mid + 9 * mid + 2 * mid + (mid * rd + rd) + (rd * mid + mid) \
        + mid * 6 + 2 * 6 + (4 * 6 + 6)
    assert count_params(m) == hand


def test_summary_reports_both_models_and_ratios() -> None:
    r = report(size=256, width=64)
    assert abs(r["unet"]["params"] - 31.04e6) < 0.05e6
    assert 40e9 < r["unet"]["macs"] < 56e9
    assert r["param_ratio"] == r["segnetr"]["params"] / r["unet"]["params"]
    assert r["mac_ratio"] == r["segnetr"]["macs"] / r["unet"]["macs"]
    text = format_text(r)
    assert "U-Net" in text and "SegNetr C=64" in text and "ratio" in text
