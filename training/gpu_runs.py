"""Several training runs side by side on a lent GPU, in one call of the device tool, each scored once on val.

The device machine gets only the checkout, so the data set travels in an ignored folder of it and is linked to
where the card's commands read it. From the repository root here (once per session):

    mkdir -p .device-data && cp -r ../shared/datasets/isic2017 .device-data/ && echo /.device-data/ >> .git/info/exclude

and as the device call (carry: .device-data):

    mkdir -p ../shared/datasets && ln -sfn "$PWD/.device-data/isic2017" ../shared/datasets/isic2017 &&
    python3 -m training.gpu_runs --plan widths --out "$OUT" --deadline-s 450

Every run is an ordinary ``training.train`` process with ``--device cuda``, so each checkpoint records commands
that replay it. A plan is a set of chains (a first run, then a fine-tune from its weights) that run in parallel;
the steps of a chain run in order. A chain whose last step finished is scored once on val at the threshold the
plan fixed beforehand. At the deadline, runs still going are stopped (their last finished epoch stays in
``training/runs/NAME/last.pt`` for ``--resume`` while the machine is held). What comes back through ``--out``:
``summary.json`` (every step's outcome and times, every val score), ``logs.txt``, and the final weights-only
checkpoint of each chain that fits the device's return limit (16 MiB a file; a C = 64 one does not).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

DATA = "../shared/datasets/isic2017"
RETURN_LIMIT_BYTES = 16 * 1024 * 1024


@dataclass
class Step:
    """One ``training.train`` run: ``out`` is its run folder, ``args`` the rest of its command line."""

    out: str
    args: List[str]


@dataclass
class Chain:
    """Steps run in order; the last one's ``best.pt`` is scored on val at ``threshold``."""

    name: str
    steps: List[Step]
    threshold: float


@dataclass
class StepResult:
    out: str
    command: List[str]
    status: str = "not started"       # finished | failed (exit N) | stopped at the deadline | not started
    seconds: float = 0.0
    epochs_done: int = 0
    epoch_seconds: List[float] = field(default_factory=list)


def widths_plan(widths: Sequence[int] = (16, 32, 64), runs_dir: str = "training/runs", threads: int = 4) -> List[Chain]:
    """The shipped recipe for each width (recipe A: 18 epochs, 4 low-res and 8 crop among them, then the 12-epoch
    full-resolution fine-tune from its weights), all of train, nothing scored during the runs, threshold 0.45
    (A's hold-out choice): the accuracy half of the speed/accuracy table in training/README.md."""
    chains = []
    for w in widths:
        first, tune = os.path.join(runs_dir, f"gpu_c{w}"), os.path.join(runs_dir, f"gpu_c{w}_ft")
        common = ["--data", DATA, "--model", "segnetr_t", "--width", str(w), "--batch-size", "16", "--threads",
                  str(threads), "--device", "cuda", "--no-select"]
        chains.append(Chain(f"c{w}", [
            Step(first, [*common, "--epochs", "18", "--low-res-epochs", "4", "--crop-epochs", "8", "--lr", "2e-3",
                         "--seed", "0"]),
            Step(tune, [*common, "--epochs", "12", "--low-res-epochs", "0", "--crop-epochs", "0", "--lr", "1e-3",
                        "--seed", "1", "--init", os.path.join(first, "best.pt")]),
        ], threshold=0.45))
    return chains


PLANS = {"widths": widths_plan}


def smoke(chains: List[Chain], device: str) -> List[Chain]:
    """The same chains cut to one tiny step per epoch on ``device``: for checking the orchestration on a CPU."""
    def cut(args: List[str]) -> List[str]:
        out, skip = [], False
        for a in args:
            if skip:
                skip = False
                continue
            if a in ("--epochs", "--batch-size", "--device", "--low-res-epochs", "--crop-epochs"):
                skip = True
                continue
            out.append(a)
        return [*out, "--epochs", "1", "--batch-size", "2", "--steps-per-epoch", "1", "--limit-train", "4",
                "--device", device, "--no-bf16"]
    return [Chain(c.name, [Step(s.out, cut(s.args)) for s in c.steps], c.threshold) for c in chains]


class Runner:
    """Runs chains in parallel threads, one process per step, and stops what is left at the deadline."""

    def __init__(self, chains: List[Chain], log_dir: str, deadline: float, val_limit: Optional[int], device: str):
        self.chains, self.log_dir, self.deadline, self.val_limit = chains, log_dir, deadline, val_limit
        self.device = device
        self.lock = threading.Lock()
        self.live: List[subprocess.Popen] = []
        self.stopping = False
        self.results: Dict[str, Dict[str, Any]] = {}

    def run(self) -> Dict[str, Dict[str, Any]]:
        threads = [threading.Thread(target=self._chain, args=(c,), daemon=True) for c in self.chains]
        for t in threads:
            t.start()
        for t in threads:
            t.join(max(0.0, self.deadline - time.time()))
        with self.lock:
            self.stopping = True
            for proc in self.live:
                proc.send_signal(signal.SIGTERM)
        for t in threads:
            t.join()
        return {c.name: self.results[c.name] for c in self.chains}

    def _chain(self, chain: Chain) -> None:
        steps = [StepResult(s.out, [sys.executable, "-m", "training.train", *s.args, "--out", s.out])
                 for s in chain.steps]
        record: Dict[str, Any] = {"threshold": chain.threshold, "steps": steps, "val": None}
        self.results[chain.name] = record
        for step in steps:
            self._step(step)
            if step.status != "finished":
                break
        if steps[-1].status == "finished":
            record["val"] = self._score(os.path.join(steps[-1].out, "best.pt"), chain.threshold)

    def _step(self, step: StepResult) -> None:
        os.makedirs(step.out, exist_ok=True)
        t0 = time.time()
        with open(os.path.join(self.log_dir, f"{os.path.basename(step.out)}.log"), "w") as log:
            with self.lock:
                if self.stopping:
                    return  # stays "not started"
                proc = subprocess.Popen(step.command, stdout=log, stderr=subprocess.STDOUT)
                self.live.append(proc)
            rc = proc.wait()
            with self.lock:
                self.live.remove(proc)
                stopped = self.stopping
        step.seconds = time.time() - t0
        history = _history(step.out, since=t0)
        step.epochs_done, step.epoch_seconds = len(history), [round(h["epoch_s"], 1) for h in history]
        step.status = "finished" if rc == 0 else "stopped at the deadline" if stopped else f"failed (exit {rc})"

    def _score(self, checkpoint: str, threshold: float) -> Dict[str, Any]:
        from training.evaluate import evaluate_checkpoint  # torch loads in the scoring thread only when needed
        r = evaluate_checkpoint(checkpoint, os.path.join(DATA, "val"), threshold, limit=self.val_limit,
                                device=self.device)
        return {"checkpoint": checkpoint, "n_images": r["n_images"], **r["summary"]}


def _history(run_dir: str, since: float) -> List[Dict[str, Any]]:
    """The epochs a run wrote into its folder's history.json after ``since``: one left there by an earlier call on
    the same machine, whose run was stopped before its first epoch this time, is not this run's."""
    path = os.path.join(run_dir, "history.json")
    try:
        if os.stat(path).st_mtime < since:
            return []
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return []


def collect(results: Dict[str, Dict[str, Any]], log_dir: str, out: str, limit: int = RETURN_LIMIT_BYTES) -> Dict[str, Any]:
    """Writes summary.json and logs.txt into ``out`` and copies each scored chain's checkpoint that fits ``limit``."""
    os.makedirs(out, exist_ok=True)
    summary: Dict[str, Any] = {}
    for name, rec in results.items():
        entry = {"threshold": rec["threshold"], "val": rec["val"], "returned": None,
                 "steps": [vars(s) for s in rec["steps"]]}
        if rec["val"] is not None:
            src = rec["val"]["checkpoint"]
            size = os.path.getsize(src)
            if size <= limit:
                shutil.copyfile(src, os.path.join(out, f"gpu_{name}.pt"))
                entry["returned"] = f"gpu_{name}.pt"
            else:
                entry["returned"] = f"not returned: {size / 2**20:.1f} MiB is above the {limit / 2**20:.0f} MiB limit"
        summary[name] = entry
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    with open(os.path.join(out, "logs.txt"), "w") as f:
        for log in sorted(os.listdir(log_dir)):
            with open(os.path.join(log_dir, log)) as src:
                f.write(f"===== {log}\n{src.read()}\n")
    return summary


def main(argv: Optional[List[str]] = None) -> Dict[str, Any]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--plan", choices=sorted(PLANS), required=True)
    p.add_argument("--out", required=True, help="folder for what comes back (the device's $OUT)")
    p.add_argument("--widths", default="16,32,64", help="the widths C of the widths plan")
    p.add_argument("--runs-dir", default=os.path.join("training", "runs"), help="where the run folders go")
    p.add_argument("--deadline-s", type=float, default=450, help="stop the runs still going after this long")
    p.add_argument("--smoke-device", default=None, choices=["cpu", "cuda"],
                   help="check the orchestration: every run cut to one tiny step per epoch on this device")
    p.add_argument("--val-limit", type=int, default=None, help="score only the first N val images (smoke checks)")
    a = p.parse_args(argv)
    chains = PLANS[a.plan]([int(w) for w in a.widths.split(",")], a.runs_dir)
    if a.smoke_device:
        chains = smoke(chains, a.smoke_device)
    log_dir = os.path.join(a.runs_dir, "gpu_logs")
    os.makedirs(log_dir, exist_ok=True)
    results = Runner(chains, log_dir, time.time() + a.deadline_s, a.val_limit, a.smoke_device or "cuda").run()
    summary = collect(results, log_dir, a.out)
    for name, entry in summary.items():
        steps = ", ".join(f"{os.path.basename(s['out'])} {s['status']} ({s['epochs_done']} epochs, {s['seconds']:.0f} s)"
                          for s in entry["steps"])
        val = entry["val"]
        score = (f"val Dice {val['dice']:.4f} precision {val['precision']:.4f} recall {val['recall']:.4f} "
                 f"<=40% {val['dice_small']:.4f} >40% {val['dice_large']:.4f}" if val else "not scored")
        print(f"{name}: {steps}; {score}; {entry['returned']}", flush=True)
    return summary


if __name__ == "__main__":
    main()
