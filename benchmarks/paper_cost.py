"""What a whole run costs on this machine, per study and rule, before it runs.

python benchmarks/paper_cost.py [--tree results/default | --configfile PRESET.yaml ...]
    [--studies benchmark ...] [--cores N] [--out cost.json]

Every job of the configuration's DAG (Snakemake's own dry run with --forceall) is
priced by the cost model (`noisefa.cost`, calibrated on this machine by
`python -m noisefa.calibration`, cached once measured). The configuration is a results
tree's own (`--tree`: the configuration.json it was made with, never what the tree's
results hold), or config/config.yaml with the given overlays (default: the paper scale).
Prints jobs and CPU-hours per study and rule, and the wall time on --cores of this
machine (its measured throughput with all cores busy).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from noisefa import cost, results_tree
from noisefa.calibration import calibrated
from noisefa_pipeline.jobs import JobBlock, parse_blocks

REPO = Path(__file__).resolve().parents[1]


def dry_run_jobs(snakemake_args: list[str]) -> list[JobBlock]:
    args = [sys.executable, "-m", "snakemake", "-n", "--forceall", *snakemake_args]
    env = {**os.environ, "NOISEFA_RECORD_TREE": "1"}  # the tree records its configuration
    done = subprocess.run(args, cwd=REPO, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"snakemake dry run failed:\n{done.stderr[-2000:]}")
    return [b for b in parse_blocks(done.stdout + "\n" + done.stderr) if b.rule != "all"]


def plan_config(tree: str) -> dict:
    """The configuration a dry run of `tree` planned with (its data decision included)."""
    config = results_tree.tree_config(tree)
    decision = Path(tree) / "availability.json"
    config["data"] = json.loads(decision.read_text()) if decision.is_file() else {}
    return config


def price(jobs: list[JobBlock], config: dict, cal: cost.Calibration) -> list[dict]:
    """One row per job: rule, study, predicted CPU-seconds."""
    return [
        {
            "rule": job.rule,
            "study": cost.study_of(job.rule, job.wildcards),
            "seconds": cost.job_seconds(cal, config, job.rule, job.wildcards),
        }
        for job in jobs
    ]


def summary(rows: list[dict], key: str) -> dict[str, tuple[int, float]]:
    found: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        found[row[key]].append(row["seconds"])
    return {k: (len(v), sum(v)) for k, v in sorted(found.items())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tree", help="price the configuration this results tree was made with")
    parser.add_argument("--configfile", nargs="*", default=[], help="overlays on config.yaml")
    parser.add_argument("--studies", nargs="*", help="only these studies")
    parser.add_argument("--cores", type=int, help="cores the run uses (default: all)")
    parser.add_argument(
        "--every-dataset",
        action="store_true",
        help="price every dataset, as on a machine that can download them all (default: "
        "what a run here can have; the rest is left out, as the run leaves it out)",
    )
    parser.add_argument("--out", type=Path, help="write the priced jobs here (JSON)")
    args = parser.parse_args()
    if args.tree:
        tree = args.tree
        record = results_tree.read_record(tree)
        if record is None:
            raise SystemExit(f"{tree} holds no {results_tree.RECORD}: no run has started there")
        files = record["configfiles"]
    else:
        files = [str(Path(f).resolve()) for f in args.configfile]
        tree = results_tree.tree_for({}, files)
    snakemake_args = ["--config", f"results={tree}"]
    if args.every_dataset:  # an overlay: --config cannot set a nested boolean
        online = Path(tempfile.mkdtemp()) / "every-dataset.yaml"
        online.write_text("data:\n  download: true\n")
        files = [*files, str(online)]
    if files:
        snakemake_args += ["--configfile", *files]
    jobs = dry_run_jobs(snakemake_args)  # also records the tree's configuration
    config = plan_config(str(REPO / tree) if not Path(tree).is_absolute() else tree)
    cal = calibrated()
    rows = price(jobs, config, cal)
    if args.studies:
        rows = [r for r in rows if r["study"] in args.studies]
    print(f"Cost of {tree} on {cal.machine} (calibrated {cal.measured}):")
    print("| study | jobs | CPU-hours |\n|---|---|---|")
    for study, (n, seconds) in summary(rows, "study").items():
        print(f"| {study} | {n} | {seconds / 3600:.2f} |")
    total = sum(r["seconds"] for r in rows)
    print(f"| total | {len(rows)} | {total / 3600:.2f} |\n")
    print("| rule | jobs | CPU-hours |\n|---|---|---|")
    for rule, (n, seconds) in summary(rows, "rule").items():
        print(f"| {rule} | {n} | {seconds / 3600:.2f} |")
    cores = args.cores or cal.cores
    wall = cost.wall_seconds(cal, [r["seconds"] for r in rows], cores)
    print(f"\nWall time on {cores} cores here: {wall / 3600:.2f} h")
    if args.out:
        args.out.write_text(json.dumps({"calibration": cal.machine, "jobs": rows}, indent=1))


if __name__ == "__main__":
    main()
