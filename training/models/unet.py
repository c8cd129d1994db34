"""Vanilla U-Net (Ronneberger et al. 2015): 64-128-256-512-1024, transposed-conv upsampling.

Padded 3x3 convolutions with BatchNorm (the common modern variant, 31.0 M parameters), the
reference for SegNetr's parameter and MAC claims.
"""
from __future__ import annotations

from typing import Sequence

import torch
from torch import nn


class DoubleConv(nn.Sequential):
    """(3x3 conv, BN, ReLU) x 2."""

    def __init__(self, in_chs: int, out_chs: int) -> None:
        super().__init__(
            nn.Conv2d(in_chs, out_chs, 3, padding=1, bias=False), nn.BatchNorm2d(out_chs), nn.ReLU(inplace=True),
            nn.Conv2d(out_chs, out_chs, 3, padding=1, bias=False), nn.BatchNorm2d(out_chs), nn.ReLU(inplace=True),
        )


class Up(nn.Module):
    """2x2 stride-2 transposed conv halving the channels, concat with the skip, DoubleConv."""

    def __init__(self, in_chs: int, out_chs: int) -> None:
        super().__init__()
        self.up = nn.ConvTranspose2d(in_chs, in_chs // 2, 2, stride=2)
        self.conv = DoubleConv(in_chs, out_chs)

    def forward(self, x: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        return self.conv(torch.cat([skip, self.up(x)], 1))


class UNet(nn.Module):
    """U-Net with widths ``widths`` (default 64-128-256-512-1024) and K output channels."""

    def __init__(self, num_classes: int = 1, in_chans: int = 3,
                 widths: Sequence[int] = (64, 128, 256, 512, 1024)) -> None:
        super().__init__()
        w = list(widths)
        self.inc = DoubleConv(in_chans, w[0])
        self.downs = nn.ModuleList(
            nn.Sequential(nn.MaxPool2d(2), DoubleConv(w[i], w[i + 1])) for i in range(len(w) - 1))
        self.ups = nn.ModuleList(Up(w[i + 1], w[i]) for i in reversed(range(len(w) - 1)))
        self.head = nn.Conv2d(w[0], num_classes, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skips = [self.inc(x)]
        for down in self.downs:
            skips.append(down(skips[-1]))
        d = skips.pop()
        for up in self.ups:
            d = up(d, skips.pop())
        return self.head(d)
