"""Run a command and append when it ran, how it ended and at which commit to a CSV.

python -m noisefa_pipeline.sessions results/sessions.csv -- make pipeline PRESET=offline

A paper-scale run is often interrupted and resumed; its wall time is the sum of its
sessions, which Snakemake does not record. `make record` runs the pipeline through this
command, and `noisefa_pipeline.record` reads the file into PROVENANCE.md. The row is
appended atomically after the command ends (also when it fails, is interrupted by
Ctrl-C, or this wrapper is told to stop by SIGTERM or SIGHUP, as a batch system or a
closed terminal does: the signal is passed on to every process the command started, which
is waited for), so an earlier session's row is never lost and no command outlives its
session. The row names the CPU's instruction set, as machines that differ in it train
weights that differ in the last bits.
"""

from __future__ import annotations

import contextlib
import os
import platform
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from noisefa import code_version
from noisefa.cli.common import command_parser, log, run
from noisefa.files import write_csv

COLUMNS = ["start", "end", "seconds", "exit_code", "commit", "command"]
LATER_COLUMNS = ["cpu"]  # added since: empty in the rows of older logs


def git_commit(folder: Path) -> str:
    """HEAD of the checkout holding `folder` (noisefa.code_version.git_commit), named
    when there is none."""
    return code_version.git_commit(folder) or "unknown (not a git checkout)"


def cpu_capability() -> str:
    """The instruction set PyTorch's CPU kernels use here (e.g. AVX2, AVX512): machines
    that differ in it round differently, so their trained weights differ in the last bits."""
    import torch  # only here: the rest of this module runs without it

    return f"{platform.machine()} {torch.backends.cpu.get_cpu_capability()}"


def read_sessions(path: Path) -> pd.DataFrame:
    if not path.exists():
        return pd.DataFrame(columns=COLUMNS + LATER_COLUMNS)
    frame = pd.read_csv(path, keep_default_na=False)
    missing = set(COLUMNS) - set(frame.columns)
    if missing:
        raise ValueError(f"{path}: not a sessions file (no column {', '.join(sorted(missing))})")
    for column in set(LATER_COLUMNS) - set(frame.columns):
        frame[column] = ""
    return frame[COLUMNS + LATER_COLUMNS]


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def main(argv: list[str] | None = None) -> None:
    parser = command_parser("noisefa_pipeline.sessions", __doc__)
    parser.add_argument("sessions", type=Path, help="the CSV to append this session to")
    parser.add_argument("command", nargs="+", help="the command to run (after --)")
    args = parser.parse_args(argv)
    earlier = read_sessions(args.sessions)  # a damaged file stops us before the long run
    commit, start = git_commit(Path.cwd()), now()
    # Its own process group, so that a stop reaches every process the command started
    # (make's Snakemake and its training jobs), not only the command itself.
    child = subprocess.Popen(args.command, process_group=0)

    def pass_on(signum, frame=None):  # the command stops the way it would have been stopped
        with contextlib.suppress(ProcessLookupError):  # it has ended already
            os.killpg(child.pid, signum)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, pass_on)
    while True:
        try:
            code = child.wait()
            break
        except KeyboardInterrupt:  # the terminal's Ctrl-C reaches only our group: pass it on
            pass_on(signal.SIGINT)
    code = 128 - code if code < 0 else code  # killed by a signal: the shell's convention
    end = now()
    row = {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "seconds": int((end - start).total_seconds()),
        "exit_code": code,
        "commit": commit,
        "command": " ".join(args.command),
        "cpu": cpu_capability(),
    }
    write_csv(args.sessions, pd.concat([earlier, pd.DataFrame([row])], ignore_index=True))
    log(f"session of {row['seconds']} s ended with exit code {code}; logged in {args.sessions}")
    if code:
        sys.exit(code)


if __name__ == "__main__":
    run(main)
