"""ONNX export of a tiny model, checked through onnxruntime-node (the shipped runtime)."""
from __future__ import annotations

import json
import shutil
import os

import numpy as np
import onnx
import pytest
import torch

from training.export import export_onnx, inference_model, main as export_main, sha256
from training.models.segnetr import SegNetr
from training.parity import node_available, parity_check, run_onnx_node


@pytest.fixture(autouse=True)
def _need_node() -> None:
    reason = node_available()
    if reason:
        pytest.fail(f"parity checks need onnxruntime-node (run `npm ci`): {reason}")


def test_folded_export_parity_and_io_contract(tiny_segnetr: SegNetr, tmp_path) -> None:
    path = str(tmp_path / "tiny.onnx")
    export_onnx(inference_model(tiny_segnetr, fold=True), path, size=32)
    g = onnx.load(path).graph
    assert [i.name for i in g.input] == ["image"] and [o.name for o in g.output] == ["logits"]
    assert onnx.load(path).opset_import[0].version == 17
    # dynamic batch: 1 and 3 images through the same file, against the unfolded model
    r = parity_check(tiny_segnetr, path, [(1, 3, 32, 32), (3, 3, 32, 32)])
    assert r["max_abs_diff"] <= 1e-4


def test_parity_check_fails_on_a_different_model(tiny_segnetr: SegNetr, tmp_path) -> None:
    path = str(tmp_path / "tiny.onnx")
    export_onnx(inference_model(tiny_segnetr, fold=True), path, size=32)
    with torch.no_grad():
        tiny_segnetr.head.bias.add_(1e-3)
    with pytest.raises(AssertionError):
        parity_check(tiny_segnetr, path, [(1, 3, 32, 32)])


def test_export_cli_writes_card(tiny_checkpoint: str, tmp_path) -> None:
    ck = tiny_checkpoint
    out = str(tmp_path / "m" / "tiny.onnx")
    card = export_main([ck, "--out", out, "--parity-batch", "1"])
    on_disk = json.load(open(str(tmp_path / "m" / "tiny.json")))
    assert on_disk == card
    # the fields the extension validates (src/model/card.ts, schemaVersion 1)
    assert card["schemaVersion"] == 1 and card["width"] == 8 and card["partition"] == 2
    assert (card["input"]["height"], card["input"]["width"]) == (32, 32)
    assert card["input"]["channelOrder"] == "RGB" and card["input"]["scale"] == "0-1"
    assert len(card["input"]["mean"]) == 3 and len(card["input"]["std"]) == 3
    assert card["output"] == {"activation": "sigmoid", "channels": 1, "threshold": 0.5}
    assert [c["index"] for c in card["classes"]] == [0, 1] and card["classes"][1]["name"] == "lesion"
    assert card["onnx"]["file"] == "tiny.onnx" and card["onnx"]["opset"] == 17
    assert (card["onnx"]["inputName"], card["onnx"]["outputName"]) == ("image", "logits")
    assert card["onnx"]["sha256"] == sha256(out)
    assert card["parity"]["max_abs_diff"] <= 1e-4
    x = np.random.RandomState(0).randn(1, 3, 32, 32).astype("f4")
    assert run_onnx_node(out, x).shape == (1, 1, 32, 32)


def test_card_passes_the_extensions_own_validator(tiny_segnetr: SegNetr, tmp_path, data_root: str) -> None:
    """Bundle src/model/card.ts (the extension's parser) with esbuild and run it on our card, metrics included
    (an export with --data writes nested size groups, which the parser once refused)."""
    import subprocess
    from training.parity import REPO_ROOT
    esbuild = os.path.join(REPO_ROOT, "node_modules", ".bin", "esbuild")
    card_ts = os.path.join(REPO_ROOT, "src", "model", "card.ts")
    if not (os.path.exists(esbuild) and os.path.exists(card_ts)):
        pytest.fail("esbuild (npm ci) or src/model/card.ts is missing; this test checks the card against the extension's parser")
    ck = str(tmp_path / "ck.pt")
    torch.save({"model": tiny_segnetr.state_dict(), "epoch": 0, "args": {},
                "config": {"name": "segnetr_t", "width": 8, "partition": 2, "interaction": "attention",
                           "img_size": 32, "num_classes": 1, "head_dim": 4}}, ck)
    out = str(tmp_path / "tiny.onnx")
    data = tmp_path / "data"
    for sub in ("images", "masks"):
        (data / "val" / sub).mkdir(parents=True)
    for stem in ("isic17_val_0001", "isic17_val_0002"):
        shutil.copy(os.path.join(data_root, "val", "images", stem + ".jpg"), str(data / "val" / "images"))
        shutil.copy(os.path.join(data_root, "val", "masks", stem + ".png"), str(data / "val" / "masks"))
    card = export_main([ck, "--out", out, "--parity-batch", "1", "--data", str(data)])
    assert card["metrics"]["images"] == 2 and "atMost40Percent" in card["metrics"]["bySize"]
    entry = tmp_path / "validate.ts"
    entry.write_text(
        f"import {{ parseModelCard }} from {json.dumps(card_ts[:-3])};\n"
        "import { readFileSync } from 'fs';\n"
        "const p = process.argv[2];\n"
        "const c = parseModelCard(JSON.parse(readFileSync(p, 'utf8')), p);\n"
        "console.log(JSON.stringify({ name: c.name, classes: c.classes.length }));\n")
    bundle = str(tmp_path / "validate.js")
    subprocess.run([esbuild, str(entry), "--bundle", "--platform=node", f"--outfile={bundle}", "--log-level=error"],
                   cwd=REPO_ROOT, check=True)
    res = subprocess.run(["node", bundle, str(tmp_path / "tiny.json")], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout) == {"name": "tiny", "classes": 2}
    # and the validator does reject a card that breaks the contract
    bad = json.load(open(str(tmp_path / "tiny.json")))
    del bad["onnx"]["sha256"]
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    assert subprocess.run(["node", bundle, str(tmp_path / "bad.json")], capture_output=True).returncode != 0
