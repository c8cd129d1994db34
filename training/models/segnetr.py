"""SegNetr (Cheng et al., MICCAI 2023) laid out as in ``shared/docs/segnetr.md``.

Training-time modules are written for readability; ``training.fold`` rewrites a trained
model into an equivalent, faster inference graph for export.

Tensor conventions: convolutions see NCHW tensors (stored channels-last when training
with ``channels_last``); token interactions see NHWC views so that LayerNorm and the
q/k/v projections work on the contiguous last dimension.
"""
from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import nn


# --------------------------------------------------------------------------- partitions
def window_partition(t: torch.Tensor, p: int) -> torch.Tensor:
    """Split an NHWC tensor into non-overlapping ``p x p`` windows -> ``[B*G, p*p, C]``.

    Written as a rank-4 transpose (the row index inside a window is merged with the
    batch/window-row index and the column index with the channels) because fewer,
    lower-rank transposes are cheaper both in torch and in onnxruntime.
    """
    b, h, w, c = t.shape
    hn, wn = h // p, w // p
    t = t.reshape(b * hn, p, wn, p * c).transpose(1, 2)
    return t.reshape(b * hn * wn, p * p, c)


def window_reverse(g: torch.Tensor, p: int, b: int, h: int, w: int) -> torch.Tensor:
    """Exact inverse of :func:`window_partition` (channel count may differ)."""
    c = g.shape[-1]
    hn, wn = h // p, w // p
    g = g.reshape(b * hn, wn, p, p * c).transpose(1, 2)
    return g.reshape(b, h, w, c)


def grid_partition(t: torch.Tensor, p: int) -> torch.Tensor:
    """Split an NHWC tensor into ``p x p`` dilated grids (stride ``H/p``) -> ``[B*G, p*p, C]``.

    Group ``(h', w')`` holds the pixels ``(i*H/p + h', j*W/p + w')`` for ``i, j < p``: every
    group samples the whole map, so one interaction step crosses the image.
    """
    b, h, w, c = t.shape
    hn, wn = h // p, w // p
    t = t.reshape(b, p, hn, p, wn, c).permute(0, 2, 4, 1, 3, 5)
    return t.reshape(b * hn * wn, p * p, c)


def grid_reverse(g: torch.Tensor, p: int, b: int, h: int, w: int) -> torch.Tensor:
    """Exact inverse of :func:`grid_partition` (channel count may differ)."""
    c = g.shape[-1]
    hn, wn = h // p, w // p
    g = g.reshape(b, hn, wn, p, p, c).permute(0, 3, 1, 4, 2, 5)
    return g.reshape(b, h, w, c)


PARTITIONS = {
    "window": (window_partition, window_reverse),
    "grid": (grid_partition, grid_reverse),
}


# --------------------------------------------------------------------------- conv blocks
class ConvBN(nn.Sequential):
    """Conv2d (no bias) + BatchNorm2d + optional activation."""

    def __init__(self, in_chs: int, out_chs: int, kernel: int = 1, stride: int = 1,
                 groups: int = 1, act: bool = True) -> None:
        layers: List[nn.Module] = [
            nn.Conv2d(in_chs, out_chs, kernel, stride, kernel // 2, groups=groups, bias=False),
            nn.BatchNorm2d(out_chs),
        ]
        if act:
            layers.append(nn.SiLU(inplace=True))
        super().__init__(*layers)


class SqueezeExcite(nn.Module):
    """Squeeze-and-excitation: global pool, 1x1 reduce + SiLU, 1x1 expand + sigmoid gate."""

    def __init__(self, chs: int, rd_chs: int) -> None:
        super().__init__()
        self.reduce = nn.Conv2d(chs, rd_chs, 1)
        self.act = nn.SiLU(inplace=True)
        self.expand = nn.Conv2d(rd_chs, chs, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s = x.mean((2, 3), keepdim=True)
        return x * torch.sigmoid(self.expand(self.act(self.reduce(s))))


class MBConv(nn.Module):
    """Inverted residual: 1x1 expand + BN + SiLU, dw 3x3 + BN + SiLU, SE, 1x1 project + BN.

    The hidden width is ``expand_ratio * in_chs`` unless ``mid_chs`` is given (the stem
    passes ``4 * out_chs`` because 4 x 3 input channels would be a useless bottleneck).
    Residual is identity when the widths match, otherwise a 1x1 conv shortcut.
    """

    def __init__(self, in_chs: int, out_chs: int, expand_ratio: float = 4.0,
                 se_ratio: float = 0.25, mid_chs: Optional[int] = None) -> None:
        super().__init__()
        mid = mid_chs if mid_chs is not None else int(round(in_chs * expand_ratio))
        self.expand = ConvBN(in_chs, mid, 1)
        self.dw = ConvBN(mid, mid, 3, groups=mid)
        self.se = SqueezeExcite(mid, max(1, int(in_chs * se_ratio)))
        self.project = ConvBN(mid, out_chs, 1, act=False)
        self.shortcut: nn.Module = nn.Identity() if in_chs == out_chs else nn.Conv2d(in_chs, out_chs, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.shortcut(x) + self.project(self.se(self.dw(self.expand(x))))


class PatchMerging(nn.Module):
    """2x2 space-to-depth, BatchNorm, then a 1x1 projection to ``out_chs`` (= 2x input).

    ``training.fold`` turns this into one 2x2 stride-2 convolution with the BN folded in.
    """

    def __init__(self, in_chs: int, out_chs: int) -> None:
        super().__init__()
        self.norm = nn.BatchNorm2d(4 * in_chs)
        self.proj = nn.Conv2d(4 * in_chs, out_chs, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(self.norm(F.pixel_unshuffle(x, 2)))


class IRSC(nn.Module):
    """Information retention skip connection: the exact inverse of PatchMerging's 2x2
    space-to-depth (pixel shuffle, no parameters) applied to the merged encoder tensor."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.pixel_shuffle(x, 2)


# --------------------------------------------------------------------------- interactions
class MatMul(nn.Module):
    """``a @ b`` as a module so that the MAC counter's forward hooks can see it."""

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return torch.matmul(a, b)


class GroupAttention(nn.Module):
    """Multi-head self-attention among the tokens of each group (no positional bias, no MLP).

    Input/output ``[G, N, C]``. ``head_dim`` is capped at ``C`` so narrow levels use one head.
    """

    def __init__(self, dim: int, head_dim: int = 32) -> None:
        super().__init__()
        self.head_dim = min(head_dim, dim)
        if dim % self.head_dim:
            raise ValueError(f"dim {dim} is not a multiple of head_dim {self.head_dim}")
        self.heads = dim // self.head_dim
        self.scale = self.head_dim ** -0.5
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.qk = MatMul()
        self.av = MatMul()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        g, n, c = x.shape
        qkv = self.qkv(x).reshape(g, n, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)  # unbind: one stack in backward instead of 3 zero-filled selects
        attn = self.qk(q * self.scale, k.transpose(-2, -1)).softmax(dim=-1)
        out = self.av(attn, v).transpose(1, 2).reshape(g, n, c)
        return self.proj(out)


class TokenMLP(nn.Module):
    """Token-mixing MLP over the ``N = P*P`` tokens of a group (the cheaper interaction)."""

    def __init__(self, dim: int, tokens: int, ratio: float = 0.5) -> None:
        super().__init__()
        hidden = max(1, int(tokens * ratio))
        self.fc1 = nn.Linear(tokens, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, tokens)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.act(self.fc1(x.transpose(1, 2)))).transpose(1, 2)


class _LayerNormFP32(nn.LayerNorm):
    """LayerNorm computed in fp32 even under bf16 autocast (torch 1.13 would run it in bf16)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dtype != torch.float32:
            with torch.autocast(device_type=x.device.type, enabled=False):
                return super().forward(x.float())
        return super().forward(x)


class InteractionBranch(nn.Module):
    """Residual token interaction inside fixed-size groups: ``t + unpart(f(LN(part(t))))``."""

    def __init__(self, dim: int, partition: str, p: int, interaction: str = "attention",
                 head_dim: int = 32) -> None:
        super().__init__()
        if partition not in PARTITIONS:
            raise ValueError(f"unknown partition {partition!r}")
        self.partition = partition
        self.p = p
        self.norm = _LayerNormFP32(dim)
        self.interaction = interaction
        self.mix: nn.Module
        if interaction == "attention":
            self.mix = GroupAttention(dim, head_dim)
        elif interaction == "mlp":
            self.mix = TokenMLP(dim, p * p)
        else:
            raise ValueError(f"unknown interaction {interaction!r}")

    def forward(self, t: torch.Tensor) -> torch.Tensor:
        b, h, w, _ = t.shape
        part, rev = PARTITIONS[self.partition]
        g = part(t, self.p)
        g = self.mix(self.norm(g)).to(t.dtype)
        return t + rev(g, self.p, b, h, w)


class SegNetrBlock(nn.Module):
    """MBConv, then parallel local (window) and global (grid) interaction branches,
    fused by concat + 1x1 conv + BN to ``out_chs``; residual when widths match."""

    def __init__(self, in_chs: int, out_chs: int, p: int, interaction: str = "attention",
                 head_dim: int = 32, expand_ratio: float = 4.0) -> None:
        super().__init__()
        self.in_chs, self.out_chs, self.p = in_chs, out_chs, p
        self.mbconv = MBConv(in_chs, in_chs, expand_ratio)
        self.local = InteractionBranch(in_chs, "window", p, interaction, head_dim)
        self.glob = InteractionBranch(in_chs, "grid", p, interaction, head_dim)
        self.fuse = nn.Conv2d(2 * in_chs, out_chs, 1, bias=False)
        self.fuse_bn = nn.BatchNorm2d(out_chs)
        self.residual = in_chs == out_chs

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.mbconv(x)
        t = y.permute(0, 2, 3, 1)  # NHWC view; free when y is channels-last
        z = torch.cat([self.local(t), self.glob(t)], dim=-1).permute(0, 3, 1, 2)
        out = self.fuse_bn(self.fuse(z))
        return x + out if self.residual else out


# --------------------------------------------------------------------------- network
def level_partition(size: int, p: int) -> int:
    """Partition size at a level of side ``size``: ``p`` capped at the feature size."""
    return min(p, size)


class SegNetr(nn.Module):
    """U-shaped SegNetr: MBConv stem, 4 PatchMerging downsamplings with SegNetr blocks,
    a bottleneck, and a decoder fed by IRSC skips and bilinear upsampling; 1x1 head.

    Args:
        width: base width C (C = 64 is the paper-size model). Must be a multiple of 4.
        num_classes: K output channels (1 = binary with sigmoid, >1 = softmax).
        partition: P, the window/grid side (capped at the feature size at small levels).
        interaction: "attention" (pre-LN MHSA, head dim ``head_dim``) or "mlp" (token MLP).
        img_size: the design input side; fixes P per level so the exported graph has no
            shape-dependent control flow. Inputs must have sides divisible by 16*P.
        in_chans: input channels (3 for RGB).
        head_dim: attention head width.
        expand_ratio: MBConv expansion.
    """

    def __init__(self, width: int = 64, num_classes: int = 1, partition: int = 8,
                 interaction: str = "attention", img_size: int = 256, in_chans: int = 3,
                 head_dim: int = 32, expand_ratio: float = 4.0) -> None:
        super().__init__()
        if width % 4:
            raise ValueError("width must be a multiple of 4")
        c = width
        self.width, self.num_classes, self.partition = c, num_classes, partition
        self.interaction, self.img_size = interaction, img_size
        ps = [level_partition(img_size // 2 ** i, partition) for i in range(5)]
        self.level_p = ps

        def blk(i: int, o: int, lvl: int) -> SegNetrBlock:
            return SegNetrBlock(i, o, ps[lvl], interaction, head_dim, expand_ratio)

        self.stem = MBConv(in_chans, c // 2, expand_ratio, mid_chs=int(round(expand_ratio * c / 2)))
        self.down1 = PatchMerging(c // 2, c)                      # C   @ H/2
        self.enc2, self.down2 = blk(c, c, 1), PatchMerging(c, 2 * c)            # 2C @ H/4
        self.enc3, self.down3 = blk(2 * c, 2 * c, 2), PatchMerging(2 * c, 4 * c)  # 4C @ H/8
        self.enc4, self.down4 = blk(4 * c, 4 * c, 3), PatchMerging(4 * c, 8 * c)  # 8C @ H/16
        self.bottleneck = blk(8 * c, 8 * c, 4)
        self.bott_mbconv = MBConv(8 * c, 16 * c, expand_ratio)
        self.bott_proj = nn.Conv2d(16 * c, 2 * c, 1)
        self.irsc = IRSC()
        self.dec3 = blk(4 * c, c, 3)          # H/8 : 2C skip + 2C up -> C
        self.dec2 = blk(2 * c, c // 2, 2)     # H/4 : C  skip + C  up -> C/2
        self.dec1 = blk(c, c // 4, 1)         # H/2 : C/2 skip + C/2 up -> C/4
        self.dec0 = blk(c // 2, c // 2, 0)    # H   : C/4 skip + C/4 up -> C/2
        self.head = nn.Conv2d(c // 2, num_classes, 1)

    def check_input(self, h: int, w: int) -> None:
        """Raise ``ValueError`` unless every level's feature map tiles into its P x P groups."""
        for i, p in enumerate(self.level_p):
            if (h % (2 ** i * p)) or (w % (2 ** i * p)):
                raise ValueError(f"input {h}x{w} does not tile into {p}x{p} groups at level {i} "
                                 f"(sides must divide by {2 ** i * p})")

    @staticmethod
    def up(x: torch.Tensor) -> torch.Tensor:
        """Parameter-free bilinear x2 upsampling."""
        return F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s0 = self.stem(x)
        m1 = self.down1(s0)                      # C  @ H/2
        m2 = self.down2(self.enc2(m1))           # 2C @ H/4
        m3 = self.down3(self.enc3(m2))           # 4C @ H/8
        m4 = self.down4(self.enc4(m3))           # 8C @ H/16
        d = self.bott_proj(self.bott_mbconv(self.bottleneck(m4)))
        d = self.dec3(torch.cat([self.irsc(m4), self.up(d)], 1))   # C   @ H/8
        d = self.dec2(torch.cat([self.irsc(m3), self.up(d)], 1))   # C/2 @ H/4
        d = self.dec1(torch.cat([self.irsc(m2), self.up(d)], 1))   # C/4 @ H/2
        d = self.dec0(torch.cat([self.irsc(m1), self.up(d)], 1))   # C/2 @ H
        return self.head(d)

    def feature_shapes(self, x: torch.Tensor) -> List[Tuple[str, Tuple[int, ...]]]:
        """Shapes of every level's tensor for input ``x`` (used by tests and the summary)."""
        shapes: List[Tuple[str, Tuple[int, ...]]] = []
        handles = []
        for name in ["stem", "down1", "enc2", "down2", "enc3", "down3", "enc4", "down4",
                     "bottleneck", "bott_proj", "dec3", "dec2", "dec1", "dec0", "head"]:
            mod = getattr(self, name)
            handles.append(mod.register_forward_hook(
                lambda m, i, o, n=name: shapes.append((n, tuple(o.shape)))))
        try:
            with torch.no_grad():
                self(x)
        finally:
            for hd in handles:
                hd.remove()
        return shapes
