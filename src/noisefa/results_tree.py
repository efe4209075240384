"""One results tree per configuration (pure Python: the Snakefile imports it first).

Each configuration writes into its own tree, `results/<name>/`, named after the config
files given on the command line (`--configfile config/presets/quick.yaml` ->
`results/quick`; several: `results/quick+offline`; none: `results/default`), or
given outright with `--config results=<folder>`. The tree records the configuration
it was made with in `configuration.json` (the merged config, its hash, the config files,
the commit); a run whose configuration hashes differently is refused before anything
is written, with the keys that differ and how to proceed. A key added to the schema
since the tree was made, at its default, does not make another configuration. The
report, the record and the cost model read the configuration from the tree, never from
their command line.

The hash leaves out what cannot change a number: where the data comes from (`data`:
mirrors, downloads; every file is checked against torchvision's MD5s), the tree's own
name, the shadow mode and where jobs compute (`compute`; the device is in every
run's summary).
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

from .code_version import code_hash, git_commit, listed, training_code
from .code_version import differences as code_differences
from .errors import ConfigError

ROOT = "results"
RECORD = "configuration.json"
# Keys that do not change what a run computes (see the module docstring).
UNHASHED = ("data", "results", "shadow", "compute")
ENV = "NOISEFA_RESULTS"  # the tree, for the processes a workflow starts
ACCEPT_CODE = "NOISEFA_ACCEPT_CODE_CHANGE"  # =1: grow a tree under edited training code


def code_change_accepted() -> bool:
    """Whether the user accepted other training code ($ACCEPT_CODE=1) for this run."""
    return os.environ.get(ACCEPT_CODE) == "1"


def now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def with_training_code(tree: str, record: dict) -> dict:
    """The record, checked against this checkout's training code (noisefa.code_version).

    Other training code is refused (ConfigError naming the files), unless $ACCEPT_CODE
    is 1: the change is then listed in the record's `code_changes`, for the record's
    provenance. A tree made before code was recorded gets today's, marked as such."""
    current = training_code()
    digest = code_hash(current)
    recorded = record.get("training_code")
    if recorded is None:
        return {**record, "training_code": {"hash": digest, "files": current,
                                            "recorded_since": now()}}  # fmt: skip
    edits = code_differences(recorded, current)
    if not edits:
        return record
    if not code_change_accepted():
        raise ConfigError(
            f"{tree} was made with other training code (hash {recorded['hash'][:12]}); "
            f"this checkout's is {digest[:12]}. The files that train networks "
            f"or make their data differ:{listed(edits)}\nNothing was "
            "written: networks from both versions would mix in one record. To proceed, "
            f"either write to a new tree (--config results=results/<new name>), or delete "
            f"{tree} (rm -r {tree}) and run again; or, if no edit can change a number (a "
            f"comment, a message), accept it: {ACCEPT_CODE}=1 make pipeline ... (the "
            f"change is then listed in {tree}/{RECORD} and in the record's provenance)."
        )
    change = {"accepted": now(), "from": recorded["hash"], "to": digest,
              "files": edits}  # fmt: skip
    return {
        **record,
        "training_code": {"hash": digest, "files": current},
        "code_changes": [*record.get("code_changes", []), change],
    }


def tree_name(configfiles: list[str | os.PathLike] | None) -> str:
    """`quick+offline` for `--configfile .../quick.yaml .../offline.yaml`; `default`
    for none. A file named config.yaml is named after its folder (`.test/config.yaml`:
    `test`)."""
    names = []
    for path in configfiles or []:
        path = Path(path)
        name = path.parent.name if path.stem == "config" else path.stem
        names.append(name.lstrip(".") or "config")
    return "+".join(names) or "default"


def tree_for(config: dict, configfiles: list[str | os.PathLike] | None) -> str:
    """The tree this configuration writes to: `config['results']` if set, else
    results/<tree_name>."""
    explicit = config.get("results")
    if explicit:
        return str(explicit).rstrip("/")
    return f"{ROOT}/{tree_name(configfiles)}"


def hashed_part(config: dict) -> dict:
    return {k: v for k, v in config.items() if k not in UNHASHED}


def config_hash(config: dict) -> str:
    """sha256 of the configuration's canonical JSON (keys sorted), less UNHASHED."""
    text = json.dumps(hashed_part(config), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def differences(old: dict, new: dict, where: str = "") -> list[str]:
    """'key.path: old -> new' for every leaf that differs."""
    if isinstance(old, dict) and isinstance(new, dict):
        found = []
        for key in sorted(set(old) | set(new), key=str):
            here = f"{where}.{key}" if where else str(key)
            if key not in old:
                found.append(f"{here}: (absent) -> {json.dumps(new[key], default=str)}")
            elif key not in new:
                found.append(f"{here}: {json.dumps(old[key], default=str)} -> (absent)")
            else:
                found += differences(old[key], new[key], here)
        return found
    if old != new:
        return [f"{where}: {json.dumps(old, default=str)} -> {json.dumps(new, default=str)}"]
    return []


def read_record(tree: str | os.PathLike) -> dict | None:
    """The tree's configuration record; None when the tree has none yet."""
    path = Path(tree) / RECORD
    if not path.is_file():
        return None
    try:
        record = json.loads(path.read_text())
        record["hash"], record["config"]  # noqa: B018  (both must be there)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(
            f"{path} is damaged ({type(exc).__name__}: {exc}); it records which "
            f"configuration made {tree}. Restore it, or delete {tree} to start afresh"
        ) from None
    return record


def mismatch_message(tree: str, record: dict, config: dict, configfiles: list) -> str:
    diff = differences(hashed_part(record["config"]), hashed_part(config))
    shown = diff[:12] + ([f"... and {len(diff) - 12} more"] if len(diff) > 12 else [])
    made_with = ", ".join(record.get("configfiles") or []) or "config/config.yaml alone"
    return (
        f"{tree} was made with another configuration (hash {record['hash'][:12]}, from "
        f"{made_with}); this run's is {config_hash(config)[:12]}. They differ in:\n  - "
        + "\n  - ".join(shown)
        + "\nNothing was written. To proceed, either write this configuration to its own "
        f"tree (--config results=results/<new name>), or, to replace {tree}, delete it "
        f"(rm -r {tree}) and run again."
    )


def check_or_record(
    tree: str,
    config: dict,
    configfiles: list | None,
    repo: Path,
    write: bool = True,
    with_defaults: Callable[[dict], dict] | None = None,
) -> dict:
    """The tree's record after checking `config` against it (ConfigError naming the keys
    that differ); a tree without one gets it now (when `write`).

    `with_defaults` fills today's schema defaults into a copy of a configuration: a tree
    made before a key existed, whose configuration with that key at its default is this
    run's, is the same configuration. Its record is brought up to date (when `write`);
    Snakemake reruns the jobs whose parameters the new key changed."""
    files = [str(f) for f in configfiles or []]
    record = read_record(tree)
    if record is not None:
        checked = with_training_code(tree, record)  # the same record when unchanged
        code_recorded, record = checked is not record, checked
        if record["hash"] == config_hash(config):
            if write and code_recorded:
                save_record(tree, record)
            return record
        grown = with_defaults(copy.deepcopy(record["config"])) if with_defaults else None
        if grown is None or config_hash(grown) != config_hash(config):
            raise ConfigError(mismatch_message(tree, record, config, files))
        added = differences(hashed_part(record["config"]), hashed_part(config))
        record = {
            **record,
            "hash": config_hash(config),
            "config": hashed_part(config),
            "keys_added": [*record.get("keys_added", []), *added],
        }
    else:
        record = {
            "hash": config_hash(config),
            "configfiles": files,
            "config": hashed_part(config),
            "created": now(),
            "commit": git_commit(repo),
            "training_code": {"hash": code_hash(current := training_code()), "files": current},
        }
    if write:
        save_record(tree, record)
    return record


def save_record(tree: str, record: dict) -> None:
    from .files import write_json  # numpy/pandas only when a record is written

    write_json(Path(tree) / RECORD, record)


def tree_config(tree: str | os.PathLike) -> dict:
    """The configuration a tree was made with (ConfigError if it has no record)."""
    record = read_record(tree)
    if record is None:
        raise ConfigError(
            f"{tree} holds no {RECORD}: it was not made by this version of the workflow, "
            "or no run has started there"
        )
    return record["config"]
