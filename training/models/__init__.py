"""Model architectures (one file per architecture) and the named-config registry."""
from training.models.registry import create_model, list_models, register_model

__all__ = ["create_model", "list_models", "register_model"]
