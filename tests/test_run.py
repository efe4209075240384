"""`make pipeline`'s runner (noisefa_pipeline.run) and the cost model behind it: the
plan and its price before, a line per job during, a few lines after Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import replace

import pytest
import yaml
from snakemake.utils import update_config

from noisefa import cost
from noisefa.studies import STUDIES
from noisefa_pipeline import run
from noisefa_pipeline.jobs import parse_blocks
from tests.conftest import REPO
from tests.workflow_runs import BIN, workflow_copy

LISTING = """
[Sun Dec  6 02:19:17 2026]
rule train_networks:
    input: results/quick/data/mnist/train.npz
    output: results/quick/runs/fast_learning/mnist/depth2/base/fa
    log: results/quick/logs/train_networks/fast_learning/mnist/depth2/base/fa.log
    jobid: 58
    wildcards: study=fast_learning, dataset=mnist, depth=2, variant=base, method=fa
    resources: tmpdir=/tmp, gpu=1
[Sun Dec  6 02:19:17 2026]
localrule figure:
    output: results/quick/figures/fig2b.png, results/quick/figures/fig2b.pdf
    jobid: 3
    wildcards: figure=fig2b
Finished jobid: 58 (Rule: train_networks)
[Sun Dec  6 02:19:30 2026]
Error in rule figure:
    jobid: 3
    log: results/quick/logs/figure/fig2b.log (check log file(s) for error details)
"""


def paper_config() -> dict:
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    config["data"] = {}
    return config


def test_job_listings_are_read_with_their_wildcards_and_errors():
    blocks = parse_blocks(LISTING)
    assert [b.rule for b in blocks] == ["train_networks", "figure", "figure"]
    assert blocks[0].wildcards["method"] == "fa" and blocks[0].jobid == "58"
    assert blocks[0].outputs == ("results/quick/runs/fast_learning/mnist/depth2/base/fa",)
    assert blocks[2].fields["_error"] and blocks[2].log == "results/quick/logs/figure/fig2b.log"


def test_the_tree_and_the_arguments_the_runner_reads():
    args = ["--workflow-profile", "x", "fig2b", "--configfile", "config/presets/quick.yaml",
            "o/offline.yaml", "--cores", "2"]  # fmt: skip
    assert run.tree_of(args) == "results/quick+offline"
    assert run.tree_of(["--config", "results=/scratch/t", "shadow=minimal"]) == "/scratch/t"
    assert run.tree_of([]) == "results/default"
    assert run.cores_of(args) == 2 and run.cores_of(["--cores", "all"]) is None
    quiet = ["snakemake", "--quiet", "progress", "rules", "--cores", "2"]
    assert run.without_quiet(quiet) == ["snakemake", "--cores", "2"]


def test_the_price_follows_the_work_not_the_results():
    config, cal = paper_config(), cost.REFERENCE
    wildcards = {"study": "fast_learning", "dataset": "mnist", "depth": "2", "variant": "base"}
    bp = cost.job_seconds(cal, config, "train_networks", {**wildcards, "method": "bp"})
    update_config(config, {"studies": {"fast_learning": {"epochs": 50}}})
    half = cost.job_seconds(cal, config, "train_networks", {**wildcards, "method": "bp"})
    assert bp > 1.8 * (half - cal.startup_s)  # 100 vs 50 epochs
    deeper = cost.job_seconds(cal, config, "train_networks", {**wildcards, "depth": "3",
                                                              "method": "bp"})  # fmt: skip
    assert deeper > half
    # an early-stopping study is priced at the record's epochs, not its 300-epoch cap
    cells = {"study": "benchmark", "dataset": "cifar10", "depth": "2", "variant": "base"}
    stop = cost.job_seconds(cal, config, "train_networks", {**cells, "method": "fa"})
    capped = cost.job_seconds(
        cal, config, "train_networks", {**cells, "method": "fa"}
    )  # same config: same price, whatever results/ holds
    assert stop == capped
    slower = replace(cal, mac_s=2 * cal.mac_s)
    assert cost.job_seconds(slower, config, "train_networks", {**cells, "method": "fa"}) > stop
    assert cost.runtime_minutes(60) == 18  # 3 x 60 s + 15 min
    assert cost.wall_seconds(cal, [100.0, 100.0, 5000.0], 2) == 5000.0  # the longest job
    assert cost.study_of("figure", {"figure": "fig2b"}) == "fast_learning"


def test_progress_lines_count_per_study_and_give_an_eta():
    blocks = parse_blocks(LISTING)[:2]
    plan = run.Plan(blocks, paper_config(), cost.REFERENCE)
    progress = run.Progress(plan, time.monotonic() - 30)
    for block in blocks:
        progress.started_job(block)
    line = progress.finished_job("58")
    assert "1/2 fast_learning 1/2: train_networks fast_learning/mnist/2/base/fa" in line
    assert "ETA" in line and progress.finished_job("999") is None


def calibration_file(tmp_path) -> dict:
    path = tmp_path / "calibration.json"
    path.write_text(cost.REFERENCE.to_json())
    return {"NOISEFA_CALIBRATION": str(path)}


@pytest.mark.workflow
def test_ctrl_c_leaves_a_few_lines_that_say_how_to_resume(tmp_path):
    work = workflow_copy(tmp_path)
    others = "".join(f"  {s}: {{enabled: false}}\n" for s in STUDIES if s != "fast_learning")
    (work / "tiny.yaml").write_text(
        "pretraining: {samples: 64000, epoch_samples: 640}\nstudies:\n"
        "  fast_learning: {networks: 2, depths: [2, 3], train_size: 2000, test_size: 500,"
        " epochs: 30}\n" + others
    )
    env = {**os.environ, **calibration_file(tmp_path)}
    command = [sys.executable, "-m", "noisefa_pipeline.run", "--resume", "make pipeline",
               "--", str(BIN / "snakemake"), "--workflow-profile", "workflow/profiles/default",
               "--cores", "2", "--resources", "gpu=0", "--configfile", "tiny.yaml"]  # fmt: skip
    proc = subprocess.Popen(
        command, cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, start_new_session=True,
    )  # fmt: skip
    before = []
    for line in proc.stdout:  # the plan, then progress lines
        before.append(line)
        if "] 3/" in line:
            break
    assert any(line.startswith("Plan for results/tiny") for line in before), before
    assert any("estimated wall time here" in line for line in before)
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground group
    after = [line for line in proc.stdout if line.strip()]
    assert proc.wait(timeout=120) == 130
    assert 1 <= len(after) <= 5, after
    assert "Interrupted" in after[0] and any("Resume with: make pipeline" in a for a in after)
    assert "Traceback" not in "".join(after)
    # what finished is kept: resuming (the profile reruns a job cut off mid-way) plans fewer
    # jobs than the first run did
    dry = subprocess.run(
        [str(BIN / "snakemake"), "-n", "--workflow-profile", "workflow/profiles/default",
         "--configfile", "tiny.yaml", "--cores", "1"],
        cwd=work, capture_output=True, text=True,
    )  # fmt: skip
    assert dry.returncode == 0, (dry.stdout + dry.stderr)[-2000:]
    plan_line = next(x for x in before if x.startswith("Plan for"))
    planned = int(re.search(r"\((\d+) jobs;", plan_line).group(1))
    # Snakemake's job stats ("total N") go to stdout or stderr by version and logging
    # setup; no table at all means nothing is left
    listing = dry.stdout + "\n" + dry.stderr
    found = re.search(r"^total\s+(\d+)", listing, re.M)
    left = int(found.group(1)) if found else 0
    assert found or "Nothing to be done" in listing, listing[-2000:]
    assert left < planned, (left, planned)


def test_jobs_that_read_weights_a_snapshot_left_out_send_their_maker_again(tmp_path, monkeypatch):
    from noisefa.files import WEIGHTS_LEFT_OUT

    monkeypatch.chdir(tmp_path)
    group = tmp_path / "results/quick/runs/fast_learning/mnist/depth2/base/fa"
    group.mkdir(parents=True)
    (group / WEIGHTS_LEFT_OUT).write_text("{}")
    listing = LISTING.replace(
        "input: results/quick/data/mnist/train.npz", f"input: {group}/seed0/weights.pt"
    )
    commands = []

    def dry_run(command):
        commands.append(command)
        return (0, listing) if len(commands) == 1 else (1, "Error: stop here")

    monkeypatch.setattr(run, "dry_run", dry_run)
    monkeypatch.setattr(run.stale_lock, "clear_if_stale", lambda command: True)
    with pytest.raises(SystemExit):
        run.main(["--", "snakemake", "--configfile", "x.yaml"])
    assert commands[1][-2:] == ["--forcerun", str(group)]


def test_a_jobs_error_survives_a_full_disk(tmp_path, monkeypatch):
    """Its stderr (the job's log) cannot be written: the message is kept aside, and
    the run wrapper shows it beside the empty log."""
    from noisefa.cli.common import aside_path

    program = (
        "from noisefa.cli.common import run\n"
        "def main(argv):\n"
        "    raise ValueError('training.hidden: 1e9 is too large')\n"
        "run(main)\n"
    )
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    with open("/dev/full", "w") as full:
        done = subprocess.run([str(BIN / "python"), "-c", program], stderr=full, env=env)
    assert done.returncode == 2
    kept = (tmp_path / "noisefa-job-errors" / "dev__full").read_text()
    assert "training.hidden: 1e9 is too large" in kept and "No space left" in kept
    log = tmp_path / "job.log"
    log.write_text("")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    aside = aside_path(log)
    aside.parent.mkdir(parents=True, exist_ok=True)
    aside.write_text("noisefa.cli.train: error: No space left on device\n")
    assert run.last_line(str(log)).startswith("noisefa.cli.train: error: No space left")
    assert run.last_line(str(tmp_path / "absent.log")) == "(no log)"
