"""In-graph test-time augmentation (training.tta): the average is right and survives export."""
from __future__ import annotations

import json

import pytest
import torch

from training.export import export_onnx, inference_model, main as export_main
from training.models.segnetr import SegNetr
from training.parity import node_available, parity_check
from training.tta import ViewAverage, parse_views, with_views


def test_parse_views() -> None:
    assert parse_views("identity, rot180") == ("identity", "rot180")
    assert parse_views("none") == () and parse_views("") == ()
    with pytest.raises(ValueError, match="unknown view"):
        parse_views("identity,rot90")
    with pytest.raises(ValueError, match="repeat"):
        parse_views("hflip,hflip")


def test_view_average_is_the_mean_of_the_mapped_back_views(tiny_segnetr: SegNetr) -> None:
    x = torch.randn(3, 3, 32, 32)
    with torch.no_grad():
        got = ViewAverage(tiny_segnetr, ["identity", "hflip", "rot180"])(x)
        want = (tiny_segnetr(x) + tiny_segnetr(x.flip(-1)).flip(-1)
                + tiny_segnetr(x.flip(-1).flip(-2)).flip(-1).flip(-2)) / 3
        assert not torch.allclose(tiny_segnetr(x), want, atol=1e-4)  # the views really differ
    assert got.shape == (3, 1, 32, 32)
    assert torch.allclose(got, want, atol=1e-5)


def test_a_flip_equivariant_model_is_unchanged() -> None:
    conv = torch.nn.Conv2d(3, 2, 1).eval()
    x = torch.randn(2, 3, 8, 8)
    with torch.no_grad():
        assert torch.allclose(with_views(conv, ["identity", "hflip", "vflip"])(x), conv(x), atol=1e-6)
    assert with_views(conv, []) is conv


def test_folded_export_with_views_keeps_contract_and_parity(tiny_segnetr: SegNetr, tmp_path) -> None:
    reason = node_available()
    if reason:
        pytest.fail(f"parity checks need onnxruntime-node (run `npm ci`): {reason}")
    path = str(tmp_path / "tta.onnx")
    export_onnx(with_views(inference_model(tiny_segnetr, fold=True), ["identity", "rot180"]), path, size=32)
    # dynamic batch still works: the views are stacked on the batch axis inside the graph
    r = parity_check(with_views(tiny_segnetr, ["identity", "rot180"]), path, [(1, 3, 32, 32), (3, 3, 32, 32)])
    assert r["max_abs_diff"] <= 1e-4
    with pytest.raises(AssertionError):  # and the check can tell it from the plain network
        parity_check(tiny_segnetr, path, [(1, 3, 32, 32)])


def test_export_cli_records_views_in_card(tiny_checkpoint: str, tmp_path) -> None:
    ck = tiny_checkpoint
    out = str(tmp_path / "tiny.onnx")
    card = export_main([ck, "--out", out, "--parity-batch", "1", "--tta", "identity,hflip"])
    assert card["testTimeAugmentation"]["views"] == ["identity", "hflip"]
    assert json.load(open(str(tmp_path / "tiny.json")))["testTimeAugmentation"]["views"] == ["identity", "hflip"]
    with pytest.raises(SystemExit):
        export_main([ck, "--out", out, "--tta", "spin"])
