"""Parameter and multiply-accumulate (MAC) counting with the project's own forward hooks.

Counted: Conv2d, ConvTranspose2d, Linear and the attention matrix products (the
:class:`~training.models.segnetr.MatMul` modules). Not counted: BatchNorm, LayerNorm,
activations, softmax, pooling, pixel (un)shuffle and bilinear resizing -- the usual
convention of "MACs" tables, and a small share of the total for both networks.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Tuple

import torch
from torch import nn

from training.models.segnetr import MatMul


def conv_macs(m: nn.Conv2d, out: torch.Tensor) -> int:
    """Every output element costs ``in/groups * kh * kw`` MACs."""
    kh, kw = m.kernel_size
    return out.numel() * (m.in_channels // m.groups) * kh * kw


def conv_transpose_macs(m: nn.ConvTranspose2d, inp: torch.Tensor) -> int:
    """Every input element is scattered to ``out/groups * kh * kw`` outputs."""
    kh, kw = m.kernel_size
    return inp.numel() * (m.out_channels // m.groups) * kh * kw


def linear_macs(m: nn.Linear, out: torch.Tensor) -> int:
    """Every output element costs ``in_features`` MACs."""
    return out.numel() * m.in_features


def matmul_macs(a: torch.Tensor, out: torch.Tensor) -> int:
    """``[..., n, k] @ [..., k, m]``: every output element costs ``k`` MACs."""
    return out.numel() * a.shape[-1]


@dataclass
class CountResult:
    """Totals and a per-module-type breakdown."""

    params: int
    macs: int
    by_type: Dict[str, int] = field(default_factory=dict)


def count_params(model: nn.Module) -> int:
    """Number of parameters (trainable or not; buffers excluded)."""
    return sum(p.numel() for p in model.parameters())


@torch.no_grad()
def count_macs(model: nn.Module, input_shape: Tuple[int, ...] = (1, 3, 256, 256)) -> CountResult:
    """Run one forward pass on zeros of ``input_shape`` and sum the hooked MACs."""
    by_type: Dict[str, int] = {}

    def hook(m: nn.Module, inputs: Tuple[Any, ...], out: torch.Tensor) -> None:
        if isinstance(m, nn.Conv2d):
            n = conv_macs(m, out)
        elif isinstance(m, nn.ConvTranspose2d):
            n = conv_transpose_macs(m, inputs[0])
        elif isinstance(m, nn.Linear):
            n = linear_macs(m, out)
        else:
            n = matmul_macs(inputs[0], out)
        key = type(m).__name__
        by_type[key] = by_type.get(key, 0) + n

    handles = [m.register_forward_hook(hook) for m in model.modules()
               if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear, MatMul))]
    was_training = model.training
    model.eval()
    try:
        model(torch.zeros(input_shape))
    finally:
        for h in handles:
            h.remove()
        model.train(was_training)
    return CountResult(count_params(model), sum(by_type.values()), by_type)
