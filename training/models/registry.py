"""Registry of named model configurations (timm style: ``create_model("segnetr_s")``)."""
from __future__ import annotations

from typing import Any, Callable, Dict, List

from torch import nn

from training.models.segnetr import SegNetr
from training.models.unet import UNet

_REGISTRY: Dict[str, Callable[..., nn.Module]] = {}


def register_model(fn: Callable[..., nn.Module]) -> Callable[..., nn.Module]:
    """Decorator: register ``fn`` under its function name."""
    _REGISTRY[fn.__name__] = fn
    return fn


def create_model(name: str, **kwargs: Any) -> nn.Module:
    """Build the named config; ``kwargs`` override its defaults (e.g. ``num_classes``)."""
    if name not in _REGISTRY:
        raise KeyError(f"unknown model {name!r}; known: {', '.join(list_models())}")
    return _REGISTRY[name](**kwargs)


def list_models() -> List[str]:
    """Names of all registered configs."""
    return sorted(_REGISTRY)


@register_model
def segnetr_t(**kw: Any) -> SegNetr:
    """Tiny: C = 16 (the shipped default; fast on a 2-core CPU)."""
    return SegNetr(**{"width": 16, **kw})


@register_model
def segnetr_s(**kw: Any) -> SegNetr:
    """Small: C = 32."""
    return SegNetr(**{"width": 32, **kw})


@register_model
def segnetr_b(**kw: Any) -> SegNetr:
    """Base / paper size: C = 64."""
    return SegNetr(**{"width": 64, **kw})


@register_model
def segnetr_t_mlp(**kw: Any) -> SegNetr:
    """Tiny with token-MLP interaction instead of attention."""
    return SegNetr(**{"width": 16, "interaction": "mlp", **kw})


@register_model
def unet(**kw: Any) -> UNet:
    """Vanilla U-Net 64-128-256-512-1024."""
    return UNet(**kw)
