"""The cluster path on a real SLURM scheduler: both shipped profiles, end to end.

Needs a running cluster (`tests/slurm/cluster.sh start`: single node, partition
`debug`, no accounting database, one counted GPU). Without one these tests skip with
that reason; CI starts the cluster and sets NOISEFA_REQUIRE_SLURM=1, which turns the
skip into a failure. Each profile runs tests/slurm/preset.yaml (every submitted rule,
tiny sizes) from a fresh copy of the workflow; an `sbatch` shim first on PATH records
every submission's arguments before handing it to the real `sbatch`.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import REPO
from tests.workflow_runs import BIN, offline_overlay, snakemake, workflow_copy

PRESET = REPO / "tests" / "slurm" / "preset.yaml"
STATE = Path(os.environ.get("NOISEFA_SLURM_DIR", "/tmp/noisefa-slurm"))
# Rules that train networks: the GPU profile gives each one GPU, the CPU profile none.
GPU_RULES = {
    "train_networks", "pretrain_noise", "noise_condition", "noise_after_data", "meta_loss_seed"
}  # fmt: skip
LOCAL_RULES = {
    "stage_split", "make_split", "collect_study", "study_statistics", "figure", "table",
    "claims", "results_index", "all",
}  # fmt: skip

pytestmark = pytest.mark.workflow


def cluster_answers() -> bool:
    if shutil.which("sinfo") is None:
        return False
    states = subprocess.run(["sinfo", "-h", "-o", "%T"], capture_output=True, text=True)
    return states.returncode == 0 and any(
        s.strip("*~#") in {"idle", "mixed", "allocated"} for s in states.stdout.split()
    )


@pytest.fixture(scope="module")
def cluster() -> Path:
    if not cluster_answers():
        reason = "no SLURM cluster answers sinfo (start one: tests/slurm/cluster.sh start)"
        if os.environ.get("NOISEFA_REQUIRE_SLURM"):
            pytest.fail(reason)
        pytest.skip(reason)
    return STATE


def environment(tmp_path: Path, mirror: Path) -> dict[str, str]:
    """The venv first on PATH (jobs run `python -m noisefa...`), behind an sbatch shim."""
    shim_dir = tmp_path / "shim"
    shim_dir.mkdir()
    shim = shim_dir / "sbatch"
    real = shutil.which("sbatch") or "sbatch"
    shim.write_text(
        f'#!/bin/sh\nprintf "%s\\n" "$*" >>"{tmp_path}/sbatch.calls"\nexec {real} "$@"\n'
    )
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
    path = os.pathsep.join([str(shim_dir), str(BIN), os.environ.get("PATH", "")])
    return {**os.environ, "PATH": path, "NOISEFA_DATA_MIRROR": str(mirror)}


def submissions(tmp_path: Path) -> list[str]:
    calls = tmp_path / "sbatch.calls"
    return calls.read_text().splitlines() if calls.exists() else []


def submitted_rule(call: str) -> str:
    # The plugin's --comment names the rule: 'rule_<name>_wildcards_...'
    comment = call.split("--comment ", 1)[1].split()[0].strip("'\"")
    return next(
        r for r in GPU_RULES | LOCAL_RULES | {"evaluate_study"} if comment.startswith(f"rule_{r}")
    )


def scheduler_log(name: str) -> list[str]:
    """Lines of one of the cluster's logs (slurmctld.log, jobcomp.txt)."""
    log = STATE / "log" / name
    return log.read_text().splitlines() if log.exists() else []


def ctld_submits() -> int:
    return sum("_slurm_rpc_submit_batch_job" in line for line in scheduler_log("slurmctld.log"))


def finished_metrics(results: Path) -> dict[str, dict]:
    return {
        str(p.relative_to(results)): json.loads(p.read_text())["metrics"]
        for p in sorted(results.glob("**/summary.json"))
    }


@pytest.fixture(scope="module")
def local_results(tmp_path_factory, mirror) -> Path:
    """The same preset run locally (default profile): what the cluster runs must equal."""
    tmp = tmp_path_factory.mktemp("local")
    work = workflow_copy(tmp)
    args = ["--cores", "2", "--resources", "gpu=0", "--configfile", str(PRESET)]
    snakemake(*args, str(offline_overlay(tmp)), cwd=work, env=environment(tmp, mirror))
    return work / "results" / "preset+offline"


def gres_profile(work: Path) -> str:
    """The GPU profile as a site that wants gres strings edits it: `gpu: 1` replaced by
    `gres: "gpu:1"`, nothing else."""
    folder = work / "workflow" / "profiles" / "slurm-gres"
    shutil.copytree(work / "workflow" / "profiles" / "slurm", folder)
    config = folder / "config.yaml"
    config.write_text(config.read_text().replace("    gpu: 1\n", '    gres: "gpu:1"\n'))
    return "slurm-gres"


def gpu_requests(call: str) -> list[str]:
    return [a for a in call.split() if a.startswith(("--gpus", "--gres"))]


@pytest.mark.parametrize("profile", ["slurm", "slurm-cpu", "slurm-gres"])
def test_profile_runs_the_workflow_through_sbatch(
    profile, cluster, local_results, tmp_path, mirror
):
    work = workflow_copy(tmp_path)
    if profile == "slurm-gres":
        gres_profile(work)
    env = environment(tmp_path, mirror)
    # Poll every 5 s instead of the plugin's 40 s: the jobs take seconds here.
    args = ["--slurm-init-seconds-before-status-checks", "5", "--configfile", str(PRESET)]
    args.append(str(offline_overlay(tmp_path)))
    before, records_before = ctld_submits(), len(scheduler_log("jobcomp.txt"))
    snakemake(*args, cwd=work, env=env, profile=profile)

    calls = submissions(tmp_path)
    assert calls, "nothing was submitted with sbatch"
    assert ctld_submits() - before == len(calls), "slurmctld did not receive every sbatch"
    rules = [submitted_rule(c) for c in calls]
    assert not set(rules) & LOCAL_RULES, "a light rule was submitted instead of run locally"
    assert set(rules) == GPU_RULES | {"evaluate_study"}, set(rules)
    assert any("--array" in c for c in calls), "no rule went out as a job array"
    for call, rule in zip(calls, rules, strict=True):
        # one job's resources per submission: nothing summed over a group
        assert "--cpus-per-task=1" in call, call
        # the profile's request (arrays add the plugin's few-MB fudge), not a sum
        mem = int(call.split("--mem ", 1)[1].split()[0])
        assert 2000 <= mem <= (6100 if rule == "train_networks" else 4100), call
        # the GPU is requested exactly once, the way the profile says
        wanted = {"slurm": ["--gpus=1"], "slurm-gres": ["--gres=gpu:1"]}.get(profile, [])
        assert gpu_requests(call) == (wanted if rule in GPU_RULES else []), call
        # training jobs' time limits come from the cost model, not a blanket 12 h
        minutes = int(call.split(" -t ", 1)[1].split()[0].strip("'\""))
        assert minutes <= 60 and (minutes >= 15 or rule not in GPU_RULES), call

    # Every job (array task) the scheduler ran for this run finished cleanly.
    records = scheduler_log("jobcomp.txt")[records_before:]
    assert len(records) >= len(calls)
    assert not [r for r in records if "JobState=COMPLETED" not in r]

    # The numbers equal the local run's, network by network and test by test.
    results = work / "results" / "preset+offline"
    assert finished_metrics(results) == finished_metrics(local_results)
    for table in sorted((local_results / "stats").glob("*.csv")):
        pd.testing.assert_frame_equal(
            pd.read_csv(results / "stats" / table.name), pd.read_csv(table), obj=table.name
        )
    assert (results / "claims.md").read_text() == (local_results / "claims.md").read_text()

    # A second run finds everything done and submits nothing.
    again = snakemake(*args, cwd=work, env=env, profile=profile)
    assert "Nothing to be done" in again.stdout + again.stderr
    assert len(submissions(tmp_path)) == len(calls)
