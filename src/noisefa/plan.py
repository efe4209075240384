"""From a validated config to the jobs and files of the workflow (pure Python, no torch).

The Snakefile asks this module which networks a study trains, with which settings,
from which noise pretraining, and where their files live. What is specific to a study
comes from its declaration (`noisefa.studies`); the job values themselves
(`RunKey`, `PretrainKey`, `RunSettings`) are in `noisefa.keys`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import replace

from . import paths
from .catalogue import FIGURES
from .keys import (  # noqa: F401  (re-exported: the rules and tests ask plan)
    BASE,
    PretrainKey,
    RunKey,
    RunSettings,
    dims,
    enabled,
    noise_for,
    seeds,
    study,
)
from .learning.methods import METHODS
from .naming import format_number
from .studies import get_study
from .studies.benchmark import missing_datasets  # noqa: F401

RESULTS = paths.RESULTS
DATA_DIR = paths.DATA


# Snakemake asks about every job (its inputs, params, resources), and each answer needs
# the whole plan: computed once per configuration, not once per job (DAG building stays
# linear in the jobs; benchmarks/bench_dag.py).
_PLANS: dict[tuple, object] = {}


def _cached(what: str, config: dict, compute: Callable[[], object]):
    """`compute()` for this configuration's content (a mutated config is another)."""
    key = (what, json.dumps(config, sort_keys=True, default=str))
    if key not in _PLANS:
        if len(_PLANS) > 512:  # tests build many configurations
            _PLANS.clear()
        _PLANS[key] = compute()
    return _PLANS[key]


def enabled_studies(config: dict) -> list[str]:
    return [name for name in config["studies"] if enabled(config, name)]


def network_counts(config: dict) -> dict[str, int]:
    """Networks (noise_conditions: trials) per enabled study that trains its own."""
    counts = {}
    for name in enabled_studies(config):
        cfg = study(config, name)
        for key in ("networks", "trials"):
            if key in cfg:
                counts[name] = int(cfg[key])
    return counts


# -- the networks each study trains and reads --------------------------------------------


def run_keys(config: dict, name: str) -> list[RunKey]:
    """Every network a study trains (empty for studies that train none)."""
    if name not in config["studies"]:
        return []
    return list(_cached(f"runs {name}", config, lambda: tuple(get_study(name).runs(config))))


def run_settings(config: dict, key: RunKey) -> RunSettings:
    return get_study(key.study).settings(config, key)


def conditions(config: dict, name: str) -> dict[tuple, list[RunKey]]:
    """A study's networks grouped by condition (same dataset, depth and variant)."""
    grouped: dict[tuple, list[RunKey]] = {}
    for key in run_keys(config, name):
        grouped.setdefault(key.condition, []).append(key)
    return grouped


def group_runs(config: dict, study: str, dataset: str, depth: int, variant: str, method: str):
    """The networks of one training job (`paths.RUN_GROUP`): one per seed, in seed order."""

    def index() -> dict:
        groups: dict[tuple, list[RunKey]] = {}
        for k in run_keys(config, study):
            groups.setdefault((*k.condition, k.method), []).append(k)
        return {g: tuple(sorted(ks, key=lambda k: k.seed)) for g, ks in groups.items()}

    groups = _cached(f"groups {study}", config, index)
    return list(groups.get((study, dataset, int(depth), variant, method), ()))


def group_settings(config: dict, keys: list[RunKey]) -> RunSettings:
    """The settings the networks of one training job share (all but their pretraining)."""
    if not keys:
        raise ValueError("a training job needs at least one network")
    found = {replace(run_settings(config, k), pretrain=None) for k in keys}
    if len(found) != 1:
        raise ValueError(
            f"the networks of {keys[0].group_path} differ in settings beyond their seed: "
            f"{sorted(map(str, found))}"
        )
    return found.pop()


def trained_together(key: RunKey) -> bool:
    """Whether a training job of its method's group writes it (else another rule does,
    as for fa_then_noise)."""
    return key.method in METHODS


def run_inputs(keys: list[RunKey]) -> list[str]:
    """What a job reading these networks declares: the group folders that training jobs
    write, or the summary of a network another rule writes."""
    files = (k.group_path if trained_together(k) else f"{k.path}/summary.json" for k in keys)
    return list(dict.fromkeys(files))


def study_runs(config: dict, name: str) -> list[RunKey]:
    """Trained networks a study analyses: its own, or another study's."""
    return get_study(name).analysed_runs(config)


def study_pretrains(config: dict, name: str) -> list[PretrainKey]:
    """Noise pretrainings a study reads: its own, plus those its networks start from."""

    def compute() -> tuple:
        keys = list(get_study(name).pretrains(config))
        for key in run_keys(config, name):
            if pretrain := run_settings(config, key).pretrain:
                keys.append(pretrain)
        return tuple(dict.fromkeys(keys))

    return list(_cached(f"pretrains {name}", config, compute))


def pretrain_group(config: dict, dims_tag: str, init: str, noise: str) -> list[PretrainKey]:
    """The pretrainings of one pretrain_noise job (`paths.PRETRAIN_GROUP`): every seed
    that an enabled study needs of this architecture, initialisation and noise."""

    def index() -> dict:
        groups: dict[tuple, set[PretrainKey]] = {}
        for name in enabled_studies(config):
            for key in study_pretrains(config, name):
                fields = key.fields
                groups.setdefault((fields["dims"], fields["init"], fields["noise"]), set()).add(key)
        return {g: tuple(sorted(ks, key=lambda k: k.seed)) for g, ks in groups.items()}

    return list(_cached("pretrain groups", config, index).get((dims_tag, init, noise), ()))


def pretrain_inputs(keys: list[PretrainKey]) -> list[str]:
    """What a job reading these pretrainings declares: their group folders."""
    return list(dict.fromkeys(k.group_path for k in keys))


def study_job_outputs(config: dict, name: str) -> list[str]:
    """Other per-job files a study's evaluation gathers."""
    return get_study(name).extra(config)


def evaluation_data(config: dict, name: str) -> list[str]:
    """Staged data files a study's evaluation reads."""
    return get_study(name).data(config)


def figure_params(config: dict, figure: str) -> dict:
    """Study settings a figure needs beyond the collected tables."""
    return get_study(FIGURES[figure].study).figure_params(config)


def coverage_note(config: dict, paper: dict, figure: str) -> str:
    """What the figure's panels leave out that the paper-scale config (`paper`) runs:
    'Not run here: depths 6, 7; 3 networks per condition (paper scale: 10)'."""
    spec = FIGURES[figure]
    mine, full = study(config, spec.study), paper["studies"].get(spec.study, {})
    missing = []
    for key in spec.conditions:
        values = mine.get(key, [])
        left_out = [v for v in full.get(key, []) if v not in values]
        if left_out:
            names = [format_number(v) if isinstance(v, float) else str(v) for v in left_out]
            if len(names) > 6:  # a footnote, not a table
                names = [*names[:5], f"... ({len(names)} values)"]
            missing.append(f"{key.replace('_', ' ')} {', '.join(names)}")
    for key in ("networks", "trials"):
        if spec.uses_runs and key in mine and key in full and mine[key] < full[key]:
            missing.append(f"{mine[key]} {key} per condition (paper scale: {full[key]})")
    return f"Not run here: {'; '.join(missing)}" if missing else ""


# -- final targets ----------------------------------------------------------------------


def figure_targets(config: dict) -> list[str]:
    return [
        f"{RESULTS}/figures/{fig}.{ext}"
        for fig, spec in FIGURES.items()
        if enabled(config, spec.study) and spec.applies(config)
        for ext in ("png", "pdf")
    ]


def figure_groups(config: dict) -> dict[str, list[str]]:
    """Target names for one panel (`fig2b`) or one paper figure (`fig2`: every panel
    of Fig 2 this configuration draws), each with its files."""
    groups: dict[str, list[str]] = {}
    for path in figure_targets(config):
        panel = path.rsplit("/", 1)[1].rsplit(".", 1)[0]
        groups.setdefault(panel, []).append(path)
        number = re.match(r"(fig(?:S)?\d+)", panel)
        if number and number.group(1) != panel:
            groups.setdefault(number.group(1), []).append(path)
    return groups


def study_targets(config: dict, name: str) -> list[str]:
    """Everything one study makes: its figures, statistics and tables."""
    if not enabled(config, name):
        return []
    figures = [
        f"{RESULTS}/figures/{fig}.{ext}"
        for fig, spec in FIGURES.items()
        if spec.study == name and spec.applies(config)
        for ext in ("png", "pdf")
    ]
    stats = [t for t in stats_targets(config) if t.endswith(f"/{name}.csv")]
    return figures + stats + get_study(name).tables(config)


def stats_targets(config: dict) -> list[str]:
    """Statistics for every enabled study that has run-based figures."""
    with_runs = {f.study for f in FIGURES.values() if f.uses_runs}
    return [f"{RESULTS}/stats/{name}.csv" for name in enabled_studies(config) if name in with_runs]


def table_targets(config: dict) -> list[str]:
    return [t for name in enabled_studies(config) for t in get_study(name).tables(config)]


# -- checks the schema cannot express ---------------------------------------------------


def config_problems(config: dict) -> list[str]:
    """Cross-field inconsistencies, each named by its keys (empty when the config is sound)."""
    problems = []
    studies, pre = config["studies"], config["pretraining"]
    batch = config["training"]["batch_size"]
    for name, cfg in studies.items():
        if not enabled(config, name):
            continue
        train_size = cfg.get("train_size")
        batches = [batch] + list(cfg.get("batch_sizes", []))
        if train_size is not None and max(batches) > train_size:
            problems.append(
                f"studies.{name}: batch size {max(batches)} is larger than train_size {train_size}"
            )
        sizes = cfg.get("train_sizes", [])
        if sizes and batch > min(sizes):
            problems.append(
                f"studies.{name}: batch size {batch} is larger than train size {min(sizes)}"
            )
        probe = cfg.get("alignment_probe")
        if probe is not None and train_size is not None and probe > train_size:
            problems.append(
                f"studies.{name}: alignment_probe {probe} is larger than train_size "
                f"{train_size} (the probe is that many of the training images)"
            )
        samples = cfg.get("noise_samples", pre["samples"])
        if samples < pre["batch_size"]:
            problems.append(
                f"studies.{name}: {samples} noise samples make no batch of {pre['batch_size']}"
            )
    for name in enabled_studies(config):
        problems += get_study(name).problems(config)
    return problems + naming_problems(config)


def _exact_in_names(value: float) -> bool:
    return float(format_number(value)) == float(value)


def naming_problems(config: dict) -> list[str]:
    """Settings that result paths encode must survive the encoding: distinct values get
    distinct names, and the value read back from a name is the value configured."""
    problems, pre = [], config["pretraining"]
    for key in ("mean", "std"):
        if not _exact_in_names(pre[key]):
            problems.append(
                f"pretraining.{key} = {pre[key]!r} has more digits than result names keep "
                f"({format_number(pre[key])}); round it"
            )
    for name, cfg in config["studies"].items():
        if not enabled(config, name):
            continue
        fraction = cfg.get("val_fraction")
        if fraction is not None and not math.isclose(fraction * 100, round(fraction * 100)):
            problems.append(
                f"studies.{name}.val_fraction = {fraction!r} is not a whole percentage; split "
                f"names keep whole percents (it would become {round(fraction * 100)}%)"
            )
        for key in ("lrs", "stds"):
            values = cfg.get(key, [])
            inexact = [v for v in values if not _exact_in_names(v)]
            if inexact:
                problems.append(
                    f"studies.{name}.{key}: {inexact} have more digits than result names keep"
                )
            names = [format_number(v) for v in values]
            if len(set(names)) < len(names):
                problems.append(
                    f"studies.{name}.{key}: distinct values share a result name ({names})"
                )
    return problems


def type_problems(config: dict, schema: dict) -> list[str]:
    """What JSON Schema lets through but the code cannot honour: 3.0 where a count is
    meant (draft 2020-12 calls it an integer), NaN and infinities (they pass bounds)."""
    defs = schema.get("$defs", {})
    problems: list[str] = []

    def resolve(node: dict) -> dict:
        while "$ref" in node:
            ref = node["$ref"].removeprefix("#/$defs/")
            node = {**defs[ref], **{k: v for k, v in node.items() if k != "$ref"}}
        return node

    def walk(value, node: dict, where: str) -> None:
        node = resolve(node)
        types = node.get("type", [])
        types = [types] if isinstance(types, str) else types
        if isinstance(value, float):
            if not math.isfinite(value):
                problems.append(f"{where} = {value} is not a finite number")
            elif "integer" in types and "number" not in types:
                problems.append(
                    f"{where} = {value!r} must be a whole number: write {int(value)}, "
                    "without a decimal point"
                )
        elif isinstance(value, dict):
            for key, sub in value.items():
                if key in node.get("properties", {}):
                    walk(sub, node["properties"][key], f"{where}.{key}" if where else key)
        elif isinstance(value, list) and "items" in node:
            for i, sub in enumerate(value):
                walk(sub, node["items"], f"{where}[{i}]")

    walk(config, schema, "")
    return problems


# -- how many jobs a configuration plans -------------------------------------------------


def training_jobs(config: dict) -> dict[str, int]:
    """Training jobs per enabled study (one per method and condition)."""
    counts = {}
    for name in enabled_studies(config):
        groups = {(*k.condition, k.method) for k in run_keys(config, name)}
        if groups:
            counts[name] = len(groups)
    return counts


def pretraining_jobs(config: dict) -> int:
    groups = {
        (k.fields["dims"], k.fields["init"], k.fields["noise"])
        for name in enabled_studies(config)
        for k in study_pretrains(config, name)
    }
    return len(groups)


def job_bound_problem(config: dict) -> str | None:
    """A refusal naming what multiplies the jobs, when more than compute.max_jobs are
    planned; None when within it."""
    limit = config.get("compute", {}).get("max_jobs", 5000)
    per_study = training_jobs(config)
    total = sum(per_study.values()) + pretraining_jobs(config)
    if total <= limit:
        return None
    lines = []
    for name, count in sorted(per_study.items(), key=lambda x: -x[1])[:3]:
        keys = run_keys(config, name)
        axes = {
            "datasets": len({k.dataset for k in keys}),
            "depths": len({k.depth for k in keys}),
            "conditions (variants)": len({k.variant for k in keys}),
            "methods": len({k.method for k in keys}),
        }
        product = " x ".join(f"{n} {axis}" for axis, n in axes.items())
        lines.append(f"studies.{name}: {product} = {count} training jobs")
    return (
        f"this configuration plans {total} training and pretraining jobs, more than "
        f"compute.max_jobs ({limit}). What multiplies them:\n  - "
        + "\n  - ".join(lines)
        + "\nShorten those lists (a study's conditions come from its lists of settings, "
        "sizes or rates), or raise compute.max_jobs if this many is meant."
    )
