"""Test-time augmentation that lives inside the exported graph.

``ViewAverage`` runs the wrapped network once on a batch that stacks several flipped views
of the input, maps each view's logits back and averages them. Exported to ONNX, it keeps
the extension's contract (``image [N,3,H,W] -> logits [N,K,H,W]``, dynamic N), so the
runtime needs no change, and ``training.evaluate --tta`` scores exactly what ships.
Flips are their own inverse, so the same op maps a view in and its logits back.
"""
from __future__ import annotations

import argparse
from typing import Callable, Dict, Sequence, Tuple

import torch
from torch import nn

_FLIPS: Dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "identity": lambda t: t,
    "hflip": lambda t: t.flip(-1),
    "vflip": lambda t: t.flip(-2),
    "rot180": lambda t: t.flip(-1).flip(-2),
}
VIEW_NAMES: Tuple[str, ...] = tuple(_FLIPS)


def checked_views(names: Sequence[str]) -> Tuple[str, ...]:
    """``names`` as a tuple, after checking each is a known view and none repeats."""
    bad = [n for n in names if n not in _FLIPS]
    if bad:
        raise ValueError(f"unknown view(s) {', '.join(bad)}; choose from {', '.join(VIEW_NAMES)}")
    if len(set(names)) != len(names):
        raise ValueError(f"views repeat: {','.join(names)}")
    return tuple(names)


def parse_views(spec: str) -> Tuple[str, ...]:
    """``"identity,rot180"`` -> ``("identity", "rot180")``; ``""``/``"none"`` -> no TTA."""
    return checked_views([s.strip() for s in spec.split(",") if s.strip() and s.strip() != "none"])


def tta_views(spec: str) -> Tuple[str, ...]:
    """``parse_views`` as an argparse ``type``: a bad value is a usage error."""
    try:
        return parse_views(spec)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from e


def add_tta_argument(p: argparse.ArgumentParser) -> None:
    """``--tta VIEWS``, shared by ``training.evaluate`` and ``training.export`` so both score and ship the same
    graph."""
    p.add_argument("--tta", type=tta_views, default=(), metavar="VIEWS",
                   help="comma-separated views whose logits are averaged inside the graph "
                        f"({', '.join(VIEW_NAMES)}; training.tta); default none")


class ViewAverage(nn.Module):
    """Mean of the logits of ``model`` over ``views`` of the input, in one batched call."""

    def __init__(self, model: nn.Module, views: Sequence[str]) -> None:
        super().__init__()
        if not views:
            raise ValueError("ViewAverage needs at least one view")
        self.model = model
        self.views = checked_views(views)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n = x.shape[0]
        y = self.model(torch.cat([_FLIPS[v](x) for v in self.views], 0))
        outs = [_FLIPS[v](y[i * n:(i + 1) * n]) for i, v in enumerate(self.views)]
        return torch.stack(outs, 0).mean(0)


def with_views(model: nn.Module, views: Sequence[str]) -> nn.Module:
    """``model`` itself when there are no views, else wrapped in ``ViewAverage``."""
    return ViewAverage(model, views).eval() if views else model
