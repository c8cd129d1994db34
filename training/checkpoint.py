"""Rebuild a model from a training checkpoint (``best.pt`` / ``last.pt``)."""
from __future__ import annotations

from typing import Any, Dict, Tuple

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
