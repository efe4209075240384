"""Clear Snakemake's lock on this folder if the run that held it is gone.

python -m noisefa.stale_lock [--snakemake PATH]

A killed run (SIGKILL, power loss) leaves `.snakemake/locks/` behind, and the next run
refuses to start until `snakemake --unlock`. This unlocks only when no Snakemake
process is running in this folder (read from /proc, so on Linux); elsewhere it says
what to do instead. `make pipeline` calls it first, so re-running resumes the work.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .cli import command_parser, log, run


def snakemake_running_in(folder: Path) -> bool | None:
    """True/False when /proc can tell, None when it cannot (not Linux)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    me, folder = os.getpid(), folder.resolve()
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            if not any(b"snakemake" in part for part in cmdline[:3]) or b"--unlock" in cmdline:
                continue
            if Path(os.readlink(entry / "cwd")).resolve() == folder:
                return True
        except OSError:  # a process that ended, or one we may not inspect
            continue
    return False


def main(argv: list[str] | None = None) -> None:
    parser = command_parser("noisefa.stale_lock", __doc__)
    parser.add_argument("--snakemake", default=str(Path(sys.executable).parent / "snakemake"))
    parser.add_argument(
        "snakemake_args", nargs="*", help="arguments the run uses (config files, profile)"
    )
    args = parser.parse_args(argv)
    locks = Path(".snakemake/locks")
    if not locks.is_dir() or not any(locks.iterdir()):
        return
    running = snakemake_running_in(Path.cwd())
    if running:
        log("another Snakemake run is active in this folder; leaving its lock alone")
    elif running is None:
        log(
            "a Snakemake lock exists; if no run is active here, remove it with `snakemake --unlock`"
        )
    else:
        log("removing the lock left by an interrupted run")
        subprocess.run(
            [args.snakemake, "--unlock", *args.snakemake_args],
            check=True,
            stdout=subprocess.DEVNULL,
        )


if __name__ == "__main__":
    run(main)
