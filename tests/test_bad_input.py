"""Every kind of bad input stops with one clear message naming the key, file or value,
a non-zero exit, no traceback, and no output that could pass for a result."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from noisefa.data.loading import Tensors
from noisefa.errors import DivergenceError
from noisefa.learning.engine import Engine
from noisefa.learning.loops import train_on_data
from noisefa.learning.network import build_network
from noisefa.seeding import generator
from tests.conftest import REPO

SNAKEMAKE = str(Path(sys.executable).parent / "snakemake")

# -- the configuration: rejected before anything runs ------------------------------------

CONFIG_CASES = {
    "unknown key": ("studies:\n  fast_learning:\n    epochz: 3\n", "epochz"),
    "wrong type": ("studies:\n  fast_learning:\n    networks: many\n", "many"),
    "negative learning rate": ("training:\n  lr: -0.1\n", "lr"),
    "depth 0": ("studies:\n  fast_learning:\n    depths: [0]\n", "depths"),
    "unknown method": ("studies:\n  fast_learning:\n    methods: [fa, sgd]\n", "sgd"),
    "unknown dataset": ("studies:\n  benchmark:\n    datasets: [imagenet]\n", "imagenet"),
    "batch larger than the subset": (
        "studies:\n  fast_learning:\n    train_size: 32\n",
        "batch size 64 is larger than train_size 32",
    ),
    "meta-loss after the noise ends": (
        "studies:\n  meta_loss:\n    epochs: [0, 500]\n",
        "meta_loss.epochs goes up to 500",
    ),
    "trajectory without its networks": (
        "studies:\n  fast_learning:\n    methods: [bp, fa]\n",
        "trajectory needs studies.fast_learning",
    ),
    "compute budget without a reference": (
        "studies:\n  compute_budget:\n    noise_epochs: [2, 5]\n",
        "must include 0",
    ),
    # values the schema lets through but the code cannot honour (issue 14)
    "a float count": ("studies:\n  fast_learning:\n    epochs: 3.0\n", "epochs = 3.0 must be a"),
    "nan": ("training:\n  lr: .nan\n", "training.lr = nan is not a finite number"),
    "infinity": ("studies:\n  noise_conditions:\n    stds: [.inf]\n", "stds[0] = inf"),
    "an empty list": ("studies:\n  hyperparams:\n    lrs: []\n", "should be non-empty"),
    "colliding names": (
        "studies:\n  hyperparams:\n    lrs: [1.0e-4, 1.00000000001e-4]\n",
        "distinct values share a result name",
    ),
    "a rounded fraction": (
        "studies:\n  benchmark:\n    val_fraction: 0.105\n",
        "val_fraction = 0.105 is not a whole percentage",
    ),
    "a disabled study another needs": (
        "studies:\n  fast_learning:\n    enabled: false\n",
        "trajectory needs studies.fast_learning enabled",
    ),
    "gram rank without its networks": (
        "studies:\n  generalization:\n    enabled: false\n",
        "gram_rank needs studies.generalization enabled",
    ),
}


@pytest.mark.parametrize("case", CONFIG_CASES)
def test_bad_config_is_rejected_before_anything_runs(tmp_path, case):
    overlay, message = CONFIG_CASES[case]
    (tmp_path / "bad.yaml").write_text(overlay)
    result = subprocess.run(
        [
            SNAKEMAKE,
            "-n",
            "--workflow-profile",
            "workflow/profiles/default",
            "--configfile",
            str(tmp_path / "bad.yaml"),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert message in result.stdout + result.stderr
    assert not (REPO / "results" / "bad.yaml").exists()


# -- the stage commands: one clear line, exit 2, no traceback, nothing written ---------


def cli(*args, cwd=None):
    """A stage command, with only the mirrors its arguments name (not $NOISEFA_DATA_MIRROR)."""
    env = {k: v for k, v in os.environ.items() if k != "NOISEFA_DATA_MIRROR"}
    return subprocess.run(
        [sys.executable, "-m", *args], capture_output=True, text=True, cwd=cwd, env=env
    )


def pretrain_cli(out: Path, noise: str, *extra: str):
    """`noisefa.cli.pretrain` of a [784, 100, 10] network, seed 0, into `out`."""
    return cli(
        "noisefa.cli.pretrain",
        "--dims",
        "784,100,10",
        "--seed",
        "0",
        "--noise",
        noise,
        *extra,
        "--out-dir",
        str(out),
    )


def assert_refused(result, message, out: Path | None = None):
    assert result.returncode == 2, result.stderr
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 3  # a paragraph, not a dump
    if out is not None:
        assert (
            not out.exists() or not any(out.rglob("summary.json")) and not any(out.rglob("*.npz"))
        )


@pytest.fixture
def mirror_copy(tmp_path, mirror):
    def make(corrupt=None, truncate=None):
        folder = tmp_path / "mirror" / "MNIST" / "raw"
        folder.mkdir(parents=True)
        for src in (mirror / "MNIST" / "raw").glob("*.gz"):
            shutil.copy(src, folder / src.name)
        if corrupt:
            data = bytearray((folder / corrupt).read_bytes())
            data[len(data) // 2] ^= 0x55
            (folder / corrupt).write_bytes(bytes(data))
        if truncate:
            (folder / truncate).write_bytes((folder / truncate).read_bytes()[:1000])
        return tmp_path / "mirror"

    return make


def stage_args(out, mirror, dataset="mnist"):
    return [
        "noisefa.cli.stage",
        "--dataset",
        dataset,
        "--split",
        "test",
        "--out-dir",
        str(out),
        "--cache-root",
        str(out / ".cache"),
        "--mirror",
        str(mirror),
        "--no-download",
    ]


def arrays_mirror(tmp_path, **override):
    arrays = {
        "images": np.zeros((20, 32, 32, 3), np.uint8),
        "labels": np.arange(20, dtype=np.int64) % 10,
    }
    arrays.update(override)
    (tmp_path / "m" / "arrays").mkdir(parents=True)
    np.savez(tmp_path / "m" / "arrays" / "cifar10-test.npz", **arrays)
    return tmp_path / "m"


def test_missing_data_without_network(tmp_path):
    out = tmp_path / "data"
    assert_refused(cli(*stage_args(out, tmp_path)), "downloading is off", out)


@pytest.mark.parametrize(
    "damage, name",
    [("corrupt", "t10k-images-idx3-ubyte.gz"), ("truncate", "train-labels-idx1-ubyte.gz")],
)
def test_corrupt_or_truncated_file(tmp_path, mirror_copy, damage, name):
    out = tmp_path / "data"
    assert_refused(cli(*stage_args(out, mirror_copy(**{damage: name}))), f"{name}: MD5", out)


@pytest.mark.parametrize(
    "override, message",
    [
        ({"images": np.zeros((20, 32, 32, 3), np.int16)}, "images dtype is int16, expected uint8"),
        ({"images": np.zeros((20, 28, 28), np.uint8)}, "expected (N, 32, 32, 3)"),
        ({"labels": np.full(20, 12, np.int64)}, "labels span 12..12, expected 0..9"),
    ],
    ids=["arrays wrong dtype", "arrays wrong shape", "arrays wrong labels"],
)
def test_bad_arrays(tmp_path, override, message):
    out = tmp_path / "data"
    assert_refused(
        cli(*stage_args(out, arrays_mirror(tmp_path, **override), "cifar10")), message, out
    )


def test_pickled_dataset_is_verified_before_it_is_unpickled(tmp_path, monkeypatch):
    """A CIFAR batch whose checksum does not match is never unpickled (a pickle can run code)."""
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return (Path.touch, (marker,))

    folder = tmp_path / "m" / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    for name in [
        "data_batch_1",
        "data_batch_2",
        "data_batch_3",
        "data_batch_4",
        "data_batch_5",
        "test_batch",
        "batches.meta",
    ]:
        (folder / name).write_bytes(pickle.dumps(Payload()))
    out = tmp_path / "data"
    assert_refused(cli(*stage_args(out, tmp_path / "m", "cifar10")), "MD5", out)
    assert not marker.exists()


def test_split_larger_than_the_source(tmp_path, staged_data):
    result = cli(
        "noisefa.cli.split",
        "--dataset",
        "mnist",
        "--tag",
        "train59000-val2000-test100-seed0",
        "--data-dir",
        str(staged_data),
    )
    assert_refused(result, "MNIST train: 58000 available, 59000 requested")
    assert not (staged_data / "mnist" / "splits" / "train59000-val2000-test100-seed0.npz").exists()


def test_malformed_split_tag(staged_data):
    assert_refused(
        cli(
            "noisefa.cli.split",
            "--dataset",
            "mnist",
            "--tag",
            "train5k",
            "--data-dir",
            str(staged_data),
        ),
        "cannot read split tag 'train5k'",
    )


def test_malformed_noise_tag(tmp_path):
    out = tmp_path / "pre"
    result = pretrain_cli(out, "pink-noise")
    assert_refused(result, "cannot read noise tag 'pink-noise'", out)


def test_diverging_noise_training_writes_no_summary(tmp_path):
    out = tmp_path / "pre"
    result = pretrain_cli(out, "gaussian-mean0-std1e38-n2000", "--epoch-samples", "640")
    assert_refused(result, "diverged at epoch 0: noise loss is nan", out)


def test_divergence_mid_training_names_the_epoch():
    net = build_network([20, 8, 4], "fa", 0)
    x = torch.randn(40, 20)
    splits = {
        "train": Tensors(x, torch.randint(4, (40,))),
        "test": Tensors(x, torch.randint(4, (40,))),
    }
    engine = Engine(net, 1e-3)
    step = engine.step

    def poisoned(x, y):  # a step that blows the weights up during epoch 2
        step(x, y)
        if poisoned.calls == 5:
            net.layers[0].weight.data.fill_(float("inf"))
        poisoned.calls += 1

    poisoned.calls = 0
    engine.step = poisoned
    with pytest.raises(DivergenceError, match="diverged at epoch 2"):
        train_on_data(engine, splits, 5, 16, generator(0, "shuffle"), lambda e, m: None)


@pytest.fixture
def split_tag(staged_data):
    tag = "train200-val50-test100-seed0"
    cli("noisefa.cli.split", "--dataset", "mnist", "--tag", tag, "--data-dir", str(staged_data))
    return tag


def train_args(staged, tag, out, *extra, method="fa"):
    return [
        "noisefa.cli.train",
        "--dataset",
        "mnist",
        "--data-dir",
        str(staged),
        "--split",
        tag,
        "--depth",
        "2",
        "--method",
        method,
        "--seed",
        "0",
        "--epochs",
        "2",
        "--out-dir",
        str(out),
        *extra,
    ]


def train_from(staged, tag, out, checkpoint):
    """The train command for a noise-pretrained method, starting from `checkpoint`."""
    return cli(*train_args(staged, tag, out, "--pretrained", str(checkpoint), method="fa_noise"))


def test_checkpoint_from_another_architecture(tmp_path, staged_data, split_tag):
    torch.save(build_network([784, 50, 10], "fa", 0).state_dict(), tmp_path / "other.pt")
    out = tmp_path / "run"
    result = train_from(staged_data, split_tag, out, tmp_path / "other.pt")
    assert_refused(
        result,
        "is for an MLP with layer sizes [784, 50, 10], but this job needs [784, 100, 10]",
        out,
    )


def test_truncated_checkpoint(tmp_path, staged_data, split_tag):
    """A damaged network of a pretraining group: the advice names the group's folder,
    which its job writes whole (deleting the one file would leave nothing to redo)."""
    group = tmp_path / "pretrain" / "784x100x10" / "he_normal" / "noise"
    (group / "seed0").mkdir(parents=True)
    model = group / "seed0" / "model.pt"
    torch.save(build_network([784, 100, 10], "fa", 0).state_dict(), model)
    model.write_bytes(model.read_bytes()[:3000])
    out = tmp_path / "run"
    result = train_from(staged_data, split_tag, out, model)
    assert_refused(result, "cannot read checkpoint", out)
    assert f"delete {group} (the folder its job writes, every seed of it)" in result.stderr


def test_checkpoint_holding_code_is_refused_unloaded(tmp_path, staged_data, split_tag):
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return (Path.touch, (marker,))

    torch.save({"layers.0.weight": Payload()}, tmp_path / "evil.pt")
    out = tmp_path / "run"
    result = train_from(staged_data, split_tag, out, tmp_path / "evil.pt")
    assert_refused(result, "cannot read checkpoint", out)
    assert not marker.exists()  # weights_only=True: nothing was executed


def test_noise_method_without_pretraining(tmp_path, staged_data, split_tag):
    out = tmp_path / "run"
    assert_refused(
        cli(*train_args(staged_data, split_tag, out, method="fa_noise")), "needs --pretrained", out
    )


def test_batch_larger_than_the_training_set(tmp_path, staged_data, split_tag):
    out = tmp_path / "run"
    assert_refused(
        cli(*train_args(staged_data, split_tag, out, "--batch-size", "500")),
        "batch size 500 must be between 1 and the 200 training images",
        out,
    )


def test_patience_without_validation(tmp_path, staged_data):
    tag = "train200-val0-test100-seed0"
    cli("noisefa.cli.split", "--dataset", "mnist", "--tag", tag, "--data-dir", str(staged_data))
    out = tmp_path / "run"
    assert_refused(
        cli(*train_args(staged_data, tag, out, "--patience", "3")), "needs a validation split", out
    )


def test_zero_threads(tmp_path):
    out = tmp_path / "pre"
    result = pretrain_cli(out, "gaussian-mean0-std1-n640", "--threads", "0")
    assert_refused(result, "--threads must be >= 1", out)


def test_config_strings_reach_the_shell_quoted(tmp_path):
    """A mirror path with spaces and a shell command in it is passed as one quoted word."""
    overlay = tmp_path / "mirror.yaml"
    overlay.write_text("data:\n  mirrors: ['/tmp/my data; touch /tmp/noisefa-pwned']\n")
    result = subprocess.run(
        [
            SNAKEMAKE,
            "results/mirror/data/mnist/train.npz",  # before --configfile (several files)
            "-n",
            "-p",
            "--forceall",
            "--workflow-profile",
            "workflow/profiles/default",
            "--configfile",
            str(overlay),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "--mirror '/tmp/my data; touch /tmp/noisefa-pwned'" in result.stdout + result.stderr


def test_networks_too_large_for_memory_name_the_key_not_the_allocator(
    tmp_path, staged_data, split_tag
):
    out = tmp_path / "run"
    result = cli(*train_args(staged_data, split_tag, out, "--hidden", "4000000000"))
    assert_refused(result, "cannot allocate 1 network(s) of layer sizes [784, 4000000000, 10]", out)
    assert "lower training.hidden (or the study's widths)" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_schema_bounds_the_hidden_width():
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    config["training"]["hidden"] = 1_000_000_000
    with pytest.raises(WorkflowError, match="1000000000 is greater than the maximum of 65536"):
        validate(config, schema=str(REPO / "workflow" / "schemas" / "config.schema.yaml"))


def test_an_alignment_probe_beyond_the_split_is_refused_not_clipped(
    tmp_path, staged_data, split_tag
):
    out = tmp_path / "run"
    result = cli(*train_args(staged_data, split_tag, out, "--alignment-probe", "10000000"))
    assert_refused(result, "--alignment-probe 10000000 asks for more images than the split's", out)
