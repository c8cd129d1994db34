"""ONNX parity and latency through onnxruntime-node (``scripts/ort_parity.mjs``).

Debian has no onnxruntime for Python, and the extension runs the model in onnxruntime-node
anyway, so the check runs exactly the runtime that ships: inputs/outputs travel as raw
float32 files in a temporary folder.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
import torch
from torch import nn

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(REPO_ROOT, "scripts", "ort_parity.mjs")
PARITY_TOL = 1e-4


def node_available() -> Optional[str]:
    """``None`` when node and onnxruntime-node are usable, else the reason why not."""
    if shutil.which("node") is None:
        return "node is not on PATH"
    if not os.path.isdir(os.path.join(REPO_ROOT, "node_modules", "onnxruntime-node")):
        return "node_modules/onnxruntime-node is not installed (npm ci)"
    return None


def run_onnx_node(onnx_path: str, x: np.ndarray, threads: int = 2) -> np.ndarray:
    """Run ``onnx_path`` on float32 ``x`` [N,3,H,W] in onnxruntime-node; return ``logits``."""
    x = np.ascontiguousarray(x, dtype="<f4")
    with tempfile.TemporaryDirectory(prefix="ort_parity_") as tmp:
        inp, out = os.path.join(tmp, "in.bin"), os.path.join(tmp, "out.bin")
        x.tofile(inp)
        res = subprocess.run(
            ["node", SCRIPT, "--model", os.path.abspath(onnx_path), "--input", inp,
             "--shape", ",".join(map(str, x.shape)), "--output", out, "--threads", str(threads)],
            cwd=REPO_ROOT, capture_output=True, text=True, check=False)
        if res.returncode != 0:
            raise RuntimeError(f"onnxruntime-node failed:\n{res.stderr}")
        meta = json.loads(res.stdout.strip().splitlines()[-1])
        return np.fromfile(out, dtype="<f4").reshape(meta["dims"])


@torch.no_grad()
def parity_check(model: nn.Module, onnx_path: str, shapes: Sequence[Sequence[int]] = ((2, 3, 256, 256),),
                 seed: Optional[int] = None, tol: float = PARITY_TOL) -> Dict[str, Any]:
    """Compare PyTorch ``model`` (fp32, eval) and the ONNX file on fresh random inputs.

    ``seed=None`` draws a fresh seed, so every run checks new inputs; it is reported.
    Raises ``AssertionError`` above ``tol`` max abs diff.
    """
    seed = int.from_bytes(os.urandom(4), "little") if seed is None else seed
    gen = torch.Generator().manual_seed(seed)
    model = model.float().eval()
    worst = 0.0
    for shape in shapes:
        x = torch.randn(*shape, generator=gen)
        ref = model(x).numpy()
        got = run_onnx_node(onnx_path, x.numpy())
        if got.shape != ref.shape:
            raise AssertionError(f"shape mismatch: onnx {got.shape} vs torch {ref.shape}")
        worst = max(worst, float(np.abs(got - ref).max()))
    result = {"max_abs_diff": worst, "tolerance": tol, "seed": seed, "shapes": [list(s) for s in shapes]}
    if not worst <= tol:
        raise AssertionError(f"ONNX parity failed: max abs diff {worst:.3g} > {tol:g} ({result})")
    return result


def benchmark_side_by_side(onnx_paths: Sequence[str], size: int = 256, threads: int = 2, runs: int = 30,
                           warmup: int = 5) -> List[Dict[str, Any]]:
    """Median single-image latency of several models in onnxruntime-node, measured in one process with the models
    interleaved run by run (``ort_parity.mjs --bench``), so their ratios are fair on a shared machine."""
    res = subprocess.run(
        ["node", SCRIPT, "--bench", "--model", ",".join(os.path.abspath(p) for p in onnx_paths),
         "--size", str(size), "--threads", str(threads), "--runs", str(runs), "--warmup", str(warmup)],
        cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    if res.returncode != 0:
        raise RuntimeError(f"benchmark failed:\n{res.stderr}")
    return [json.loads(line) for line in res.stdout.strip().splitlines()[-len(onnx_paths):]]


def benchmark(onnx_path: str, size: int = 256, threads: int = 2, runs: int = 30, warmup: int = 5) -> Dict[str, Any]:
    """Median single-image latency in onnxruntime-node (``ort_parity.mjs --bench``)."""
    return benchmark_side_by_side([onnx_path], size, threads, runs, warmup)[0]
