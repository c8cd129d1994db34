"""Average the weights of several checkpoints of one run (SWA-style), optionally re-estimating
BatchNorm statistics on training images.

    /usr/bin/python3 -m training.average RUN/best.pt RUN/snap_e20.pt RUN/last.pt --out RUN/avg.pt \
        [--bn-data ../shared/datasets/isic2017/train --bn-images 512]

Checkpoints taken late in a cosine schedule lie in one basin; their average is usually at least
as good as each of them. Averaged BN running statistics are only an approximation of the
averaged network's statistics, so ``--bn-data`` recomputes them with a forward pass in train mode.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Any, Dict, List, Optional

import torch
from torch import nn

from training.checkpoint import commands_of, load_file, model_from_config, recorded_command, repo_relative, save_checkpoint
from training.data import normalize, preload_split


def average_state_dicts(states: List[Dict[str, torch.Tensor]]) -> Dict[str, torch.Tensor]:
    """Element-wise mean of floating tensors; integer buffers (BN step counters) from the last."""
    out: Dict[str, torch.Tensor] = {}
    for k, v in states[-1].items():
        out[k] = torch.stack([s[k].float() for s in states]).mean(0).to(v.dtype) if v.is_floating_point() else v
    return out


@torch.no_grad()
def recompute_bn(model: nn.Module, images: torch.Tensor, batch_size: int = 16) -> None:
    """Reset every BatchNorm and re-estimate its running statistics (cumulative average)."""
    bns = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    for m in bns:
        m.reset_running_stats()
        m.momentum = None
    model.train()
    for i in range(0, images.shape[0], batch_size):
        model(normalize(images[i:i + batch_size]))
    model.eval()


def main(argv: Optional[List[str]] = None) -> Dict[str, Any]:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoints", nargs="+")
    p.add_argument("--out", required=True)
    p.add_argument("--bn-data", default=None, help="images/ + masks/ folder to re-estimate BN statistics on")
    p.add_argument("--bn-images", type=int, default=512)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    torch.set_flush_denormal(True)
    cks = [load_file(c) for c in a.checkpoints]
    model = model_from_config(cks[-1]["config"])
    model.load_state_dict(average_state_dicts([c["model"] for c in cks]))
    if a.bn_data:
        size = cks[-1]["config"].get("img_size", 256)
        split = preload_split(a.bn_data, size, cks[-1]["config"].get("num_classes", 1), limit=a.bn_images)
        recompute_bn(model, split.images)
    last = cks[-1]
    out = {"model": model.state_dict(), "config": last["config"], "args": last.get("args", {}),
           "epoch": max(c.get("epoch", -1) for c in cks), "history": last.get("history", []),
           "averaged_from": [repo_relative(os.path.abspath(c)) for c in a.checkpoints],
           "averaged_epochs": [c.get("epoch", -1) + 1 for c in cks],
           "bn_recomputed_on": a.bn_data and f"{a.bn_data} (first {a.bn_images} images)",
           "commands": [*commands_of(last),
                        recorded_command("training.average", argv if argv is not None else sys.argv[1:])]}
    out["command"] = out["commands"][-1]
    save_checkpoint(a.out, out)
    print(f"averaged epochs {out['averaged_epochs']} -> {a.out}", flush=True)
    return out


if __name__ == "__main__":
    main()
