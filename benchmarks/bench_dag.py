"""How long Snakemake takes to plan a run, against the number of jobs it plans.

python benchmarks/bench_dag.py [--jobs 500 2000 5000] [--repeats 1]

Each size is one configuration of the sensitivity study alone (3 datasets x 3 methods x
as many hidden widths as the size needs, one training job each, plus their noise
pretrainings), planned by `snakemake --dry-run` into a throw-away tree. Prints, per size,
the jobs planned, the median seconds over the repeats and the seconds per job: a plan
that stays linear keeps the last roughly constant (issue 35; the planner caches its
per-configuration answers in noisefa.plan).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from noisefa.cli.common import command_parser, log, run

REPO = Path(__file__).resolve().parents[1]
OTHERS = (
    "noise_alignment", "noise_conditions", "fast_learning", "trajectory", "benchmark",
    "spectrum", "generalization", "gram_rank", "ood", "meta_loss", "adaptation",
    "cifar_fast_learning", "hyperparams", "wbt_init", "compute_budget", "rules",
)  # fmt: skip


def overlay(jobs: int) -> dict:
    """A configuration of about `jobs` training jobs: 9 per hidden width."""
    widths = list(range(200, 200 + max(1, jobs // 9)))
    return {
        "compute": {"max_jobs": jobs * 2},
        "studies": {
            **{name: {"enabled": False} for name in OTHERS},
            "sensitivity": {
                "widths": widths,
                "scalings": [],
                "val_fractions": [],
                "split_seeds": [],
                "inits": [],
                "combinations": [],
            },  # fmt: skip
        },
    }


def plan_seconds(jobs: int, folder: Path) -> tuple[int, float]:
    config = folder / f"jobs{jobs}.yaml"
    config.write_text(yaml.safe_dump(overlay(jobs)))
    command = [
        sys.executable, "-m", "snakemake", "study_sensitivity", "--dry-run",
        "--configfile", str(config), "--config", f"results={folder / f'tree{jobs}'}",
    ]  # fmt: skip
    start = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=os.environ)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"the dry run of {jobs} jobs failed:\n{done.stderr[-2000:]}")
    totals = [line for line in done.stdout.splitlines() if line.startswith("total")]
    planned = int(totals[0].split()[-1]) if totals else 0  # the job stats, printed twice
    return planned, seconds


def main(argv: list[str] | None = None) -> None:
    parser = command_parser("bench_dag", __doc__)
    parser.add_argument("--jobs", type=int, nargs="+", default=[500, 2000, 5000])
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        for jobs in args.jobs:
            timings, planned = [], 0
            for _ in range(args.repeats):
                planned, seconds = plan_seconds(jobs, Path(tmp))
                timings.append(seconds)
            median = statistics.median(timings)
            log(f"jobs={planned} seconds={median:.1f} per_job_ms={1000 * median / planned:.1f}")


if __name__ == "__main__":
    run(main)
