"""Which datasets a run can have, and what it leaves out without them (pure Python: the
Snakefile asks).

A dataset can be had when it is staged already, when a mirror holds both its splits, or
when it may be downloaded: `data.download: auto` (the default) detects that by opening
a connection to the dataset's download host (a few seconds at most, once per run), so
a machine without internet never tries. A dataset that cannot be had never fails a run
(unless `data.allow_missing: false`): the studies and Table S5 cells that need it are
left out, the run says so once at its start, naming the files to put in a mirror, and
the claims, report and record mark them "not run: <dataset> not available".
"""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path
from urllib.parse import urlparse

from .. import paths
from ..errors import ConfigError
from ..keys import configured, study
from .registry import DatasetInfo, get_dataset
from .sources import MIRROR_ENV, mirror_dirs

PROBE_TIMEOUT = 3.0  # seconds per host
PROBE_ENV = "NOISEFA_REACHABLE"  # {host: bool}, so processes a run starts ask no host again
# Studies that train a grid over several datasets: a missing one removes its cells only.
GRID_KEY = "datasets"


def download_hosts(info: DatasetInfo) -> list[str]:
    """Hosts torchvision downloads the dataset from (any one will do)."""
    cls, urls = info.tv_class, []
    if info.layout == "idx":
        urls = list(cls.mirrors)
    elif info.layout in ("cifar", "stl"):
        urls = [cls.url]
    elif info.layout == "usps":
        urls = [url for url, _, _ in cls.split_list.values()]
    return list(dict.fromkeys(urlparse(u).hostname for u in urls if urlparse(u).hostname))


def _probed() -> dict[str, bool]:
    try:
        return json.loads(os.environ.get(PROBE_ENV, "{}"))
    except ValueError:
        return {}


def reachable(host: str, port: int = 443) -> bool:
    """Whether a TCP connection to the host opens (cached for this process and its
    children in $NOISEFA_REACHABLE)."""
    known = _probed()
    if host not in known:
        try:
            socket.create_connection((host, port), timeout=PROBE_TIMEOUT).close()
            known[host] = True
        except OSError:  # no DNS, no route, refused, timed out
            known[host] = False
        os.environ[PROBE_ENV] = json.dumps(known)
    return known[host]


def can_download(config: dict, dataset: str) -> bool:
    setting = config["data"].get("download", "auto")
    if setting == "auto":
        return any(reachable(h) for h in download_hosts(get_dataset(dataset)))
    return bool(setting)


def available_offline(config: dict, dataset: str) -> bool:
    """Whether a dataset is staged already or both splits sit in a mirror (file names
    only; checksums are verified when it is staged)."""
    info = get_dataset(dataset)
    splits = info.used_splits
    if all(Path(paths.DATA, dataset, f"{split}.npz").is_file() for split in splits):
        return True

    def in_mirror(mirror: Path, split: str) -> bool:
        files = all((mirror / rel).is_file() for rel, _ in info.torchvision_files(split))
        archive = info.archive() is not None and (mirror / info.archive()[0]).is_file()
        return files or archive or (mirror / info.arrays_file(split)).is_file()

    mirrors = mirror_dirs(config["data"]["mirrors"])
    return any(all(in_mirror(m, s) for s in splits) for m in mirrors)


def files_to_mirror(dataset: str) -> str:
    """What to put in a mirror for the dataset, in words."""
    info = get_dataset(dataset)
    files = sorted({rel for s in info.used_splits for rel, _ in info.torchvision_files(s)})
    folders = {str(Path(f).parent) for f in files}
    if len(files) > 1 and len(folders) == 1:  # a folder of batches: name the folder
        files = [f"{folders.pop()}/ ({len(files)} files, as torchvision lays them out)"]
    elif len(files) > 1:
        files = [" + ".join(files)]
    options = files + ([info.archive()[0]] if info.archive() else [])
    splits = info.used_splits
    options.append(
        f"arrays/{dataset}-{splits[0]}.npz"
        if len(splits) == 1
        else f"arrays/{dataset}-{{{','.join(splits)}}}.npz"
    )
    return " or ".join(options)


def study_datasets(config: dict, name: str) -> list[str]:
    """Every dataset a study reads: its `dataset`, `datasets` and `tasks`, the
    out-of-distribution study's USPS, or those of the study whose networks it measures."""
    from ..studies import get_study  # the studies ask this module: import on use

    if source := get_study(name).source:
        return study_datasets(config, source) if source in config["studies"] else []
    cfg, found = study(config, name), []
    for key in ("dataset", "datasets", "tasks"):
        value = cfg.get(key, [])
        found += [value] if isinstance(value, str) else list(value)
    if name == "ood":
        found.append("usps")
    return list(dict.fromkeys(found))


def unavailable_datasets(config: dict) -> dict[str, str]:
    """{dataset: why} for every dataset an enabled study needs and this run cannot have."""
    needed = {
        d
        for name in config["studies"]
        if configured(config, name)
        for d in study_datasets(config, name)
    }
    missing = {}
    for dataset in sorted(needed):
        if available_offline(config, dataset) or can_download(config, dataset):
            continue
        where = ", ".join(map(str, mirror_dirs(config["data"]["mirrors"]))) or "no mirror set"
        how = (
            "downloads are off"
            if config["data"].get("download") is False
            else f"{' / '.join(download_hosts(get_dataset(dataset)))} unreachable"
        )
        missing[dataset] = f"not in a mirror ({where}) and {how}"
    return missing


def left_out(config: dict, missing: dict[str, str]) -> dict[str, list[str]]:
    """{study: [datasets]} the run leaves out: a grid study (`datasets`) loses the cells
    of a missing dataset, any other study is not run at all."""
    out = {}
    for name in config["studies"]:
        if not configured(config, name):
            continue
        lacking = [d for d in study_datasets(config, name) if d in missing]
        if lacking:
            out[name] = lacking
    return out


def missing_in_grid(config: dict, name: str) -> list[str]:
    """The datasets of a study that this run leaves out (for a grid: their cells)."""
    return list(config["data"].get("left_out", {}).get(name, []))


def not_available_reason(datasets: list[str]) -> str:
    titles = ", ".join(get_dataset(d).title for d in datasets)
    return f"not run: {titles} not available"


def _cells_only(config: dict, name: str, datasets: list[str]) -> bool:
    grid = study(config, name).get(GRID_KEY)
    return grid is not None and set(datasets) < set(grid)


def announcement(config: dict, missing: dict[str, str], out: dict[str, list[str]]) -> str:
    """The one message a run gives at its start about data it cannot have."""
    lines = ["Data not available here (the run goes on without it):"]
    for dataset, why in missing.items():
        lines.append(f"  - {get_dataset(dataset).title}: {why}.")
        lines.append(f"    To include it, put {files_to_mirror(dataset)}")
        lines.append(f"    in a mirror (config data.mirrors or ${MIRROR_ENV}).")
    whole = [name for name, datasets in out.items() if not _cells_only(config, name, datasets)]
    for name, datasets in out.items():
        if _cells_only(config, name, datasets):
            titles = ", ".join(get_dataset(d).title for d in datasets)
            lines.append(f"  Left out: the {titles} cells of {name}.")
    if whole:
        lines.append(f"  Left out, whole studies: {', '.join(whole)}.")
    return "\n".join(lines)


DECISION = "availability.json"  # in the results tree: what the main process decided


def decide(config: dict, tree: str, announce: bool, write: bool = False) -> dict:
    """{"unavailable": {dataset: why}, "left_out": {study: [datasets]}} for this run.

    The main process (`announce`) detects it and says so once; the processes it starts
    (cluster jobs) read what it wrote into the tree (`write_decision`, when the run
    starts), so they plan the same jobs."""
    path = Path(tree) / DECISION
    if not announce and path.is_file():
        return json.loads(path.read_text())
    missing = unavailable_datasets(config)
    if missing and not config["data"].get("allow_missing", True):
        raise ConfigError(
            "data.allow_missing is false and these datasets cannot be had: "
            + "; ".join(f"{get_dataset(d).title} ({why})" for d, why in missing.items())
            + ". Put them in a mirror: "
            + "; ".join(f"{get_dataset(d).title}: {files_to_mirror(d)}" for d in missing)
        )
    decision = {"unavailable": missing, "left_out": left_out(config, missing)}
    if announce and missing:
        print(announcement(config, missing, decision["left_out"]), file=sys.stderr)
    if write:
        write_decision(tree, decision)
    return decision


def write_decision(tree: str, decision: dict) -> None:
    from ..files import write_json

    write_json(Path(tree) / DECISION, decision)
