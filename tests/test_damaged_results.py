"""Damaged or partial results, disk errors, values the code cannot honour, divergence,
permissions and stale locks: each refused by name, never a silently changed output.

One section per class of the reliability review (issue 14); the command-line cases use
the same contract as test_bad_input.py: exit 2, one paragraph naming the file or key,
no traceback, nothing written that could pass for a result.
"""

from __future__ import annotations

import errno
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
import torch

from noisefa.analysis.evaluation import Job
from noisefa.cli import common as cli_module
from noisefa.collected import Collected
from noisefa.data.loading import Tensors
from noisefa.data.staging import stage_split
from noisefa.errors import CheckpointError, DivergenceError, ResultError
from noisefa.files import save_tensors, write_json
from noisefa.job_files import check_epochs
from noisefa.learning.engine import Engine
from noisefa.learning.loops import DIVERGENCE_FACTOR, DivergenceGuard, train_on_data
from noisefa.learning.network import build_network
from noisefa.seeding import generator
from noisefa_pipeline import stale_lock
from tests.conftest import REPO
from tests.test_bad_input import SNAKEMAKE, assert_refused, cli, pretrain_cli, train_args

# -- 1. damaged intermediate results are refused, and every file read is declared ------


@pytest.fixture(scope="module")
def pretrained(tmp_path_factory):
    """One small finished noise pretraining (its summary, history, angles, snapshots)."""
    out = tmp_path_factory.mktemp("pre") / "job"
    result = pretrain_cli(out, "gaussian-mean0-std1-n3200", "--epoch-samples", "640")
    assert result.returncode == 0, result.stderr
    return out / "seed0"  # the network's folder in the job's


def damaged_copy(job, tmp_path, name, damage):
    copy = tmp_path / "job"
    shutil.copytree(job, copy)
    path = copy / name
    lines = path.read_text().splitlines(keepends=True)
    if damage == "truncated rows":
        path.write_text("".join(lines[:-2]))
    elif damage == "cut mid-line":
        text = "".join(lines)
        path.write_text(text[: len(text) - 25])
    elif damage == "row removed":
        path.write_text("".join(lines[:3] + lines[4:]))
    elif damage == "emptied":
        path.write_text("")
    elif damage == "column renamed":
        path.write_text("".join([lines[0].replace("angle", "angel"), *lines[1:]]))
    elif damage == "truncated json":
        path.write_text("".join(lines)[:120])
    return copy


@pytest.mark.parametrize(
    "name, damage, message",
    [
        ("history.csv", "truncated rows", "ends at epoch 3, but its summary says"),
        ("history.csv", "cut mid-line", "has empty cells"),
        ("history.csv", "row removed", "holds neither epochs"),
        ("history.csv", "emptied", "history.csv is damaged"),
        ("angles.csv", "column renamed", "lacks the columns ['angle']"),
        ("summary.json", "truncated json", "summary.json is damaged"),
    ],
)
def test_collection_refuses_damaged_job_files(pretrained, tmp_path, name, damage, message):
    job = damaged_copy(pretrained, tmp_path, name, damage)
    out = tmp_path / "collected"
    result = cli(
        "noisefa.cli.collect", "--pretrains", str(job / "summary.json"), "--out-dir", str(out)
    )
    assert_refused(result, message)
    assert name in result.stderr and not out.exists()


def test_splits_measured_only_at_the_ends_are_complete_and_others_are_not():
    """Study.every_epoch: train and test at epoch 0, the best (3) and the last (5) only."""
    rows = [("val", e) for e in range(6)] + [
        (split, e) for split in ("train", "test") for e in (0, 3, 5)
    ]
    table = pd.DataFrame(
        [{"phase": "data", "split": s, "epoch": e, "loss": 1.0, "acc": 0.5} for s, e in rows]
    )
    check_epochs(table, 5, "history.csv")  # accepted
    for damaged, message in (
        (table.drop(index=2), "val holds neither"),  # a gap in a split measured every epoch
        (table[~((table["split"] == "test") & (table["epoch"] == 5))], "test holds neither"),
    ):
        with pytest.raises(ResultError, match=message):
            check_epochs(damaged.reset_index(drop=True), 5, "history.csv")


def test_a_damaged_collected_table_is_refused_by_its_readers(pretrained, tmp_path):
    """Statistics and figures re-check the collected histories against runs.csv."""
    out = tmp_path / "c"
    result = cli("noisefa.cli.collect", "--pretrains", str(pretrained / "summary.json"),
                 "--out-dir", str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr
    table = out / "pretrain_histories.csv"
    table.write_text("".join(table.read_text().splitlines(keepends=True)[:-1]))
    with pytest.raises(ResultError, match=r"pretrain_histories\.csv \(run .*ends at epoch 4"):
        _ = Collected(out).pretrain_histories


def test_runs_of_different_depths_share_a_collected_table(tmp_path):
    """A 2-layer run has no angle_2: its empty column is not damage."""
    keys = {"dataset": "mnist", "variant": "base", "method": "fa", "seed": 0}
    runs = pd.DataFrame(
        [{**keys, "depth": 2, "epochs_run": 1}, {**keys, "depth": 3, "epochs_run": 1}]
    )
    runs.to_csv(tmp_path / "runs.csv", index=False)
    rows = [
        {**keys, "depth": d, "epoch": e, "split": "test", "loss": 1.0, "acc": 0.5, "angle_1": 80.0,
         "angle_2": 70.0 if d == 3 else None}
        for d in (2, 3) for e in (0, 1)
    ]  # fmt: skip
    pd.DataFrame(rows).to_csv(tmp_path / "histories.csv", index=False)
    assert len(Collected(tmp_path).histories) == 4


def test_partial_snapshots_and_checkpoints_are_refused_by_name(pretrained, tmp_path):
    job = tmp_path / "job"
    shutil.copytree(pretrained, job)
    snapshots = torch.load(job / "snapshots.pt", weights_only=True)
    save_tensors(job / "snapshots.pt", {k: v[:-1] for k, v in snapshots.items()})
    with pytest.raises(CheckpointError, match=r"snapshots\.pt holds snapshots of epochs"):
        Job(job).tensors("snapshots.pt")
    with pytest.raises(CheckpointError, match=r"model\.pt has no 'layers\.7\.feedback'"):
        Job(job).tensors("model.pt")["layers.7.feedback"]


def dry_run(*overlays: str, targets=()) -> str:
    args = [SNAKEMAKE, *targets, "-n", "--workflow-profile", "workflow/profiles/default"]
    args += ["--configfile", "config/presets/smoke.yaml", *overlays]
    result = subprocess.run(args, cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout + result.stderr


def job_inputs(text: str, rule: str) -> list[str]:
    """The `input:` lines of every job of `rule` in a dry run's listing."""
    blocks = text.split("rule ")
    return [
        line.strip()
        for block in blocks
        if block.startswith(f"{rule}:")
        for line in block.splitlines()
        if line.strip().startswith("input:")
    ]


def test_every_file_a_reader_opens_is_a_declared_input():
    text = dry_run("--forceall")
    # networks come as the folders their training jobs write (every file inside)
    collect = " ".join(job_inputs(text, "collect_study"))
    assert "results/smoke/runs/fast_learning/mnist/depth2/base/fa_noise," in collect
    assert "results/smoke/pretrain/784x100x10/he_normal/gaussian-mean0-std1-n" in collect
    evaluate = " ".join(job_inputs(text, "evaluate_study"))
    # ... and a network another rule writes (fa_then_noise) as its files
    assert "fa_then_noise/seed0/snapshots.pt" in evaluate and "seed0/model.pt" in evaluate
    assert "/splits/" in evaluate and "mnist/train.json" in evaluate  # gram_rank, ood
    stats = " ".join(job_inputs(text, "study_statistics"))
    assert "histories.csv" in stats and "pretrain_angles.csv" in stats
    figures = job_inputs(text, "figure")
    assert any("mnist/test.npz" in f and "mnist_rotate" in f for f in figures)  # Fig S17


# -- 2. damage and I/O errors name the file --------------------------------------------


def test_a_damaged_staged_split_is_named(tmp_path, staged_data):
    data = tmp_path / "data"
    shutil.copytree(staged_data / "mnist", data / "mnist")
    staged = data / "mnist" / "train.npz"
    staged.write_bytes(staged.read_bytes()[:5000])
    result = cli(
        "noisefa.cli.split", "--dataset", "mnist", "--tag", "train100-val0-test100-seed0",
        "--data-dir", str(data),
    )  # fmt: skip
    assert_refused(result, f"staged split {staged} is damaged")


def test_a_damaged_split_index_is_named(tmp_path, staged_data):
    data = tmp_path / "data"
    shutil.copytree(staged_data / "mnist", data / "mnist")
    tag = "train100-val0-test100-seed0"
    split = cli("noisefa.cli.split", "--dataset", "mnist", "--tag", tag, "--data-dir", str(data))
    assert split.returncode == 0, split.stderr
    index = data / "mnist" / "splits" / f"{tag}.npz"
    index.write_bytes(b"PK\x03\x04 not a zip")
    out = tmp_path / "run"
    result = cli(*train_args(data, tag, out))
    assert_refused(result, f"split index file {index} is damaged", out)


def test_leftovers_in_the_extraction_cache_are_never_read(tmp_path, mirror):
    cache = tmp_path / "cache"
    leftover = cache / "MNIST" / "raw" / "t10k-images-idx3-ubyte"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"garbage from a job that died while extracting")
    record = stage_split(
        "mnist", "test", tmp_path / "test.npz", tmp_path / "test.json", [mirror], cache, False
    )
    assert record["n"] == 10000 and not cache.exists()


def test_a_full_disk_is_one_line_naming_the_file(tmp_path, mirror):
    """RLIMIT_FSIZE makes every write past 64 kB fail as a full disk would (EFBIG)."""

    def small_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 16, 1 << 16))

    out = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if k != "NOISEFA_DATA_MIRROR"}
    args = ["--dataset", "usps", "--split", "test", "--out-dir", str(out)]
    args += ["--cache-root", str(tmp_path / "cache"), "--mirror", str(mirror), "--no-download"]
    result = subprocess.run(
        [sys.executable, "-m", "noisefa.cli.stage", *args],
        capture_output=True,
        text=True,
        env=env,
        preexec_fn=small_disk,
    )
    assert_refused(result, "File too large", out)
    assert str(out / "usps" / "test.npz") in result.stderr
    assert not list((out / "usps").glob("test.*"))  # no partial file under the real name


@pytest.mark.parametrize(
    "error, message",
    [
        (OSError(errno.ENOSPC, "No space left on device", "/r/x.csv"), "No space left"),
        (PermissionError(errno.EACCES, "Permission denied", "/r/x.csv"), "Permission denied"),
        (MemoryError(), "out of memory"),
    ],
)
def test_system_errors_end_in_one_line(capsys, error, message):
    def main(argv):
        raise error

    with pytest.raises(SystemExit) as exit_:
        cli_module.run(main, [])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and message in err and "Traceback" not in err
    assert "/r/x.csv" in err or isinstance(error, MemoryError)


# -- 3. values the schema accepts but the code cannot honour ---------------------------

# The cases live in test_bad_input.CONFIG_CASES (one parametrised test rejects every bad
# configuration): a float count, NaN, infinity, an empty list, colliding result names, a
# rounded validation fraction, and (class 4) a disabled study another one needs.


# -- 4. enabled: false is honoured -----------------------------------------------------


def test_a_disabled_study_trains_nothing(tmp_path):
    overlay = tmp_path / "off.yaml"
    overlay.write_text(
        "studies:\n  fast_learning:\n    enabled: false\n  trajectory:\n    enabled: false\n"
    )
    text = dry_run(str(overlay), targets=())
    assert "runs/fast_learning/" not in text and "runs/benchmark/" in text


# -- 5. a run that stops learning is stopped, without a summary ------------------------


def test_a_finite_but_exploding_loss_is_divergence(tmp_path, staged_data):
    tag = "train500-val0-test100-seed0"
    cli("noisefa.cli.split", "--dataset", "mnist", "--tag", tag, "--data-dir", str(staged_data))
    out = tmp_path / "run"
    result = cli(*train_args(staged_data, tag, out, "--lr", "1.0", "--depth", "5"))
    assert_refused(result, f"more than {DIVERGENCE_FACTOR:g}x its initial", out)


def test_overfitting_is_not_divergence():
    guard = DivergenceGuard("data training", "train")
    guard.check(0, {"train": (2.3, 0.1), "test": (2.3, 0.1)})
    guard.check(500, {"train": (0.001, 1.0), "test": (400.0, 0.6)})  # held-out loss may rise
    with pytest.raises(DivergenceError, match="epoch 7: train loss 231 is more than 100x"):
        guard.check(7, {"train": (231.0, 0.1), "test": (2.0, 0.5)})


def test_divergence_in_the_loop_names_the_epoch():
    net = build_network([20, 8, 4], "fa", 0)
    x = torch.randn(40, 20)
    splits = {"train": Tensors(x, torch.randint(4, (40,)))}
    engine = Engine(net, 1e-3)
    step = engine.step

    def blow_up(x, y):  # finite, huge weights from the second epoch on
        step(x, y)
        if blow_up.calls == 3:
            net.layers[1].weight.data.mul_(1e4)
        blow_up.calls += 1

    blow_up.calls = 0
    engine.step = blow_up
    with pytest.raises(DivergenceError, match="diverged at epoch 2: train loss"):
        train_on_data(engine, splits, 5, 16, generator(0, "shuffle"), lambda e, m: None)


# -- 6. results are written with the user's umask --------------------------------------


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_results_follow_the_umask(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        write_json(tmp_path / "x.json", {"a": 1})
    finally:
        os.umask(old)
    assert (tmp_path / "x.json").stat().st_mode & 0o777 == mode


# -- 7. a lock is removed only when provably stale -------------------------------------


def owner(**override):
    record = stale_lock.identity(os.getpid())
    record.update(override)
    return record


def unreaped_process() -> dict:
    """A killed process whose parent has not reaped it yet (a zombie): it runs nothing."""
    proc = subprocess.Popen(["sleep", "30"])
    record = stale_lock.identity(proc.pid)
    proc.kill()
    time.sleep(0.2)
    unreaped_process.keep = proc  # reaped when the test module ends
    return record


def ended_process() -> dict:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    record = stale_lock.identity(proc.pid)
    proc.wait()
    time.sleep(0.05)
    return record


@pytest.mark.parametrize(
    "record, stale, why",
    [
        (None, False, "no record"),
        ("alive", False, "still running"),
        ("other host", False, "on another host"),
        ("other boot", False, "before this host last booted"),
        ("other namespace", False, "another container or PID namespace"),
        ("ended", True, "has ended"),
        ("killed, not yet reaped", True, "has ended"),
        ("reused pid", True, "has ended"),
    ],
)
def test_a_lock_is_cleared_only_when_provably_stale(record, stale, why, tmp_path):
    records = {
        None: None,
        "alive": owner(),
        "other host": owner(host="login-node-2"),
        "other boot": owner(boot_id="00000000-0000-0000-0000-000000000000"),
        "other namespace": owner(pid_namespace="pid:[1]"),
        "reused pid": owner(start_time="1"),  # this PID, but a process started earlier
    }
    if record == "ended":
        records[record] = ended_process()
    elif record == "killed, not yet reaped":
        records[record] = unreaped_process()
    found = stale_lock.lock_is_stale(records[record], tmp_path)
    assert found[0] is stale and why in found[1]


def test_a_lock_held_by_a_snakemake_started_by_hand_is_never_cleared(tmp_path):
    """An earlier `make pipeline` left its owner note and ended; a Snakemake started by
    hand now holds the folder's lock. The note says stale; the running process wins."""
    fake = tmp_path / "bin" / "snakemake"
    fake.parent.mkdir()
    fake.write_text(f"#!{sys.executable}\nimport time\ntime.sleep(30)\n")
    fake.chmod(0o755)
    run = subprocess.Popen([str(fake), "--cores", "1"], cwd=tmp_path)
    try:
        time.sleep(0.3)
        stale, why = stale_lock.lock_is_stale(ended_process(), tmp_path)
        assert not stale and f"Snakemake (PID {run.pid}) is running in this folder" in why
        # one that only names snakemake among its arguments holds nothing
        assert not stale_lock._is_snakemake(
            ["python", "-m", "noisefa_pipeline.run", "--", "snakemake"]
        )
    finally:
        run.kill()
        run.wait()
    assert stale_lock.lock_is_stale(ended_process(), tmp_path)[0]


def test_make_pipeline_leaves_a_live_or_foreign_lock_alone(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".snakemake" / "locks").mkdir(parents=True)
    (tmp_path / ".snakemake" / "locks" / "0.input.lock").write_text("x")
    (tmp_path / ".snakemake" / "noisefa-owner.json").write_text(
        json.dumps(owner(host="login-node-2"))
    )
    result = cli("noisefa_pipeline.stale_lock", "--", "true", cwd=tmp_path)
    assert_refused(result, "not provably stale: its run was started on another host")
    assert "true --unlock" in result.stderr
    assert (tmp_path / ".snakemake" / "locks" / "0.input.lock").exists()


def test_the_owner_record_names_the_process_that_becomes_snakemake(tmp_path):
    script = "import os; print(os.getpid())"
    result = cli("noisefa_pipeline.stale_lock", "--", sys.executable, "-c", script, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    record = json.loads((tmp_path / ".snakemake" / "noisefa-owner.json").read_text())
    assert record["pid"] == int(result.stdout) and record["host"] == owner()["host"]


def test_the_collected_tables_survive_a_round_trip(pretrained, tmp_path):
    """The validation does not refuse what the jobs themselves write."""
    out = tmp_path / "c"
    result = cli("noisefa.cli.collect", "--pretrains", str(pretrained / "summary.json"),
                 "--out-dir", str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert pd.read_csv(out / "pretrain_histories.csv")["epoch"].max() == 5


def test_clearing_a_killed_runs_lock_removes_the_half_written_files_it_left(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".snakemake" / "locks").mkdir(parents=True)
    (tmp_path / ".snakemake" / "locks" / "0.input.lock").write_text("x")
    (tmp_path / ".snakemake" / "noisefa-owner.json").write_text(json.dumps(ended_process()))
    data = tmp_path / "results" / "quick" / "data" / "mnist"
    data.mkdir(parents=True)
    (data / "train.npz").write_bytes(b"finished")
    (data / ".train.npz.1nb69h32.tmp.npz").write_bytes(b"half")  # SIGKILL mid-write
    assert stale_lock.clear_if_stale(["true"])  # `true --unlock` stands in for Snakemake
    assert sorted(p.name for p in data.iterdir()) == ["train.npz"]
