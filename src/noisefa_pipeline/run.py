"""Run the workflow for a person at a terminal: the cost before, a line per finished job
during, a summary after, and a short message when interrupted.

python -m noisefa_pipeline.run [--resume "make pipeline PRESET=quick"] [--report]
    -- SNAKEMAKE [ARGS...]

1. Snakemake's dry run plans the jobs (a configuration error stops here, in a few
   lines, before anything is written); the cost model (`noisefa.cost`, calibrated on
   this machine on first use, about 20 s) prices them: jobs and CPU-hours per study,
   and the wall time on this machine's cores.
2. The run itself: Snakemake's own output goes to <tree>/logs/pipeline/<time>.log;
   the terminal gets one line per finished job, with done/total overall and for its
   study, and an ETA (the predicted work still to do, at the pace the run has kept).
3. At the end: jobs done, failed (each with its log and last line) and not run (each
   with its reason), and where the claims and the report are. With --report the HTML
   report is built after a run that succeeded.
Ctrl-C stops Snakemake (it ends the running jobs; their outputs are removed) and prints
at most five lines: what was done and how to resume. A lock left by a killed run is
cleared first when it is provably stale (`noisefa_pipeline.stale_lock`).
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from noisefa import cost, results_tree
from noisefa.cli.common import aside_path, command_parser, run
from noisefa.files import write_json
from noisefa_pipeline import stale_lock
from noisefa_pipeline.jobs import FINISHED, BlockReader, JobBlock, left_out_inputs, parse_blocks


def say(text: str = "") -> None:
    print(text, flush=True)


def duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    if seconds < 90:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 90:
        return f"{minutes} min {seconds % 60:02d} s" if minutes < 10 else f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def tree_of(args: list[str]) -> str:
    """The results tree Snakemake will use: `--config results=X`, else named after the
    `--configfile` files (noisefa.results_tree.tree_for)."""
    configfiles, explicit, mode = [], None, None
    for arg in args:
        if arg in ("--configfile", "--configfiles"):
            mode = "files"
        elif arg == "--config":
            mode = "config"
        elif arg.startswith("-"):
            mode = None
        elif mode == "files":
            configfiles.append(arg)
        elif mode == "config" and arg.startswith("results="):
            explicit = arg.partition("=")[2]
    return results_tree.tree_for({"results": explicit} if explicit else {}, configfiles)


def tree_plan_config(tree: str) -> dict:
    """The tree's configuration with this run's data decision (what the jobs plan with)."""
    config = results_tree.tree_config(tree)
    decision = Path(tree) / "availability.json"
    config["data"] = json.loads(decision.read_text()) if decision.is_file() else {}
    return config


class Plan:
    """The pending jobs, each with its study and predicted CPU-seconds."""

    def __init__(self, blocks: list[JobBlock], config: dict, cal: cost.Calibration):
        self.jobs = {}
        for block in blocks:
            if block.rule == "all":
                continue
            predicted = cost.job_seconds(cal, config, block.rule, block.wildcards)
            self.jobs[block.jobid] = (cost.study_of(block.rule, block.wildcards), predicted)
        self.cal = cal

    def per_study(self) -> dict[str, tuple[int, float]]:
        found: dict[str, list[float]] = {}
        for study, seconds in self.jobs.values():
            found.setdefault(study, []).append(seconds)
        return {s: (len(v), sum(v)) for s, v in sorted(found.items())}

    def wall(self, cores: int) -> float:
        return cost.wall_seconds(self.cal, [s for _, s in self.jobs.values()], cores)

    def table(self, cores: int) -> list[str]:
        lines = [f"  {'study':<22}{'jobs':>6}{'CPU-h':>9}"]
        for study, (jobs, seconds) in self.per_study().items():
            lines.append(f"  {study:<22}{jobs:>6}{seconds / 3600:>9.2f}")
        total = sum(s for _, s in self.jobs.values())
        lines.append(f"  {'total':<22}{len(self.jobs):>6}{total / 3600:>9.2f}")
        return lines


QUIET_TOPICS = {"all", "host", "progress", "rules", "reason"}


def without_quiet(command: list[str]) -> list[str]:
    """The command less `--quiet [topics]`: the runner reads Snakemake's job listing."""
    kept, skipping = [], False
    for arg in command:
        if arg in ("--quiet", "-q"):
            skipping = True
            continue
        if skipping and arg in QUIET_TOPICS:
            continue
        skipping = False
        kept.append(arg)
    return kept


def cores_of(args: list[str]) -> int | None:
    for i, arg in enumerate(args):
        if arg in ("--cores", "-c", "--jobs", "-j") and i + 1 < len(args):
            value = args[i + 1]
            return None if value == "all" else int(value) if value.isdigit() else None
    return None


class Progress:
    """Counts finished jobs per study and prints one line for each."""

    def __init__(self, plan: Plan, started: float):
        self.plan, self.started = plan, started
        self.done: Counter = Counter()
        self.totals = Counter(study for study, _ in plan.jobs.values())
        self.work_done = 0.0
        self.blocks: dict[str, JobBlock] = {}
        self.failed: list[JobBlock] = []

    @property
    def finished(self) -> int:
        return sum(self.done.values())

    def started_job(self, block: JobBlock) -> None:
        if block.fields.get("_error"):
            self.failed.append(block)
        elif block.jobid:
            self.blocks[block.jobid] = block

    def finished_job(self, jobid: str) -> str | None:
        if jobid not in self.plan.jobs:
            return None
        study, predicted = self.plan.jobs[jobid]
        self.done[study] += 1
        self.work_done += predicted
        block = self.blocks.get(jobid)
        what = block.rule if block else "job"
        if block and block.wildcards:
            what += " " + "/".join(block.wildcards.values())
        return (
            f"[{datetime.datetime.now():%H:%M:%S}] {self.finished}/{len(self.plan.jobs)} "
            f"{study} {self.done[study]}/{self.totals[study]}: {what}  {self.eta()}"
        )

    def eta(self) -> str:
        total = sum(s for _, s in self.plan.jobs.values())
        if not self.work_done or not total:
            return ""
        elapsed = time.monotonic() - self.started
        left = elapsed * (total - self.work_done) / self.work_done
        at = datetime.datetime.now() + datetime.timedelta(seconds=left)
        return f"ETA {at:%H:%M} ({duration(left)} left)"


def dry_run(command: list[str]) -> tuple[int, str]:
    """Snakemake's plan; it records the tree's configuration for the cost model."""
    env = {**os.environ, "NOISEFA_RECORD_TREE": "1"}
    done = subprocess.run([*command, "--dry-run"], capture_output=True, text=True, env=env)
    return done.returncode, done.stdout + "\n" + done.stderr


def write_or_stop(log_file, line: str, path: Path):
    """Write a line of Snakemake's output to its log; on a full disk, say so once and
    go on without the log (the run and its per-job lines continue)."""
    if log_file is None:
        return None
    try:
        log_file.write(line)
        return log_file
    except OSError as exc:
        say(f"Snakemake's log {path} cannot be written ({exc.strerror}); it stops here")
        return None


def error_excerpt(text: str, limit: int = 25) -> str:
    """Snakemake's error without its traceback frames: from the first line naming an
    error to the end, less `File "..."` lines."""
    lines = text.splitlines()
    start = next(
        (i for i, line in enumerate(lines) if "Error" in line or "error" in line.lower()), 0
    )
    kept = [line for line in lines[start:] if not line.strip().startswith('File "')]
    return "\n".join(kept[:limit])


def announce_data(text: str) -> None:
    """The dry run's one message about data this machine cannot have."""
    lines, keep = text.splitlines(), False
    for line in lines:
        if line.startswith("Data not available here"):
            keep = True
        elif keep and not line.startswith("  "):
            break
        if keep:
            say(line)


def last_line(path: str) -> str:
    """The log's last line; for an empty log, the error its job set aside (a full disk:
    noisefa.cli.common.aside_path)."""
    try:
        lines = [x for x in Path(path).read_text(errors="replace").splitlines() if x.strip()]
    except OSError:
        lines = []
    if lines:
        return lines[-1]
    aside = aside_path(path)
    if aside.is_file():
        return f"{aside.read_text(errors='replace').splitlines()[0]}  (kept in {aside})"
    return "(empty log)" if Path(path).is_file() else "(no log)"


def not_run_lines(tree: str) -> list[str]:
    decision = Path(tree) / "availability.json"
    if not decision.is_file():
        return []
    data = json.loads(decision.read_text())
    return [
        f"  not run: {study} ({', '.join(datasets)} not available)"
        for study, datasets in data.get("left_out", {}).items()
    ]


def main(argv: list[str] | None = None) -> None:
    parser = command_parser("noisefa_pipeline.run", __doc__)
    parser.add_argument(
        "--resume", default="the same command", help="the command that resumes, for messages"
    )
    parser.add_argument("--report", action="store_true", help="build the HTML report after")
    parser.add_argument("snakemake", nargs="+", help="the Snakemake command line (after --)")
    args = parser.parse_args(argv)
    command = without_quiet(args.snakemake)
    if not stale_lock.clear_if_stale(command):
        sys.exit(2)
    tree = tree_of(command[1:])
    code, text = dry_run(command)
    if code != 0:
        say(error_excerpt(text))
        sys.exit(2)
    announce_data(text)
    blocks = [b for b in parse_blocks(text) if not b.fields.get("_error")]
    if needed := left_out_inputs(blocks):
        say(
            f"{len(needed)} folders whose weights a restored snapshot left out are read by "
            f"jobs to run; the jobs that make them run again (--forcerun): {', '.join(needed)}"
        )
        command = [*command, "--forcerun", *needed]  # last: --forcerun takes a list
        code, text = dry_run(command)
        if code != 0:
            say(error_excerpt(text))
            sys.exit(2)
        blocks = [b for b in parse_blocks(text) if not b.fields.get("_error")]
    if not [b for b in blocks if b.rule != "all"]:
        say(f"Nothing to be done: {tree} is complete ({tree}/claims.md).")
        return
    if cost.load_calibration() is None:
        say(f"Measuring this machine for the cost model (once, ~20 s): {cost.calibration_path()}")
    from noisefa.calibration import calibrated  # torch: only once the plan is known

    cal = calibrated()
    config = tree_plan_config(tree)
    plan = Plan(blocks, config, cal)
    cores = cores_of(command) or cal.cores
    say(f"Plan for {tree} ({len(plan.jobs)} jobs; cost model calibrated {cal.measured[:10]}):")
    for line in plan.table(cores):
        say(line)
    say(
        f"  estimated wall time here: {duration(plan.wall(cores))} on {cores} cores "
        f"(they give {cal.parallel:.1f} jobs' worth of throughput)"
    )
    logs = Path(tree) / "logs" / "pipeline"
    logs.mkdir(parents=True, exist_ok=True)
    log_path = logs / f"{datetime.datetime.now():%Y%m%d-%H%M%S}.log"
    say(f"Snakemake's own output: {log_path}")
    started = time.monotonic()
    progress = Progress(plan, started)
    interrupted = False
    # Line-buffered: a full disk shows at the line that did not fit.
    sink = open(log_path, "w", buffering=1)  # noqa: SIM115
    log_file = sink
    try:
        child = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
        )
        write_json(stale_lock.OWNER, stale_lock.identity(child.pid))

        def stop(signum, frame):  # Ctrl-C reaches Snakemake itself (same process group)
            nonlocal interrupted
            interrupted = True
            if signum == signal.SIGTERM:
                child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        reader = BlockReader()
        for line in child.stdout:
            log_file = write_or_stop(log_file, line, log_path)
            if (block := reader.feed(line)) is not None:
                progress.started_job(block)
            match = FINISHED.match(line)
            if match and not interrupted and (msg := progress.finished_job(match.group(1))):
                say(msg)
        if (block := reader.close()) is not None:
            progress.started_job(block)
        code = child.wait()
    finally:
        with contextlib.suppress(OSError):  # a full disk: already said
            sink.close()
    took = duration(time.monotonic() - started)
    total = len(plan.jobs)
    if interrupted:
        say(f"\nInterrupted after {took}: {progress.finished} of {total} jobs done, kept.")
        say(f"Resume with: {args.resume}   (Snakemake's log: {log_path})")
        sys.exit(130)
    say(f"\n{progress.finished} of {total} jobs done in {took}.")
    for block in progress.failed:
        say(f"  failed: {block.rule} {'/'.join(block.wildcards.values())}")
        say(f"    log {block.log}: {last_line(block.log)}")
    for line in not_run_lines(tree):
        say(line)
    if code != 0:
        say(f"Snakemake stopped (exit {code}); its log: {log_path}")
        say(f"Fix what the log names, then resume with: {args.resume}")
        sys.exit(code)
    claims = Path(tree) / "claims.md"
    if claims.is_file():
        counts = claims.read_text().splitlines()[2].split("**")  # the bold verdict counts
        say(f"Claims: {claims}  {counts[1] if len(counts) > 1 else ''}")
    if args.report:
        report = Path(tree) / "report.html"
        done = subprocess.run([*command, "--report", str(report)], capture_output=True, text=True)
        say(f"Report: {report}" if done.returncode == 0 else f"Report failed: {last_lines(done)}")


def last_lines(done: subprocess.CompletedProcess) -> str:
    return " ".join((done.stdout + done.stderr).strip().splitlines()[-3:])


def interruptible(argv: list[str] | None = None) -> None:
    """main, with Ctrl-C before the run starts (dry run, calibration) ending quietly."""
    try:
        main(argv)
    except KeyboardInterrupt:
        say("\nInterrupted before any job ran: nothing was changed.")
        sys.exit(130)


if __name__ == "__main__":
    run(interruptible)
