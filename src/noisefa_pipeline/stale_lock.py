"""Start Snakemake, first clearing the lock of an earlier run only if it provably is dead.

python -m noisefa_pipeline.stale_lock -- SNAKEMAKE [ARGS...]

A killed run (SIGKILL, power loss) leaves `.snakemake/locks/` behind, and the next run
refuses to start until `snakemake --unlock`. Unlocking while a run is alive would let
two runs write the same files, so the lock is removed only when it is provably stale:

- the run that holds it was started by this command (which then becomes that Snakemake
  process: exec, same PID) or by `noisefa_pipeline.run` (`make pipeline`), either of
  which records its owner in `.snakemake/noisefa-owner.json` (host, boot id, PID
  namespace, PID and the process's start time);
- the record was written on this host, since its last boot, in this PID namespace; and
- that process is gone (no such PID, or the PID now belongs to a later process); and
- no Snakemake process on this host works in this folder (/proc/<pid>/cwd): the lock
  may belong to a run started by hand after the recorded one ended.

Anything else - a lock from a Snakemake started by hand, a run on another machine or
container sharing the folder, a system without /proc - is left alone, and the message
says what to run once you are sure no run is active. `make pipeline` clears locks this
way before every run, so re-running it resumes an interrupted one.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from noisefa.cli.common import command_parser, log, run
from noisefa.files import partial_files, write_json

LOCKS = Path(".snakemake/locks")
RESULTS = Path("results")  # every results tree (noisefa.results_tree)
OWNER = Path(".snakemake/noisefa-owner.json")


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return None


def start_time(pid: int) -> str | None:
    """The process's start time since boot (clock ticks); None if there is no such
    process or only its corpse (a killed process not yet reaped by its parent)."""
    stat = _read(f"/proc/{pid}/stat")
    if stat is None:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # the name before ")" may hold spaces
    if fields[0] in ("Z", "X"):  # zombie or dead: it runs nothing any more
        return None
    return fields[19]  # field 22 of /proc/PID/stat


def identity(pid: int) -> dict:
    """What names a process uniquely on this machine, as far as /proc can tell."""
    try:
        namespace = os.readlink(f"/proc/{pid}/ns/pid")
    except OSError:
        namespace = None
    return {
        "host": socket.gethostname(),
        "boot_id": _read("/proc/sys/kernel/random/boot_id"),
        "pid_namespace": namespace,
        "pid": pid,
        "start_time": start_time(pid),
    }


def _is_snakemake(argv: list[str]) -> bool:
    """Whether a command line runs Snakemake itself (its entry point, or python running
    it), not a command that merely passes it as an argument (`noisefa_pipeline.run`)."""
    names = [Path(a).name for a in argv[:3]]
    return (
        names[:1] == ["snakemake"]
        or names[1:2] == ["snakemake"]
        or argv[1:3] == ["-m", "snakemake"]
    )


def snakemakes_in(folder: Path) -> list[int]:
    """PIDs of the Snakemake processes on this host whose working folder is `folder`."""
    found = []
    here = folder.resolve()
    for entry in Path("/proc").glob("[0-9]*"):
        pid = int(entry.name)
        if pid == os.getpid():
            continue
        try:
            if Path(os.readlink(entry / "cwd")).resolve() != here:
                continue
            argv = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:  # gone, or not ours to read
            continue
        if _is_snakemake(argv) and start_time(pid) is not None:
            found.append(pid)
    return found


def lock_is_stale(owner: dict | None, folder: Path | None = None) -> tuple[bool, str]:
    """(True, why) only when the recorded owner is provably dead and no Snakemake works
    in `folder` (default: here); else (False, why not)."""
    running = snakemakes_in(folder or Path.cwd())
    if running:
        return False, f"Snakemake (PID {', '.join(map(str, running))}) is running in this folder"
    if owner is None:
        return False, "no record of the run that holds it (started outside `make pipeline`?)"
    here = identity(os.getpid())
    if None in (here["boot_id"], here["pid_namespace"], here["start_time"]):
        return False, "this system does not expose /proc, so no run can be proven dead"
    for key, where in (
        ("host", "on another host"),
        ("boot_id", "on another machine, or before this host last booted"),
        ("pid_namespace", "in another container or PID namespace"),
    ):
        if owner.get(key) != here[key]:
            return False, f"its run was started {where} ({key} {owner.get(key)})"
    alive = start_time(int(owner["pid"]))
    if alive is not None and alive == owner.get("start_time"):
        return False, f"its run (PID {owner['pid']}) is still running"
    return True, f"its run (PID {owner['pid']}) has ended"


def read_owner() -> dict | None:
    try:
        return json.loads(OWNER.read_text())
    except (OSError, ValueError):
        return None


def clear_if_stale(snakemake_args: list[str]) -> bool:
    """Unlock when the lock is provably stale; True when the run may start."""
    if not LOCKS.is_dir() or not any(LOCKS.iterdir()):
        return True
    stale, why = lock_is_stale(read_owner())
    if not stale:
        log(
            f"a Snakemake lock exists in {Path.cwd()} and is not provably stale: {why}. "
            "If no run is active here (on any machine that shares this folder), remove it "
            f"with: {' '.join(snakemake_args)} --unlock"
        )
        return False
    log(f"removing the lock left by an interrupted run: {why}")
    unlock = subprocess.run([*snakemake_args, "--unlock"], stdout=subprocess.DEVNULL)
    if unlock.returncode:  # Snakemake has said why (a refused configuration, say)
        log("the lock was not removed: Snakemake refused (its message is above)")
        return False
    # the killed run's jobs may have left half-written temporary files; no run is alive
    # here (checked above), so none of them is being written
    left = partial_files(RESULTS)
    for path in left:
        path.unlink(missing_ok=True)
    if left:
        log(f"removed {len(left)} half-written file(s) the killed run left, e.g. {left[0]}")
    return True


def main(argv: list[str] | None = None) -> None:
    parser = command_parser("noisefa_pipeline.stale_lock", __doc__)
    parser.add_argument("snakemake", nargs="+", help="the Snakemake command line to run")
    args = parser.parse_args(argv)
    if not clear_if_stale(args.snakemake):
        sys.exit(2)
    write_json(OWNER, identity(os.getpid()))
    os.execvp(args.snakemake[0], args.snakemake)  # the same PID: the record names this run


if __name__ == "__main__":
    run(main)
