"""Export-time folding: rewrite a trained SegNetr into an equivalent, faster inference graph.

The rewrites follow ``shared/docs/speed.md`` and compute the same function (the ONNX parity
check and ``training/tests`` guard the equivalence):

* Conv + BatchNorm pairs become one conv with bias.
* PatchMerging (2x2 space-to-depth, BN, 1x1 conv) becomes one 2x2 stride-2 conv.
* In a SegNetr block the token tensor is normalised **once** (LayerNorm without affine:
  both branches normalise the same tensor) and the C-wide normalised tensor is
  partitioned, instead of the 3C-wide q/k/v output.
* Each branch's LayerNorm scale/shift and the attention scale are folded into its q/k/v
  weights; the key bias is dropped (softmax ignores a per-row constant) and the value
  bias becomes a constant after attention (attention rows sum to one).
* The output projection is folded into the fuse 1x1 conv + BN: every branch produces the
  narrow fused output inside its groups, so only ``out_chs`` channels are un-partitioned.
  For single-head branches even the value projection is merged with it (``A @ (g Wv M)``).
  The identity part of the branch residual (``z = t + ...``) becomes a 1x1 conv on ``t``.
"""
from __future__ import annotations

import copy
from typing import Tuple

import torch
import torch.nn.functional as F
from torch import nn

from training.models.segnetr import (PARTITIONS, ConvBN, GroupAttention, MBConv, PatchMerging,
                                     SegNetr, SegNetrBlock, SqueezeExcite)


def bn_scale_shift(bn: nn.BatchNorm2d) -> Tuple[torch.Tensor, torch.Tensor]:
    """Per-channel ``(s, b)`` with ``bn(x) = s * x + b`` in eval mode."""
    s = bn.weight / torch.sqrt(bn.running_var + bn.eps)
    return s, bn.bias - bn.running_mean * s


def fold_conv_bn(conv: nn.Conv2d, bn: nn.BatchNorm2d) -> nn.Conv2d:
    """``bn(conv(x))`` as one conv with bias."""
    s, b = bn_scale_shift(bn)
    out = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, conv.stride, conv.padding,
                    groups=conv.groups, bias=True)
    out.weight.data = conv.weight * s.view(-1, 1, 1, 1)
    bias = conv.bias if conv.bias is not None else torch.zeros_like(s)
    out.bias.data = bias * s + b
    return out


class FoldedConvAct(nn.Module):
    """Conv (BN folded) + optional SiLU."""

    def __init__(self, m: ConvBN) -> None:
        super().__init__()
        self.conv = fold_conv_bn(m[0], m[1])
        self.act = len(m) > 2

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv(x)
        return F.silu(x) if self.act else x


class FoldedMBConv(nn.Module):
    """MBConv with every BN folded into its conv."""

    def __init__(self, m: MBConv) -> None:
        super().__init__()
        self.expand = FoldedConvAct(m.expand)
        self.dw = FoldedConvAct(m.dw)
        self.se: SqueezeExcite = copy.deepcopy(m.se)
        self.project = FoldedConvAct(m.project)
        self.shortcut = copy.deepcopy(m.shortcut)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.shortcut(x) + self.project(self.se(self.dw(self.expand(x))))


def fold_patch_merging(m: PatchMerging) -> nn.Conv2d:
    """pixel_unshuffle(2) -> BN -> 1x1 conv  ==  one 2x2 stride-2 conv.

    ``pixel_unshuffle`` puts ``x[c, 2h+i, 2w+j]`` at channel ``4c + 2i + j``.
    """
    s, b = bn_scale_shift(m.norm)
    w = m.proj.weight[:, :, 0, 0]                     # [out, 4c]
    out_chs, c4 = w.shape
    conv = nn.Conv2d(c4 // 4, out_chs, 2, stride=2, bias=True)
    conv.weight.data = (w * s).reshape(out_chs, c4 // 4, 2, 2)
    bias = m.proj.bias if m.proj.bias is not None else torch.zeros(out_chs)
    conv.bias.data = bias + w @ b
    return conv


class FoldedAttentionBranch(nn.Module):
    """One branch's attention with LN affine, scale, biases and (part of) the fuse folded in.

    Input: the normalised (no affine) NHWC tensor. Output: this branch's contribution to the
    fused output, ``[B, H, W, out]`` (before the shared constant bias).
    """

    def __init__(self, ln: nn.LayerNorm, attn: GroupAttention, fuse_part: torch.Tensor,
                 partition: str, p: int) -> None:
        super().__init__()
        c = ln.normalized_shape[0]
        h, d = attn.heads, attn.head_dim
        self.partition, self.p, self.heads, self.head_dim = partition, p, h, d
        gamma, beta = ln.weight, ln.bias
        wq, wk, wv = attn.qkv.weight.split(c, 0)      # [C, C] each (out, in)
        bq, _, bv = attn.qkv.bias.split(c, 0)         # the key bias is dropped (softmax shift-invariant)
        m = fuse_part @ attn.proj.weight              # [out, C]: fuse (BN-scaled) o proj
        # q = scale * (Wq (g*gamma + beta) + bq)
        self.wq = nn.Parameter((attn.scale * wq * gamma).t().reshape(c, h, d).permute(1, 0, 2).contiguous())
        self.bq = nn.Parameter((attn.scale * (wq @ beta + bq)).reshape(h, 1, d).contiguous())
        self.wk = nn.Parameter((wk * gamma).t().reshape(c, h, d).permute(1, 0, 2).contiguous())
        wv_g = (wv * gamma).t()                       # [C(in), C(out of v)]
        if h == 1:
            self.wvm = nn.Parameter((wv_g @ m.t()).contiguous())  # [C, out]: value and fuse merged
        else:
            self.wv = nn.Parameter(wv_g.reshape(c, h, d).permute(1, 0, 2).contiguous())
            self.m = nn.Parameter(m.t().contiguous())             # [C, out]
        # constant: value bias through attention (rows sum to 1) and the proj bias, into the fuse
        self.register_buffer("const", m @ (wv @ beta + bv) + fuse_part @ attn.proj.bias)

    def forward(self, n: torch.Tensor) -> torch.Tensor:
        b, hh, ww, c = n.shape
        part, rev = PARTITIONS[self.partition]
        g = part(n, self.p)                           # [G, N, C]
        gh = g.unsqueeze(1)                           # [G, 1, N, C] broadcast over heads
        q = torch.matmul(gh, self.wq) + self.bq       # [G, h, N, d]
        k = torch.matmul(gh, self.wk)
        attn = torch.matmul(q, k.transpose(-2, -1)).softmax(-1)
        if self.heads == 1:
            u = torch.matmul(attn[:, 0], torch.matmul(g, self.wvm))   # [G, N, out]
        else:
            o = torch.matmul(attn, torch.matmul(gh, self.wv))         # [G, h, N, d]
            u = torch.matmul(o.transpose(1, 2).reshape(g.shape[0], g.shape[1], c), self.m)
        return rev(u, self.p, b, hh, ww)


class FoldedSegNetrBlock(nn.Module):
    """Inference form of :class:`SegNetrBlock` (attention interaction)."""

    def __init__(self, blk: SegNetrBlock, plain_layernorm: bool = True) -> None:
        super().__init__()
        self.plain_layernorm = plain_layernorm
        self.register_buffer("ln_one", torch.ones(blk.in_chs))
        self.register_buffer("ln_zero", torch.zeros(blk.in_chs))
        if not isinstance(blk.local.mix, GroupAttention):
            raise TypeError("FoldedSegNetrBlock needs the attention interaction")
        c, out = blk.in_chs, blk.out_chs
        self.chs, self.eps = c, blk.local.norm.eps
        if blk.glob.norm.eps != self.eps:
            raise ValueError("both branches must share the LayerNorm eps to normalise once")
        self.mbconv = FoldedMBConv(blk.mbconv)
        s, sh = bn_scale_shift(blk.fuse_bn)
        wf = blk.fuse.weight[:, :, 0, 0] * s[:, None]   # [out, 2C], BN scale folded
        wl, wg = wf[:, :c], wf[:, c:]
        self.local = FoldedAttentionBranch(blk.local.norm, blk.local.mix, wl, "window", blk.p)
        self.glob = FoldedAttentionBranch(blk.glob.norm, blk.glob.mix, wg, "grid", blk.p)
        # identity parts of both branch residuals: (Wl + Wg) t, plus every constant
        self.skip = nn.Conv2d(c, out, 1, bias=True)
        self.skip.weight.data = (wl + wg)[:, :, None, None].contiguous()
        self.skip.bias.data = sh + self.local.const + self.glob.const
        self.residual = blk.residual

    def normalize(self, t: torch.Tensor) -> torch.Tensor:
        """LayerNorm over channels without affine (the affine lives in the q/k/v weights).

        Written as plain ops when ``plain_layernorm`` (faster than onnxruntime's fused kernel
        at narrow widths per speed.md), else the fused op with unit weight and zero bias.
        """
        if self.plain_layernorm:
            d = t - t.mean(-1, keepdim=True)
            return d / torch.sqrt((d * d).mean(-1, keepdim=True) + self.eps)
        return F.layer_norm(t, (self.chs,), self.ln_one, self.ln_zero, self.eps)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.mbconv(x)
        n = self.normalize(y.permute(0, 2, 3, 1))
        z = (self.local(n) + self.glob(n)).permute(0, 3, 1, 2)
        out = self.skip(y) + z
        return x + out if self.residual else out


class FoldedSegNetrBlockGeneric(nn.Module):
    """Inference form for non-attention interactions: MBConv and fuse BN folded only."""

    def __init__(self, blk: SegNetrBlock) -> None:
        super().__init__()
        self.mbconv = FoldedMBConv(blk.mbconv)
        self.local, self.glob = copy.deepcopy(blk.local), copy.deepcopy(blk.glob)
        self.fuse = fold_conv_bn(blk.fuse, blk.fuse_bn)
        self.residual = blk.residual

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.mbconv(x)
        t = y.permute(0, 2, 3, 1)
        out = self.fuse(torch.cat([self.local(t), self.glob(t)], -1).permute(0, 3, 1, 2))
        return x + out if self.residual else out


@torch.no_grad()
def fold_segnetr(model: SegNetr, plain_layernorm: bool = True) -> SegNetr:
    """A folded copy of ``model`` (eval mode, fp32); the original is left untouched."""
    src = copy.deepcopy(model).float().eval().to(memory_format=torch.contiguous_format)
    out = copy.deepcopy(src)

    def rewrite(parent_src: nn.Module, parent_out: nn.Module) -> None:
        for name, child in parent_src.named_children():
            new: nn.Module
            if isinstance(child, SegNetrBlock):
                new = (FoldedSegNetrBlock(child, plain_layernorm) if isinstance(child.local.mix, GroupAttention)
                       else FoldedSegNetrBlockGeneric(child))
            elif isinstance(child, MBConv):
                new = FoldedMBConv(child)
            elif isinstance(child, PatchMerging):
                new = fold_patch_merging(child)
            else:
                rewrite(child, getattr(parent_out, name))
                continue
            setattr(parent_out, name, new)

    rewrite(src, out)
    for prm in out.parameters():
        prm.requires_grad_(False)
    return out.eval()
