"""Recorded commands name repository paths relative to the repository, never the recording machine's paths."""
from __future__ import annotations

import os

import torch

from training.checkpoint import REPO_ROOT, commands_of, load_file, recorded_command, relative_command, repo_relative
from training.export import main as export_main

ROOT = "/srv/work/main"  # a repository somewhere else, with ../shared beside it


def test_repo_relative_rewrites_the_repository_and_its_siblings_only() -> None:
    assert repo_relative("/srv/work/shared/datasets/isic2017", ROOT) == "../shared/datasets/isic2017"
    assert repo_relative("/srv/work/main/training/runs/x/last.pt", ROOT) == "training/runs/x/last.pt"
    assert repo_relative("/tmp/labels", ROOT) == "/tmp/labels"  # not in the repository's folder: kept
    assert repo_relative("training/runs/x", ROOT) == "training/runs/x"


def test_recorded_and_old_commands_become_relative() -> None:
    argv = ["--data", "/srv/work/shared/datasets/isic2017", "--out=/srv/work/main/training/runs/a b", "--seed", "0"]
    expected = ("/usr/bin/python3 -m training.train --data ../shared/datasets/isic2017 "
                "'--out=training/runs/a b' --seed 0")
    assert recorded_command("training.train", argv, ROOT) == expected
    old = "/usr/bin/python3 -m training.train --data /srv/work/shared/datasets/isic2017 --resume"
    assert relative_command(old, ROOT) == "/usr/bin/python3 -m training.train --data ../shared/datasets/isic2017 --resume"
    assert relative_command("train-cmd", ROOT) == "train-cmd"  # not a `python3 -m` command: left alone
    assert commands_of({"commands": [old]}, ROOT) == [relative_command(old, ROOT)]


def test_a_plain_resume_is_not_listed_but_a_changed_one_is() -> None:
    """A stopped session's ``--resume`` continues the same run: replaying the list must not run it twice."""
    first = "/usr/bin/python3 -m training.train --data ../shared/datasets/isic2017 --init a/best.pt --epochs 8 --out b"
    same = first + " --resume"
    longer = first.replace("--epochs 8", "--epochs 10") + " --resume"
    assert commands_of({"commands": [first, same, same]}, ROOT) == [first]
    assert commands_of({"commands": [first, same, longer, longer]}, ROOT) == [first, longer]
    other = "/usr/bin/python3 -m training.train --data ../shared/datasets/isic2017 --epochs 8 --out c --resume"
    assert commands_of({"commands": [first, other]}, ROOT) == [first, other]


def test_export_card_records_relative_commands(tiny_checkpoint: str, tmp_path) -> None:
    """A checkpoint that recorded absolute paths (as older ones did) exports a card with relative ones."""
    shared = os.path.join(os.path.dirname(REPO_ROOT), "shared", "datasets", "isic2017")
    ck = load_file(tiny_checkpoint)
    ck["commands"] = [f"/usr/bin/python3 -m training.train --data {shared} --out {REPO_ROOT}/training/runs/t"]
    torch.save(ck, tiny_checkpoint)
    card = export_main([tiny_checkpoint, "--out", str(tmp_path / "tiny.onnx"), "--skip-parity"])
    assert card["training"]["commands"] == [
        "/usr/bin/python3 -m training.train --data ../shared/datasets/isic2017 --out training/runs/t"]
    assert card["training"]["command"] == card["training"]["commands"][0]
    assert REPO_ROOT not in card["exportCommand"] and card["exportCommand"].startswith("/usr/bin/python3 -m training.export ")
