"""The device orchestration (training.gpu_runs), checked on the CPU with every run cut to one tiny step: the CUDA
path itself can only run where a GPU is lent."""
from __future__ import annotations

import json
import os
import time

from training.checkpoint import load_file
from training.gpu_runs import Chain, Runner, Step, collect, main as gpu_runs_main, widths_plan


def test_widths_plan_is_the_shipped_recipe_on_cuda_per_width() -> None:
    chains = widths_plan((16, 32), "runs")
    assert [c.name for c in chains] == ["c16", "c32"] and all(c.threshold == 0.45 for c in chains)
    first, tune = chains[1].steps
    assert first.out == os.path.join("runs", "gpu_c32") and "--width" in first.args and "32" in first.args
    assert first.args[first.args.index("--epochs") + 1] == "18" and "--no-select" in first.args
    assert tune.args[tune.args.index("--init") + 1] == os.path.join("runs", "gpu_c32", "best.pt")
    assert all(s.args[s.args.index("--device") + 1] == "cuda" for c in chains for s in c.steps)


def test_chains_run_score_once_and_return_what_fits(data_root: str, tmp_path) -> None:
    out, runs = str(tmp_path / "out"), str(tmp_path / "runs")
    summary = gpu_runs_main(["--plan", "widths", "--widths", "8", "--runs-dir", runs, "--out", out,
                             "--smoke-device", "cpu", "--val-limit", "2", "--deadline-s", "300"])
    entry = summary["c8"]
    assert [s["status"] for s in entry["steps"]] == ["finished", "finished"], entry
    assert all(s["epochs_done"] == 1 and len(s["epoch_seconds"]) == 1 for s in entry["steps"])
    assert entry["val"]["n_images"] == 2 and 0 <= entry["val"]["dice"] <= 1
    returned = load_file(os.path.join(out, entry["returned"]))
    assert "optimizer" not in returned and returned["config"]["width"] == 8
    assert any("--device cpu" in c for c in returned["commands"]) and len(returned["commands"]) == 2
    with open(os.path.join(out, "summary.json")) as f:
        assert json.load(f)["c8"]["val"]["dice"] == entry["val"]["dice"]
    with open(os.path.join(out, "logs.txt")) as f:
        logs = f.read()
    assert "===== gpu_c8.log" in logs and "===== gpu_c8_ft.log" in logs
    results = {"c8": {**entry, "steps": []}}
    small = collect(results, os.path.join(runs, "gpu_logs"), str(tmp_path / "small"), limit=1024)
    assert small["c8"]["returned"].startswith("not returned") and not os.path.exists(tmp_path / "small" / "gpu_c8.pt")


def test_runs_still_going_at_the_deadline_are_stopped_and_not_scored(data_root: str, tmp_path) -> None:
    summary = gpu_runs_main(["--plan", "widths", "--widths", "8", "--runs-dir", str(tmp_path / "runs"),
                             "--out", str(tmp_path / "out"), "--smoke-device", "cpu", "--deadline-s", "0"])
    steps = summary["c8"]["steps"]
    assert steps[0]["status"] in ("stopped at the deadline", "not started")
    assert steps[1]["status"] == "not started" and summary["c8"]["val"] is None and summary["c8"]["returned"] is None


def test_a_history_left_by_an_earlier_call_is_not_counted(tmp_path) -> None:
    run = tmp_path / "gpu_c8"
    run.mkdir()
    (run / "history.json").write_text(json.dumps([{"epoch": 1, "epoch_s": 9.0}]))
    os.utime(run / "history.json", (1, 1))  # written long before this call
    logs = tmp_path / "logs"
    logs.mkdir()
    chain = Chain("c8", [Step(str(run), ["--no-such-option"])], threshold=0.45)  # exits before any epoch
    step = Runner([chain], str(logs), deadline=time.time() + 300, val_limit=None, device="cpu").run()["c8"]["steps"][0]
    assert step.status == "failed (exit 2)" and step.epochs_done == 0 and step.epoch_seconds == [], vars(step)
