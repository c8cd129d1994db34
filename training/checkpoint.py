"""Rebuild a model from a training checkpoint (``best.pt`` / ``last.pt``)."""
from __future__ import annotations

import os
from typing import Any, Dict, List, Tuple

import torch
from torch import nn

from training.models import create_model


def model_from_config(cfg: Dict[str, Any]) -> nn.Module:
    """Build the registered model described by a checkpoint's ``config`` dict."""
    kw = {k: v for k, v in cfg.items() if k != "name"}
    return create_model(cfg["name"], **kw)


def load_checkpoint(path: str) -> Tuple[nn.Module, Dict[str, Any]]:
    """``(model in eval mode, fp32, NCHW; raw checkpoint dict)``."""
    ck = torch.load(path, map_location="cpu")
    model = model_from_config(ck["config"])
    model.load_state_dict(ck["model"])
    model = model.float().to(memory_format=torch.contiguous_format).eval()
    return model, ck


def save_checkpoint(path: str, state: Dict[str, Any]) -> None:
    """Atomic save (write then rename) so an interrupted run never leaves a broken file."""
    tmp = path + ".tmp"
    torch.save(state, tmp)
    os.replace(tmp, path)


def commands_of(ck: Dict[str, Any]) -> List[str]:
    """Every command that shaped a checkpoint's weights, in order (older checkpoints hold one ``command``)."""
    return [c for c in ck.get("commands", [ck.get("command")]) if c]
