"""Rebuild a model from a training checkpoint (``best.pt`` / ``last.pt``)."""
from __future__ import annotations

import os
import shlex
from typing import Any, Dict, List, Optional, Sequence, Tuple

import torch
from torch import nn

from training.models import create_model


def model_from_config(cfg: Dict[str, Any]) -> nn.Module:
    """Build the registered model described by a checkpoint's ``config`` dict."""
    kw = {k: v for k, v in cfg.items() if k != "name"}
    return create_model(cfg["name"], **kw)


def load_file(path: str) -> Dict[str, Any]:
    """A checkpoint file's dict, on the CPU whatever device trained it. Our own files hold plain Python values
    besides tensors; newer torch loads only tensors unless told otherwise (``weights_only`` exists since 1.13)."""
    return torch.load(path, map_location="cpu", weights_only=False)


def load_checkpoint(path: str) -> Tuple[nn.Module, Dict[str, Any]]:
    """``(model in eval mode, fp32, NCHW; raw checkpoint dict)``."""
    ck = load_file(path)
    model = model_from_config(ck["config"])
    model.load_state_dict(ck["model"])
    model = model.float().to(memory_format=torch.contiguous_format).eval()
    return model, ck


def save_checkpoint(path: str, state: Dict[str, Any]) -> None:
    """Atomic save (write then rename) so an interrupted run never leaves a broken file."""
    tmp = path + ".tmp"
    torch.save(state, tmp)
    os.replace(tmp, path)


REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INTERPRETER = "/usr/bin/python3"


def repo_relative(path: str, root: str = REPO_ROOT) -> str:
    """``path`` relative to the repository when it lies in the repository or beside it (``../shared/...``), so a
    recorded command runs from any clone laid out the same way; other absolute paths and relative ones unchanged."""
    if not os.path.isabs(path):
        return path
    parent = os.path.dirname(root)
    if os.path.commonpath([parent, os.path.abspath(path)]) != parent:
        return path
    return os.path.relpath(path, root)


def _relative_argument(arg: str, root: str) -> str:
    if arg.startswith("-") and "=" in arg:  # --data=/abs/path
        option, value = arg.split("=", 1)
        return f"{option}={repo_relative(value, root)}"
    return repo_relative(arg, root)


def recorded_command(module: str, argv: Sequence[str], root: str = REPO_ROOT) -> str:
    """The command line to record for ``python3 -m module argv``: run from the repository root, with repository
    paths relative to it (never the absolute paths of the machine that ran it)."""
    return " ".join([INTERPRETER, "-m", module, *(shlex.quote(_relative_argument(a, root)) for a in argv)])


def relative_command(command: str, root: str = REPO_ROOT) -> str:
    """A recorded ``python3 -m module ...`` command with its absolute repository paths made relative (older
    checkpoints recorded absolute ones)."""
    words = shlex.split(command)
    if len(words) < 3 or words[1] != "-m":
        return command
    return recorded_command(words[2], words[3:], root)


def _continues(command: str, previous: str) -> bool:
    """Whether ``command`` is ``previous`` taken up again with a bare ``--resume`` and nothing else changed: the same
    run going on from its own ``last.pt``, which ends with the weights the uninterrupted run would have
    (training/tests/test_train.py)."""
    words = shlex.split(command)
    return "--resume" in words and _without_resume(words) == _without_resume(shlex.split(previous))


def _without_resume(words: List[str]) -> List[str]:
    return [w for w in words if w != "--resume"]


def commands_of(ck: Dict[str, Any], root: Optional[str] = None) -> List[str]:
    """Every command that shaped a checkpoint's weights, in order (older checkpoints hold one ``command``), with
    repository paths relative to the repository root. A plain resume of the command before it is left out: running
    the listed commands as written replays the weights, and a stopped session does not change that list."""
    out: List[str] = []
    for c in ck.get("commands", [ck.get("command")]):
        if not c:
            continue
        c = relative_command(c, root or REPO_ROOT)
        if not (out and _continues(c, out[-1])):
            out.append(c)
    return out


def merged_commands(*chains: Sequence[str]) -> List[str]:
    """Several command chains run one after the other (a distillation's teacher chain, then the student's), each
    command once, in the order first met: running them as written replays every weight file they lead to."""
    out: List[str] = []
    for chain in chains:
        out.extend(c for c in chain if c not in out)
    return out
