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
differs is an error that names it (weights that another CPU's arithmetic rebuilt
differently go through with $NOISEFA_ACCEPT_REBUILT_DIFFERENCES=1). Each restore adds a
row to <tree>/restores.csv (with the CPU and any such folders), which the record's
PROVENANCE.md lists.
SNAKEMAKE_ARGS are the run's own (its --workflow-profile and --configfile), as
`make snapshot` / `make restore` pass them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from noisefa import code_version, results_tree
from noisefa.cli.common import command_parser, log, run
from noisefa.files import WEIGHTS_LEFT_OUT, read_json, sha256, write_csv, write_json
from noisefa_pipeline.jobs import WEIGHTLESS_RULES, parse_blocks
from noisefa_pipeline.run import tree_of
from noisefa_pipeline.sessions import cpu_capability, git_commit

RESULTS = Path("results")  # every results tree (noisefa.results_tree)
METADATA = Path(".snakemake") / "metadata"
ARCHIVE = "results.tar.xz"
MANIFEST = "manifest.json"
RESTORES = "restores.csv"  # in the tree: one row per restore, read into the record's provenance
# =1: a restore goes on when noise pretrainings rebuild differently (another machine's
# arithmetic); the finished jobs keep their results and restores.csv lists the folders
ACCEPT_REBUILT = "NOISEFA_ACCEPT_REBUILT_DIFFERENCES"
REBUILT_BYTES = 1 << 20  # staged files this large are rebuilt, not packed
# Rules whose outputs a restore rebuilds rather than unpacks: no input but the data
# mirror, deterministic (tests/test_determinism.py), minutes for a whole paper-scale run.
REBUILT_RULES = ("stage_split", "stage_archive", "make_split", "make_ood_set", "pretrain_noise")


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
    """Pack the run into SNAPSHOT. The new snapshot is built beside it and swapped in
    whole: an interrupted save leaves the previous one as it was."""
    if any((Path(".snakemake") / "locks").glob("*")):
        raise ValueError(
            ".snakemake/locks is not empty: the run is still going (stop it first) or "
            "was killed (run `make pipeline` once to clear a stale lock)"
        )
    pending = pending_jobs(args)
    targets, files = rebuilt_outputs(every_job := pending_jobs(args, "--forceall"), pending)
    rebuilt = {
        path: {"sha256": sha256(Path(path)), "mtime": os.stat(path).st_mtime} for path in files
    }
    found = files_under(RESULTS)
    members = snapshot_members(found, pending, frozenset(rebuilt))
    unfinished = {f for job in pending for f in job.outputs}  # a rerun remakes all of it
    omitted = set(found) - set(members) - set(rebuilt)
    left_out = left_out_weights(
        sorted(p for p in omitted if p.endswith(".pt") and not _under(p, unfinished)), every_job
    )
    metadata = files_under(METADATA) if METADATA.is_dir() else []
    # Folders too, so that unpacking gives them back their times (a directory() output
    # is as old as its folder).
    folders = sorted({str(parent) for p in members for parent in Path(p).parents})
    building = snapshot.with_name(f".{snapshot.name}.saving")
    shutil.rmtree(building, ignore_errors=True)  # what an interrupted save left
    building.mkdir(parents=True)
    try:
        with tarfile.open(building / ARCHIVE, "w:xz") as tar:
            for path in [f for f in folders if f != "."] + members + metadata:
                tar.add(path, recursive=False)
        manifest = {
            "saved": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "commit": git_commit(Path.cwd()),
            "snakemake_args": args,  # for a reader; a restore takes its own
            "files": len(members),
            "bytes_packed": sum(os.path.getsize(p) for p in members + metadata),
            "left_out_weights": sum(len(files) for files in left_out.values()),
            # {folder a job makes: [its weight files left out]}: a restore marks each
            # folder, so that a job that needs them makes them again (WEIGHTS_LEFT_OUT)
            "weights_left_out": left_out,
            "training_code": (results_tree.read_record(tree_of(args)) or {}).get("training_code"),
            "archive_sha256": sha256(building / ARCHIVE),
            "pending": sorted(job.name for job in pending),
            "rebuild": targets,  # for a reader; a restore derives its own
            "rebuilt": rebuilt,
        }
        write_json(building / MANIFEST, manifest)
        swap_in(building, snapshot)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return manifest


def left_out_weights(weights: list[str], every_job: list[PendingJob]) -> dict[str, list[str]]:
    """{the job output (a folder) that holds them: the weight files} for weights a
    snapshot leaves out."""
    outputs = sorted({out for job in every_job for out in job.outputs}, key=len, reverse=True)
    found: dict[str, list[str]] = {}
    for path in weights:
        folder = next((out for out in outputs if _under(path, {out})), None)
        if folder is None:
            raise ValueError(f"{path}: no job of the workflow makes this weight file")
        if folder != path:  # a missing output file is planned again by Snakemake itself
            found.setdefault(folder, []).append(path)
    return found


def swap_in(new: Path, target: Path) -> None:
    """Replace the folder `target` by `new`; the old one is kept as .<name>.old until
    the new one is in place (an interruption in between leaves both, never neither)."""
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def read_manifest(snapshot: Path) -> dict:
    path = snapshot / MANIFEST
    if not path.is_file() or not (snapshot / ARCHIVE).is_file():
        old = snapshot.with_name(f".{snapshot.name}.old")
        hint = (
            f"; the previous snapshot is in {old} (a save was interrupted)" if old.is_dir() else ""
        )
        raise ValueError(f"{snapshot}: not a snapshot (needs {ARCHIVE} and {MANIFEST}){hint}")
    manifest = read_json(path)
    missing = {"archive_sha256", "pending", "rebuilt"} - set(manifest)
    if missing:
        raise ValueError(f"{path}: damaged manifest (no {', '.join(sorted(missing))})")
    if sha256(snapshot / ARCHIVE) != manifest["archive_sha256"]:
        raise ValueError(
            f"{snapshot / ARCHIVE} is not the archive {path} describes (sha256 differs): "
            "damaged, or one of the two was replaced without the other"
        )
    named = [*manifest["rebuilt"], *manifest.get("weights_left_out", {})]
    named += [f for files in manifest.get("weights_left_out", {}).values() for f in files]
    unsafe = [f for f in named if not _is_result_path(f)]
    if unsafe:
        raise ValueError(
            f"{path} names files outside results/ ({', '.join(unsafe[:5])}): a "
            "snapshot only carries results; nothing was written"
        )
    return manifest


def _is_result_path(name: str) -> bool:
    """A relative path inside results/ (no '..', not absolute, not an option)."""
    path = Path(name)
    return (
        not path.is_absolute()
        and ".." not in path.parts
        and len(path.parts) > 1
        and path.parts[0] == str(RESULTS)
    )


def checked_members(tar: tarfile.TarFile, snapshot: Path) -> list[tarfile.TarInfo]:
    """The archive's members, each a regular file or folder under results/ or
    .snakemake/metadata/; anything else (code, links, devices, paths that leave the
    checkout) refuses the whole snapshot before anything is written."""
    bad = []
    members = tar.getmembers()
    for member in members:
        path = Path(member.name)
        inside = (
            not path.is_absolute()
            and ".." not in path.parts
            and (path.parts[:1] == RESULTS.parts or path.parts[:2] == METADATA.parts)
        )
        if not inside or not (member.isfile() or member.isdir()):
            kind = "file" if member.isfile() else "folder" if member.isdir() else "link or device"
            bad.append(f"{member.name} ({kind})")
    if bad:
        raise ValueError(
            f"{snapshot / ARCHIVE} holds {len(bad)} members that are not results: "
            f"{', '.join(bad[:5])}{' ...' if len(bad) > 5 else ''}. A snapshot carries only "
            f"regular files under {RESULTS}/ and {METADATA}/ (data, never code); nothing "
            "was written"
        )
    return members


def rebuild_targets(every_job: list[PendingJob], rebuilt: dict) -> list[str]:
    """The Snakemake targets that make the files a snapshot left out, from this
    checkout's own plan (a manifest carries data, never arguments): each output of a
    rebuilt rule that is, or holds, one of those files."""
    wanted = set(rebuilt)
    targets = []
    for job in every_job:
        if job.rule not in REBUILT_RULES:
            continue
        for out in job.outputs:
            if out in wanted or any(_under(f, {out}) for f in wanted):
                targets.append(out)
    return sorted(set(targets))


def restore(snapshot: Path, args: list[str]) -> dict:
    """Unpack SNAPSHOT into this checkout: all of it, or (on any error) nothing."""
    manifest = read_manifest(snapshot)
    check_code(manifest, snapshot)
    if RESULTS.exists() and any(RESULTS.iterdir()):
        raise ValueError(
            f"{RESULTS}/ is not empty: restore into a checkout without results (a failed "
            f"restore leaves none behind, so this {RESULTS}/ holds another run: move it "
            "away first)"
        )
    with tarfile.open(snapshot / ARCHIVE, "r:xz") as tar:
        members = checked_members(tar, snapshot)
    metadata_before = set(files_under(METADATA)) if METADATA.is_dir() else set()
    staging = Path(f".snapshot-restore.{os.getpid()}")
    start = datetime.now(UTC).replace(microsecond=0)
    try:
        targets = rebuild_targets(pending_jobs(args, "--forceall"), manifest["rebuilt"])
        if targets:  # targets first: --configfile takes a list
            snakemake([*targets, *args])
        # Unpacked after the rebuild, so that those jobs' logs, benchmarks, records and
        # histories (which hold their run time) and metadata are the saved ones; staged
        # first, then moved into place.
        with tarfile.open(snapshot / ARCHIVE, "r:xz") as tar:
            tar.extractall(staging, members=members, filter="data")  # keeps mtimes
        move_into_place(staging, members)
        mark_left_out(manifest.get("weights_left_out", {}), manifest.get("saved", ""))
        differ = check_rebuilt(manifest["rebuilt"], targets)
        check_plan(manifest["pending"], args)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(RESULTS, ignore_errors=True)  # it was empty: leave no trace
        added = (set(files_under(METADATA)) if METADATA.is_dir() else set()) - metadata_before
        for path in added:
            Path(path).unlink(missing_ok=True)
        raise
    shutil.rmtree(staging, ignore_errors=True)
    end = datetime.now(UTC).replace(microsecond=0)
    row = {
        "restored": end.isoformat(),
        "saved": manifest.get("saved", ""),
        "saved_at_commit": manifest.get("commit", ""),
        "restored_at_commit": git_commit(Path.cwd()),
        "rebuilt_files": len(manifest["rebuilt"]),
        "cpu": cpu_capability(),
        "rebuilt_differently": ";".join(differ),
        "jobs_left": len(manifest["pending"]),
        "seconds": int((end - start).total_seconds()),
    }
    restores = Path(tree_of(args)) / RESTORES
    earlier = pd.read_csv(restores) if restores.exists() else pd.DataFrame()
    write_csv(restores, pd.concat([earlier, pd.DataFrame([row])], ignore_index=True))
    return manifest


def move_into_place(staging: Path, members: list[tarfile.TarInfo]) -> None:
    """Move the staged files to where they belong, then give folders their saved times
    (moving files into a folder touches it)."""
    for member in members:
        if member.isfile():
            target = Path(member.name)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / member.name, target)
    for member in members:
        if member.isdir():
            Path(member.name).mkdir(parents=True, exist_ok=True)
    for member in sorted((m for m in members if m.isdir()), key=lambda m: -len(m.name)):
        os.utime(member.name, (member.mtime, member.mtime))


def check_code(manifest: dict, snapshot: Path) -> None:
    """Refuse a snapshot made by other training code (noisefa.code_version), naming the
    files, before anything is written; unless the change is accepted."""
    recorded = manifest.get("training_code")
    if recorded is None:
        log(f"{snapshot} was saved before results recorded their code: not checked")
        return
    edits = code_version.differences(recorded)
    if edits and not results_tree.code_change_accepted():
        raise ValueError(
            f"{snapshot} was saved from results made by other training code (hash "
            f"{recorded['hash'][:12]}, commit {manifest.get('commit', '?')[:12]}) than this "
            f"checkout's; the files that train networks or make their data differ:"
            f"{code_version.listed(edits)}\nNothing was written. Restore it in a checkout of "
            f"that commit (git switch --detach {manifest.get('commit', '<commit>')}); or, if "
            f"no edit can change a number, accept it: {results_tree.ACCEPT_CODE}=1 make "
            "restore ... (the run then lists the change in its provenance)"
        )


def mark_left_out(left_out: dict[str, list[str]], saved: str) -> None:
    """A WEIGHTS_LEFT_OUT file in each folder whose weights the snapshot left out, as
    old as the folder (so that Snakemake still finds its job done): the run wrapper and
    the error for a missing checkpoint read it."""
    for folder, files in left_out.items():  # paths checked by read_manifest
        path = Path(folder)
        if not path.is_dir():
            continue  # the job is unfinished: it is planned anyway
        when = path.stat().st_mtime
        marker = path / WEIGHTS_LEFT_OUT
        write_json(marker, {"saved": saved, "files": files})
        for touched in (marker, path):
            os.utime(touched, (when, when))


def check_rebuilt(rebuilt: dict, targets: list[str]) -> list[str]:
    """Check the rebuilt files against the saved checksums and give them the saved times;
    returns the rebuilt folders (of `targets`) holding weights rebuilt differently, which
    only $ACCEPT_REBUILT=1 lets by."""
    differ = []
    for path, record in rebuilt.items():
        if not Path(path).is_file():
            raise ValueError(f"{path}: the workflow no longer writes this file")
        if sha256(Path(path)) != record["sha256"]:
            if not path.endswith(".pt"):  # staged data: the finished jobs read other data
                raise ValueError(
                    f"{path} was rebuilt differently from the snapshot's (sha256 differs): "
                    "the data mirror or the code that stages it changed, so the "
                    "snapshot's finished jobs do not follow from it"
                )
            differ.append(path)
        os.utime(path, (record["mtime"], record["mtime"]))
    folders = sorted({t for t in targets if any(_under(p, {t}) for p in differ)})
    if differ and os.environ.get(ACCEPT_REBUILT) != "1":
        raise ValueError(
            f"{len(differ)} weight files were rebuilt differently from the snapshot's "
            f"(sha256 differs), in {'; '.join(folders)}: this machine's arithmetic "
            f"({cpu_capability()}) is not the one that saved the snapshot, so the "
            "finished jobs that read them did not read these. Restore on a machine like the "
            f"one that saved it; or accept it: {ACCEPT_REBUILT}=1 make restore ... (the "
            "finished jobs keep their results, the unfinished ones read this machine's "
            f"weights, and {RESTORES} lists the folders)"
        )
    for folder in folders:
        log(f"accepted: {folder} differs from the snapshot's ({ACCEPT_REBUILT}=1)")
    return folders


def check_plan(pending: list[str], args: list[str]) -> None:
    planned = sorted(job.name for job in pending_jobs(args))
    if planned != pending:
        extra = sorted(set(planned) - set(pending))
        lost = sorted(set(pending) - set(planned))
        raise ValueError(
            "after the restore, Snakemake plans other jobs than were left: "
            f"{len(extra)} more ({'; '.join(extra[:5])}), {len(lost)} fewer "
            f"({'; '.join(lost[:5])}). Was the workflow or its configuration changed? "
            "Nothing was kept; the restore can be retried"
        )


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
