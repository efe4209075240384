"""Carrying an unfinished run between sessions (noisefa_pipeline.snapshot)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from noisefa.code_version import code_hash, training_code
from noisefa.files import WEIGHTS_LEFT_OUT
from noisefa_pipeline.snapshot import (
    ARCHIVE,
    MANIFEST,
    REBUILT_BYTES,
    PendingJob,
    parse_dry_run,
    rebuilt_outputs,
    snapshot_members,
)
from tests.workflow_runs import offline_overlay, snakemake, workflow_copy

DRY_RUN = """\
Building DAG of jobs...
Job stats:
job                 count
----------------  -------
train_networks        1
all                   1
total                 2

[Mon Nov 30 22:59:18 2026]
rule train_networks:
    input: results/data/mnist/train.npz, results/pretrain/784x100x10/a
    output: results/runs/fast_learning/mnist/depth2/base/fa
    log: results/logs/train_networks/x.log
    jobid: 3
    reason: Missing output files: results/runs/fast_learning/mnist/depth2/base/fa
    wildcards: study=fast_learning
    resources: tmpdir=/tmp

[Mon Nov 30 22:59:18 2026]
localrule collect_study:
    input: results/pretrain/784x100x10/b
    output: results/collected/x/runs.csv
    jobid: 4
    reason: Missing output files: results/collected/x/runs.csv
    wildcards: study=x
    resources: tmpdir=/tmp

[Mon Nov 30 22:59:18 2026]
localrule all:
    input: results/claims.md
    jobid: 0
    reason: Input files updated by another job: results/claims.md
    resources: tmpdir=/tmp
Job stats:
job                 count
total                 2
This was a dry-run (flag -n). The order of jobs does not reflect the order of execution.
"""


def test_the_dry_run_listing_gives_each_job_with_its_inputs_and_outputs():
    jobs = parse_dry_run(DRY_RUN)
    assert jobs == [
        PendingJob(
            "train_networks",
            ("results/data/mnist/train.npz", "results/pretrain/784x100x10/a"),
            ("results/runs/fast_learning/mnist/depth2/base/fa",),
        ),
        PendingJob(
            "collect_study", ("results/pretrain/784x100x10/b",), ("results/collected/x/runs.csv",)
        ),
        PendingJob("all", ("results/claims.md",), ()),
    ]


def test_a_snapshot_keeps_results_and_the_weights_unfinished_jobs_read():
    files = [
        "results/data/mnist/train.npz",  # staged again on restore
        "results/data/mnist/train.json",  # its record, small: packed
        "results/data/.torchvision/mnist-train/raw.gz",  # a download cache
        "results/pretrain/784x100x10/a/seed0/model.pt",  # read by the pending job
        "results/pretrain/784x100x10/a/seed0/summary.json",
        "results/pretrain/784x100x10/b/seed0/model.pt",  # its folder is collected: no weights read
        "results/pretrain/784x100x10/b/seed0/summary.json",
        "results/runs/fast_learning/mnist/depth2/base/fa/seed0/history.csv",  # killed job's
        "results/runs/fast_learning/mnist/depth2/base/fa2/seed0/history.csv",
    ]
    rebuilt = frozenset({"results/data/mnist/train.npz"})
    assert snapshot_members(files, parse_dry_run(DRY_RUN), rebuilt) == [
        "results/data/mnist/train.json",
        "results/pretrain/784x100x10/a/seed0/model.pt",
        "results/pretrain/784x100x10/a/seed0/summary.json",
        "results/pretrain/784x100x10/b/seed0/summary.json",
        "results/runs/fast_learning/mnist/depth2/base/fa2/seed0/history.csv",
    ]


def test_a_restore_rebuilds_staged_data_and_the_pretrainings_unfinished_jobs_read(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    big, small = b"x" * REBUILT_BYTES, b"{}"
    for path, content in {
        "results/data/mnist/train.npz": big,
        "results/data/mnist/train.json": small,
        "results/pretrain/784x100x10/a/seed0/model.pt": small,
        "results/pretrain/784x100x10/a/seed0/summary.json": small,
        "results/pretrain/784x100x10/b/seed0/model.pt": small,
    }.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(content)
    every_job = [
        PendingJob(
            "stage_split", (), ("results/data/mnist/train.npz", "results/data/mnist/train.json")
        ),
        PendingJob("pretrain_noise", (), ("results/pretrain/784x100x10/a",)),
        PendingJob("pretrain_noise", (), ("results/pretrain/784x100x10/b",)),
        *parse_dry_run(DRY_RUN),
    ]
    targets, files = rebuilt_outputs(every_job, parse_dry_run(DRY_RUN))
    assert targets == ["results/data/mnist/train.npz", "results/pretrain/784x100x10/a"]
    assert files == [
        "results/data/mnist/train.npz",
        "results/pretrain/784x100x10/a/seed0/model.pt",
    ]


def snapshot_cli(*args, cwd, env, check=True):
    done = subprocess.run(
        [sys.executable, "-m", "noisefa_pipeline.snapshot", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.workflow
def test_an_unfinished_run_restored_elsewhere_plans_only_the_jobs_it_had_left(tmp_path, mirror):
    env = {**os.environ, "NOISEFA_DATA_MIRROR": str(mirror)}
    offline = offline_overlay(tmp_path)
    args = ["--workflow-profile", "workflow/profiles/default", "--resources", "gpu=0"]
    args += ["--configfile", "config/presets/smoke.yaml", str(offline)]
    (tmp_path / "first").mkdir()
    (tmp_path / "second").mkdir()
    first = workflow_copy(tmp_path / "first")
    # Part of the run: one job of networks trained from noise pretraining, and what it
    # needs (data, split, pretraining); everything else is left to do.
    group = "results/smoke+offline/runs/fast_learning/mnist/depth2/base/fa_noise"
    # and one whose weights only a job that reads tables needs: left out, and marked
    tables_only = "results/smoke+offline/runs/rules/mnist/depth3/base/kp"
    snakemake(*args[2:], "--cores", "2", group, tables_only, cwd=first, env=env)
    saved = snapshot_cli("save", str(tmp_path / "snap"), "--", *args, cwd=first, env=env)
    assert "jobs to go" in saved.stderr
    manifest = json.loads((tmp_path / "snap" / MANIFEST).read_text())
    # noise pretrainings that unfinished jobs read are rebuilt, not packed
    tree = "results/smoke+offline"
    assert any(f.startswith(f"{tree}/pretrain/") for f in manifest["rebuilt"]), manifest["rebuild"]

    with tarfile.open(tmp_path / "snap" / ARCHIVE) as tar:
        packed = {m.name: m for m in tar.getmembers() if m.isfile()}
    staged = [n for n in packed if n.startswith(f"{tree}/data/")]
    assert f"{tree}/data/mnist/train.npz" not in staged
    assert f"{tree}/data/mnist/train.json" in staged
    assert all(packed[n].size < REBUILT_BYTES for n in staged)
    weights = [p for p in (first / "results").rglob("*.pt")]
    assert weights and len([n for n in packed if n.endswith(".pt")]) < len(weights)
    for name, member in packed.items():  # each file keeps its time
        assert member.mtime == pytest.approx((first / name).stat().st_mtime, abs=1e-6)

    second = workflow_copy(tmp_path / "second")
    restored = snapshot_cli("restore", str(tmp_path / "snap"), "--", *args, cwd=second, env=env)
    assert "plans the" in restored.stderr, restored.stderr
    restores = (second / tree / "restores.csv").read_text().splitlines()
    # the weights left out are marked where they were (issue 35), and the snapshot
    # names the code that made its results
    assert list(manifest["weights_left_out"]) == [tables_only]
    for folder in manifest["weights_left_out"]:
        assert (second / folder / WEIGHTS_LEFT_OUT).is_file(), folder
    assert manifest["training_code"]["hash"] == code_hash(training_code())
    assert len(restores) == 2 and restores[0].startswith("restored,saved,")  # one restore
    for name in packed:
        assert digest(second / name) == digest(first / name), name
    # the staged data came back byte for byte with its old time
    for path in (first / tree / "data").rglob("*.npz"):
        twin = second / path.relative_to(first)
        assert digest(twin) == digest(path)
        assert twin.stat().st_mtime == pytest.approx(path.stat().st_mtime, abs=1e-6)

    # a run still going (its lock) is not packed; a second restore over the results
    # refuses; a damaged archive or manifest is named
    (first / ".snakemake" / "locks" / "0.input.lock").write_text("")
    busy = snapshot_cli(
        "save", str(tmp_path / "busy"), "--", *args, cwd=first, env=env, check=False
    )
    assert busy.returncode == 2 and "still going" in busy.stderr, busy.stderr
    again = snapshot_cli(
        "restore", str(tmp_path / "snap"), "--", *args, cwd=second, env=env, check=False
    )
    assert again.returncode == 2 and "not empty" in again.stderr
    with open(tmp_path / "snap" / ARCHIVE, "ab") as archive:
        archive.write(b"x")
    damaged = snapshot_cli(
        "restore", str(tmp_path / "snap"), "--", *args, cwd=first, env=env, check=False
    )
    assert damaged.returncode == 2 and "sha256 differs" in damaged.stderr, damaged.stderr
    (tmp_path / "snap" / MANIFEST).write_text("{}")
    broken = snapshot_cli(
        "restore", str(tmp_path / "snap"), "--", *args, cwd=first, env=env, check=False
    )
    assert broken.returncode == 2 and "damaged manifest" in broken.stderr


# --- a snapshot is data, never code (issue 35) ----------------------------------------


def _snapshot(folder, members: dict, manifest: dict | None = None):
    """A snapshot folder whose archive holds `members` (name -> bytes, or a TarInfo)."""
    import io

    from noisefa.files import sha256

    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / ARCHIVE, "w:xz") as tar:
        for name, content in members.items():
            if isinstance(content, tarfile.TarInfo):
                tar.addfile(content)
                continue
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(content), 1_700_000_000
            tar.addfile(info, io.BytesIO(content))
    record = {"pending": [], "rebuilt": {}, "rebuild": [], **(manifest or {})}
    record["archive_sha256"] = sha256(folder / ARCHIVE)
    (folder / MANIFEST).write_text(json.dumps(record))
    return folder


@pytest.fixture
def no_snakemake(monkeypatch):
    """Stands in for Snakemake: records its calls, plans no job."""
    from noisefa_pipeline import snapshot

    calls = []
    monkeypatch.setattr(snapshot, "pending_jobs", lambda args, *extra: [])
    monkeypatch.setattr(snapshot, "snakemake", lambda args, *extra: calls.append(args))
    return calls


def _link(name: str, target: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = tarfile.SYMTYPE, target
    return info


@pytest.mark.parametrize(
    "member",
    [
        ("Snakefile", b"shell('rm -rf ~')"),
        ("workflow/rules/common.smk", b"evil"),
        ("results/../Makefile", b"evil"),
        ("/etc/cron.d/x", b"evil"),
        ("results/link", _link("results/link", "/etc/passwd")),
    ],
    ids=["snakefile", "workflow", "dotdot", "absolute", "symlink"],
)
def test_a_restore_refuses_members_that_are_not_results_before_writing(
    tmp_path, monkeypatch, no_snakemake, member
):
    from noisefa_pipeline.snapshot import restore

    monkeypatch.chdir(tmp_path)
    name, content = member
    snap = _snapshot(tmp_path / "snap", {"results/a.csv": b"x", name: content})
    with pytest.raises(ValueError, match=r"not results: .*data, never code\); nothing was"):
        restore(snap, [])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snap"]  # nothing written
    assert no_snakemake == []  # and nothing run


def test_the_rebuild_plan_comes_from_this_checkout_not_the_manifest(
    tmp_path, monkeypatch, no_snakemake
):
    from noisefa_pipeline import snapshot

    monkeypatch.chdir(tmp_path)
    every_job = [PendingJob("pretrain_noise", (), ("results/pretrain/784x100x10/a",))]
    monkeypatch.setattr(snapshot, "pending_jobs", lambda args, *extra: every_job if extra else [])
    monkeypatch.setattr(snapshot, "check_rebuilt", lambda rebuilt, targets: [])
    manifest = {
        "rebuild": ["--snakefile", "Snakefile.evil"],  # ignored
        "rebuilt": {"results/pretrain/784x100x10/a/seed0/model.pt": {"sha256": "", "mtime": 0}},
    }
    snap = _snapshot(tmp_path / "snap", {"results/a.csv": b"x"}, manifest)
    snapshot.restore(snap, ["--configfile", "c.yaml"])
    assert no_snakemake == [["results/pretrain/784x100x10/a", "--configfile", "c.yaml"]]
    assert (tmp_path / "results" / "a.csv").read_bytes() == b"x"
    bad = {"rebuilt": {"--snakefile=x": {"sha256": "", "mtime": 0}}}
    (tmp_path / "results" / "a.csv").unlink()
    with pytest.raises(ValueError, match="outside results/"):
        snapshot.restore(_snapshot(tmp_path / "bad", {"results/a.csv": b"x"}, bad), [])


def test_a_failed_restore_leaves_no_trace_and_can_be_retried(tmp_path, monkeypatch, no_snakemake):
    from noisefa_pipeline import snapshot

    monkeypatch.chdir(tmp_path)
    snap = _snapshot(
        tmp_path / "snap",
        {"results/runs/a/history.csv": b"x", ".snakemake/metadata/cmVzdWx0cw==": b"{}"},
        {"pending": ["train_networks: results/runs/b"]},  # this checkout plans none
    )
    with pytest.raises(ValueError, match="Nothing was kept; the restore can be retried"):
        snapshot.restore(snap, [])
    assert not (tmp_path / "results").exists()
    assert not any(p.is_file() for p in (tmp_path / ".snakemake").rglob("*"))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".snapshot-restore")]
    planned = [PendingJob("train_networks", (), ("results/runs/b",))]
    monkeypatch.setattr(snapshot, "pending_jobs", lambda args, *extra: [] if extra else planned)
    snapshot.restore(snap, [])  # the retry goes through
    assert (tmp_path / "results/runs/a/history.csv").read_bytes() == b"x"
    assert os.path.getmtime(tmp_path / "results/runs/a/history.csv") == 1_700_000_000


def test_an_interrupted_save_keeps_the_previous_snapshot(tmp_path, monkeypatch):
    from noisefa_pipeline import snapshot

    monkeypatch.chdir(tmp_path)
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "a.csv").write_text("new")
    old = _snapshot(tmp_path / "snap", {"results/a.csv": b"old"})
    before = {p.name: p.read_bytes() for p in old.iterdir()}
    monkeypatch.setattr(snapshot, "pending_jobs", lambda args, *extra: [])

    def interrupted(path, data):
        raise KeyboardInterrupt  # between the archive and its manifest

    monkeypatch.setattr(snapshot, "write_json", interrupted)
    with pytest.raises(KeyboardInterrupt):
        snapshot.save(old, [])
    assert {p.name: p.read_bytes() for p in old.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results", "snap"]
    monkeypatch.undo()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(snapshot, "pending_jobs", lambda args, *extra: [])
    snapshot.save(old, [])  # a save that completes replaces it whole
    assert snapshot.read_manifest(old)["files"] == 1


def test_a_snapshot_of_other_training_code_is_refused_naming_the_files(
    tmp_path, monkeypatch, no_snakemake
):
    from noisefa import results_tree
    from noisefa.code_version import code_hash, training_code
    from noisefa_pipeline import snapshot

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(results_tree.ACCEPT_CODE, raising=False)
    files = {**training_code(), "learning/rules/feedback_alignment.py": "0" * 64}
    other = {"training_code": {"hash": code_hash(files), "files": files}, "commit": "abc123"}
    snap = _snapshot(tmp_path / "snap", {"results/a.csv": b"x"}, other)
    with pytest.raises(
        ValueError, match=r"(?s)feedback_alignment.py \(edited\).*Nothing was written"
    ):
        snapshot.restore(snap, [])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snap"] and no_snakemake == []
    monkeypatch.setenv(results_tree.ACCEPT_CODE, "1")  # accepted: restored
    snapshot.restore(snap, [])
    assert (tmp_path / "results" / "a.csv").read_bytes() == b"x"
    same = {"training_code": {"hash": code_hash(training_code()), "files": training_code()}}
    monkeypatch.delenv(results_tree.ACCEPT_CODE)
    snapshot.check_code(same, snap)  # this checkout's own code passes


def test_weights_a_snapshot_leaves_out_are_marked_and_made_again_when_needed(
    tmp_path, monkeypatch, no_snakemake
):
    from noisefa.errors import CheckpointError
    from noisefa.files import WEIGHTS_LEFT_OUT, load_tensors
    from noisefa_pipeline import snapshot
    from noisefa_pipeline.jobs import JobBlock, left_out_inputs

    group = "results/runs/fast_learning/mnist/depth2/base/fa"
    every_job = [PendingJob("train_networks", (), (group,))]
    weights = [f"{group}/seed0/weights.pt", f"{group}/seed1/weights.pt"]
    assert snapshot.left_out_weights(weights, every_job) == {group: weights}
    with pytest.raises(ValueError, match="no job of the workflow makes"):
        snapshot.left_out_weights(["results/stray/w.pt"], every_job)

    monkeypatch.chdir(tmp_path)
    snap = _snapshot(
        tmp_path / "snap",
        {f"{group}/history.csv": b"x", group: _folder(group)},
        {"weights_left_out": {group: weights}, "saved": "2026-12-06T00:00:00+00:00"},
    )
    snapshot.restore(snap, [])
    marker = tmp_path / group / WEIGHTS_LEFT_OUT
    assert json.loads(marker.read_text())["files"] == weights
    # as old as the folder, which keeps its saved time: Snakemake finds the job done
    assert os.path.getmtime(tmp_path / group) == 1_700_000_000
    assert os.path.getmtime(marker) == 1_700_000_000
    # a job that reads them: the error says why they are missing and what makes them
    with pytest.raises(CheckpointError, match=rf"left out the weights of {group}.*--forcerun"):
        load_tensors(weights[0])
    # the run wrapper sends their job again, but not for a job that reads only tables
    reader = JobBlock("train_networks", {"input": f"{group}, results/data/mnist/train.npz"})
    tables = JobBlock("collect_study", {"input": group})
    assert left_out_inputs([reader, tables]) == [group]
    assert left_out_inputs([tables]) == []
    bad = {"weights_left_out": {"../outside": ["../outside/w.pt"]}}
    (tmp_path / "results").rename(tmp_path / "old")
    with pytest.raises(ValueError, match="outside results/"):
        snapshot.restore(_snapshot(tmp_path / "bad", {"results/a.csv": b"x"}, bad), [])


def _folder(name: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.mtime, info.mode = tarfile.DIRTYPE, 1_700_000_000, 0o755
    return info


def test_weights_rebuilt_differently_stop_a_restore_unless_accepted(tmp_path, monkeypatch):
    """Another machine's arithmetic rebuilds noise pretrainings differently: refused by
    default, named, and let by only for weights; staged data that differs never is."""
    from noisefa_pipeline import snapshot

    monkeypatch.chdir(tmp_path)
    weights = Path("results/pretrain/784x100x10/a/seed0/model.pt")
    data = Path("results/data/mnist/train.npz")
    for path in (weights, data):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"rebuilt here")
    same = {"sha256": snapshot.sha256(data), "mtime": 0}
    other = {"sha256": "0" * 64, "mtime": 0}
    targets = ["results/pretrain/784x100x10/a", "results/data/mnist/train.npz"]
    monkeypatch.delenv(snapshot.ACCEPT_REBUILT, raising=False)
    with pytest.raises(
        ValueError, match=rf"1 weight files .*784x100x10/a.*{snapshot.ACCEPT_REBUILT}=1"
    ):
        snapshot.check_rebuilt({str(weights): other, str(data): same}, targets)
    monkeypatch.setenv(snapshot.ACCEPT_REBUILT, "1")
    differ = snapshot.check_rebuilt({str(weights): other, str(data): same}, targets)
    assert differ == ["results/pretrain/784x100x10/a"]  # the folder the rebuild remade
    assert weights.stat().st_mtime == 0  # as old as the saved file: its readers stay done
    with pytest.raises(ValueError, match="train.npz was rebuilt differently.*data mirror"):
        snapshot.check_rebuilt({str(weights): other, str(data): other}, targets)
