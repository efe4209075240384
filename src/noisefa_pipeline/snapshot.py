"""Carry an unfinished run to another machine or session: pack it, unpack it, resume it.

python -m noisefa_pipeline.snapshot save    SNAPSHOT -- SNAKEMAKE_ARGS...
python -m noisefa_pipeline.snapshot restore SNAPSHOT -- SNAKEMAKE_ARGS...

A paper-scale run outlives a session on a small machine, and scratch space (a cluster
node's, a rented machine's) is wiped between sessions. `save` packs what the run has
computed into SNAPSHOT/results.tar.xz, small enough to commit or copy:

- every file under results/ and Snakemake's metadata, with its modification time, so
  Snakemake finds the finished jobs up to date;
- but not what cheap, deterministic jobs rebuild on `restore`: the staged data (files
  of 1 MB or more under results/data/, from the data mirror) and the weights of the
  noise pretrainings that unfinished jobs still read. Each rebuilt file is checked
  against the sha256 recorded here and given back its recorded time; the small files
  beside it (records, histories, logs) are packed and put back as they were;
- nor network weights (*.pt) that no unfinished job reads (what Snakemake's dry run
  lists as the inputs of the jobs still to run);
- nor what an unfinished (killed) job left behind: the dry run lists it to be redone.

`restore`, in a checkout with no results/, rebuilds those files, unpacks the rest, and
checks that a dry run now plans exactly the jobs that were left when the snapshot was
saved; any other plan (a changed workflow or configuration) or a rebuilt file that
differs is an error that names it. Each restore adds a row to <tree>/restores.csv,
which the record's PROVENANCE.md lists.
SNAKEMAKE_ARGS are the run's own (its --workflow-profile and --configfile), as
`make snapshot` / `make restore` pass them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from noisefa.cli.common import command_parser, log, run
from noisefa.files import atomic_path, read_json, sha256, write_csv, write_json
from noisefa_pipeline.jobs import parse_blocks
from noisefa_pipeline.run import tree_of
from noisefa_pipeline.sessions import git_commit

RESULTS = Path("results")  # every results tree (noisefa.results_tree)
METADATA = Path(".snakemake") / "metadata"
ARCHIVE = "results.tar.xz"
MANIFEST = "manifest.json"
RESTORES = "restores.csv"  # in the tree: one row per restore, read into the record's provenance
REBUILT_BYTES = 1 << 20  # staged files this large are rebuilt, not packed
# Rules whose outputs a restore rebuilds rather than unpacks: no input but the data
# mirror, deterministic (tests/test_determinism.py), minutes for a whole paper-scale run.
REBUILT_RULES = ("stage_split", "stage_archive", "make_split", "make_ood_set", "pretrain_noise")
# Rules that declare whole network folders but read only their tables and summaries:
# their jobs never make a weight file needed.
WEIGHTLESS_RULES = ("collect_study",)


@dataclass(frozen=True)
class PendingJob:
    """A job of the dry run: the rule and the files it reads and writes."""

    rule: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"{self.rule}: {', '.join(self.outputs)}"


def parse_dry_run(text: str) -> list[PendingJob]:
    """The jobs a `snakemake --dry-run` listing plans (rule blocks with input/output)."""
    return [PendingJob(b.rule, b.inputs, b.outputs) for b in parse_blocks(text)]


def _under(path: str, folders: set[str]) -> bool:
    parts = Path(path).parts
    return any(str(Path(*parts[:n])) in folders for n in range(1, len(parts) + 1))


def _is_cache(path: str) -> bool:
    """Downloads and extractions beside the staged data (a tree's data/.torchvision):
    the only hidden folders under results/."""
    return any(part.startswith(".") for part in Path(path).parts[:-1])


def weights_read_from(pending: list[PendingJob]) -> set[str]:
    """The files and folders whose weights unfinished jobs may read."""
    return {f for job in pending if job.rule not in WEIGHTLESS_RULES for f in job.inputs}


def snapshot_members(
    files: list[str], pending: list[PendingJob], rebuilt: frozenset[str] = frozenset()
) -> list[str]:
    """The files of results/ a snapshot keeps (paths relative to the checkout)."""
    needed = weights_read_from(pending)
    unfinished = {f for job in pending for f in job.outputs}
    keep = []
    for path in files:
        if path in rebuilt or _under(path, unfinished) or _is_cache(path):
            continue
        if path.endswith(".pt") and not _under(path, needed):
            continue
        keep.append(path)
    return keep


def snakemake(args: list[str], *extra: str) -> subprocess.CompletedProcess:
    tool = Path(sys.executable).parent / "snakemake"
    done = subprocess.run([str(tool), *args, *extra], capture_output=True, text=True)
    if done.returncode != 0:
        raise ValueError(
            f"snakemake {' '.join([*args, *extra])} failed:\n{done.stdout[-3000:]}"
            f"\n{done.stderr[-3000:]}"
        )
    return done


def pending_jobs(args: list[str], *extra: str) -> list[PendingJob]:
    done = snakemake(args, "--dry-run", *extra)
    return parse_dry_run(done.stdout + "\n" + done.stderr)


def rebuilt_outputs(
    every_job: list[PendingJob], pending: list[PendingJob]
) -> tuple[list[str], list[str]]:
    """What a restore rebuilds instead of unpacking: (the Snakemake targets, the files
    checked afterwards). Large staged files, and the weights in finished noise
    pretrainings that an unfinished job reads."""
    needed = weights_read_from(pending)
    unfinished = {f for job in pending for f in job.outputs}
    targets, files = [], []
    for job in every_job:
        if job.rule not in REBUILT_RULES:
            continue
        for out in job.outputs:
            path = Path(out)
            if out in unfinished or not path.exists():
                continue
            if path.is_file() and path.stat().st_size >= REBUILT_BYTES:
                targets.append(out)
                files.append(out)
            elif path.is_dir() and any(_under(n, {out}) for n in needed):
                weights = [f for f in files_under(path) if f.endswith(".pt")]
                targets += [out] if weights else []
                files += weights
    return targets, files


def files_under(folder: Path) -> list[str]:
    return sorted(str(p) for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def save(snapshot: Path, args: list[str]) -> dict:
    if any((Path(".snakemake") / "locks").glob("*")):
        raise ValueError(
            ".snakemake/locks is not empty: the run is still going (stop it first) or "
            "was killed (run `make pipeline` once to clear a stale lock)"
        )
    pending = pending_jobs(args)
    targets, files = rebuilt_outputs(pending_jobs(args, "--forceall"), pending)
    rebuilt = {
        path: {"sha256": sha256(Path(path)), "mtime": os.stat(path).st_mtime} for path in files
    }
    found = files_under(RESULTS)
    members = snapshot_members(found, pending, frozenset(rebuilt))
    metadata = files_under(METADATA) if METADATA.is_dir() else []
    # Folders too, so that unpacking gives them back their times (a directory() output
    # is as old as its folder).
    folders = sorted({str(parent) for p in members for parent in Path(p).parents})
    snapshot.mkdir(parents=True, exist_ok=True)
    with atomic_path(snapshot / ARCHIVE) as tmp, tarfile.open(tmp, "w:xz") as tar:
        for path in [f for f in folders if f != "."] + members + metadata:
            tar.add(path, recursive=False)
    manifest = {
        "saved": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "commit": git_commit(Path.cwd()),
        "snakemake_args": args,
        "files": len(members),
        "bytes_packed": sum(os.path.getsize(p) for p in members + metadata),
        "left_out_weights": sum(
            1 for p in set(found) - set(members) - set(rebuilt) if p.endswith(".pt")
        ),
        "archive_sha256": sha256(snapshot / ARCHIVE),
        "pending": sorted(job.name for job in pending),
        "rebuild": targets,
        "rebuilt": rebuilt,
    }
    write_json(snapshot / MANIFEST, manifest)
    return manifest


def read_manifest(snapshot: Path) -> dict:
    path = snapshot / MANIFEST
    if not path.is_file() or not (snapshot / ARCHIVE).is_file():
        raise ValueError(f"{snapshot}: not a snapshot (needs {ARCHIVE} and {MANIFEST})")
    manifest = read_json(path)
    missing = {"archive_sha256", "pending", "rebuild", "rebuilt"} - set(manifest)
    if missing:
        raise ValueError(f"{path}: damaged manifest (no {', '.join(sorted(missing))})")
    if sha256(snapshot / ARCHIVE) != manifest["archive_sha256"]:
        raise ValueError(
            f"{snapshot / ARCHIVE} is not the archive {path} describes (sha256 differs): "
            "damaged, or one of the two was replaced without the other"
        )
    return manifest


def restore(snapshot: Path, args: list[str]) -> dict:
    manifest = read_manifest(snapshot)
    if RESULTS.exists() and any(RESULTS.iterdir()):
        raise ValueError(f"{RESULTS}/ is not empty: restore into a checkout without results")
    start = datetime.now(UTC).replace(microsecond=0)
    if manifest["rebuild"]:  # targets first: --configfile takes a list
        snakemake([*manifest["rebuild"], *args])
    # Unpacked after the rebuild, so that those jobs' logs, benchmarks, records and
    # histories (which hold their run time) and metadata are the saved ones.
    with tarfile.open(snapshot / ARCHIVE, "r:xz") as tar:
        tar.extractall(".", filter="data")  # keeps each file's modification time
    for path, record in manifest["rebuilt"].items():
        if not Path(path).is_file():
            raise ValueError(f"{path}: the workflow no longer writes this file")
        if sha256(Path(path)) != record["sha256"]:
            raise ValueError(
                f"{path} was rebuilt differently from the snapshot's (sha256 differs): the "
                "data mirror, the code or the machine's arithmetic changed, so the "
                "snapshot's finished jobs do not follow from it"
            )
        os.utime(path, (record["mtime"], record["mtime"]))
    planned = sorted(job.name for job in pending_jobs(args))
    if planned != manifest["pending"]:
        extra = sorted(set(planned) - set(manifest["pending"]))
        lost = sorted(set(manifest["pending"]) - set(planned))
        raise ValueError(
            "after the restore, Snakemake plans other jobs than were left: "
            f"{len(extra)} more ({'; '.join(extra[:5])}), {len(lost)} fewer "
            f"({'; '.join(lost[:5])}). Was the workflow or its configuration changed?"
        )
    end = datetime.now(UTC).replace(microsecond=0)
    row = {
        "restored": end.isoformat(),
        "saved": manifest.get("saved", ""),
        "saved_at_commit": manifest.get("commit", ""),
        "restored_at_commit": git_commit(Path.cwd()),
        "rebuilt_files": len(manifest["rebuilt"]),
        "jobs_left": len(manifest["pending"]),
        "seconds": int((end - start).total_seconds()),
    }
    restores = Path(tree_of(args)) / RESTORES
    earlier = pd.read_csv(restores) if restores.exists() else pd.DataFrame()
    write_csv(restores, pd.concat([earlier, pd.DataFrame([row])], ignore_index=True))
    return manifest


def main(argv: list[str] | None = None) -> None:
    parser = command_parser("noisefa_pipeline.snapshot", __doc__)
    parser.add_argument("action", choices=["save", "restore"])
    parser.add_argument("snapshot", type=Path, help="the snapshot's folder")
    parser.add_argument("snakemake_args", nargs="*", help="the run's Snakemake arguments")
    args = parser.parse_args(argv)
    if args.action == "save":
        manifest = save(args.snapshot, args.snakemake_args)
        size = (args.snapshot / ARCHIVE).stat().st_size
        log(
            f"saved {manifest['files']} files ({manifest['bytes_packed'] / 1e6:.1f} MB, "
            f"{size / 1e6:.1f} MB packed) to {args.snapshot}; left out "
            f"{len(manifest['rebuilt'])} files a restore rebuilds and "
            f"{manifest['left_out_weights']} weight files no unfinished job reads; "
            f"{len(manifest['pending'])} jobs to go"
        )
    else:
        manifest = restore(args.snapshot, args.snakemake_args)
        log(
            f"restored {manifest['files']} files from {args.snapshot} (saved "
            f"{manifest.get('saved', '?')} at {manifest.get('commit', '?')}); Snakemake "
            f"plans the {len(manifest['pending'])} jobs that were left"
        )


if __name__ == "__main__":
    run(main)
