"""Same seed and configuration => bit-identical results (CPU), through the CLIs."""

from __future__ import annotations

import json

from noisefa.cli import pretrain, split, train
from noisefa.files import md5sum

TAG = "train500-val100-test500-seed0"


def run_pretrain(out):
    pretrain.main(
        [
            "--dims",
            "784,100,10",
            "--seed",
            "4",
            "--noise",
            "gaussian-mean0-std1-n6400",
            "--epoch-samples",
            "1280",
            "--out-dir",
            str(out),
        ]
    )
    return out / "seed4"  # the network's folder inside the job's


def run_train(staged, out, pretrained=None, method="fa"):
    args = [
        "--dataset",
        "mnist",
        "--data-dir",
        str(staged),
        "--split",
        TAG,
        "--depth",
        "2",
        "--method",
        method,
        "--seed",
        "4",
        "--epochs",
        "3",
        "--patience",
        "2",
        "--out-dir",
        str(out),
    ]
    if pretrained:
        args += ["--pretrained", str(pretrained)]
    train.main(args)
    return out / "seed4"  # the network's folder inside the job's


def metrics(folder):
    return json.loads((folder / "summary.json").read_text())["metrics"]


def test_rerunning_gives_identical_bytes_and_metrics(tmp_path, staged_data):
    split.main(["--dataset", "mnist", "--tag", TAG, "--data-dir", str(staged_data)])
    for attempt in ("a", "b"):
        pre = run_pretrain(tmp_path / attempt / "pre")
        run_train(
            staged_data,
            tmp_path / attempt / "run",
            pre / "model.pt",
            "fa_noise",
        )
    a, b = tmp_path / "a", tmp_path / "b"
    for name in (
        "pre/seed4/model.pt",
        "pre/seed4/history.csv",
        "pre/seed4/angles.csv",
        "pre/seed4/snapshots.pt",
        "run/seed4/model.pt",
        "run/seed4/history.csv",
        "run/seed4/angles.csv",
    ):
        assert md5sum(a / name) == md5sum(b / name), name
    assert metrics(a / "pre" / "seed4") == metrics(b / "pre" / "seed4")
    assert metrics(a / "run" / "seed4") == metrics(b / "run" / "seed4")
    summary = json.loads((a / "run" / "seed4" / "summary.json").read_text())
    assert summary["provenance"]["torch"] and summary["provenance"]["device"] == "cpu"
    assert (
        summary["config_hash"]
        == json.loads((b / "run" / "seed4" / "summary.json").read_text())["config_hash"]
    )


def test_methods_share_the_initial_network(tmp_path, staged_data):
    split.main(["--dataset", "mnist", "--tag", TAG, "--data-dir", str(staged_data)])
    for method in ("bp", "fa"):
        run_train(staged_data, tmp_path / method, method=method)
    first = {}
    for method in ("bp", "fa"):
        history = (tmp_path / method / "seed4" / "history.csv").read_text().splitlines()
        first[method] = [line for line in history if line.startswith("data,0,")]
    assert first["bp"] == first["fa"]  # epoch 0: the same untrained network
