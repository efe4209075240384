import copy
import json
import os
import shlex
import sys
from pathlib import Path

import yaml

from snakemake.settings.types import DeploymentMethod
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate


def prepend_to_env(name, value):
    """Put `value` first in a path-list variable that jobs inherit (never required)."""
    current = os.environ.get(name, "")
    os.environ.update({name: os.pathsep.join(p for p in (value, current) if p)})


# The workflow's own folder: this file is workflow/rules/common.smk. (workflow.basedir
# is the *including* workflow's folder when this one is used as a Snakemake module.)
BASEDIR = Path(workflow.current_basedir).parent.parent
# The workflow's own package, whatever environment runs the jobs.
SRC = str(BASEDIR / "src")
sys.path.insert(0, SRC)
prepend_to_env("PYTHONPATH", SRC)

from noisefa import results_tree  # noqa: E402

# This configuration's results tree (results/<presets>), set before noisefa.paths is
# imported: every path below is under it, and the jobs inherit it.
TREE = results_tree.tree_for(config, workflow.overwrite_configfiles)
os.environ[results_tree.ENV] = TREE
config["results"] = TREE  # the report's text includes the tree's claims from here

from noisefa import cost, gpus, paths, plan  # noqa: E402
from noisefa.captions import render_caption  # noqa: E402
from noisefa.catalogue import EVALUATED, FIGURES, SECTIONS  # noqa: E402
from noisefa.data import availability  # noqa: E402
from noisefa.data.ood import OOD_SETS  # noqa: E402
from noisefa.errors import ConfigError  # noqa: E402
from noisefa.studies import STUDIES, get_study  # noqa: E402
from noisefa.data.registry import DATASETS  # noqa: E402
from noisefa.learning.methods import DECAYING_RULES, METHODS  # noqa: E402
from noisefa.studies.benchmark import TABLES  # noqa: E402
from noisefa.naming import (  # noqa: E402
    INIT_SCHEMES,
    PRETRAINING_TAG_PATTERN,
    split_pretraining_tag,
)
from noisefa.data.splits import TAG_PATTERN as SPLIT_TAG_PATTERN  # noqa: E402

SCHEMA = BASEDIR / "workflow/schemas/config.schema.yaml"
# The paper-scale configuration, to name what a smaller run leaves out of each figure.
PAPER_SCALE = yaml.safe_load((BASEDIR / "config/config.yaml").read_text())
validate(config, schema=str(SCHEMA), set_default=True)
if problems := plan.type_problems(config, yaml.safe_load(SCHEMA.read_text())):
    raise WorkflowError("The configuration is invalid:\n  - " + "\n  - ".join(problems))
if problems := plan.config_problems(config):
    raise WorkflowError(
        "The configuration is inconsistent:\n  - " + "\n  - ".join(problems)
    )
if too_many := plan.job_bound_problem(config):
    raise WorkflowError(too_many)
# The main process checks the configuration against its tree's record (or writes it)
# and decides which datasets the run can have; the jobs it starts read that decision,
# so a compute node without internet plans exactly the same jobs.
# Both are written when the run starts (onstart, in the Snakefile): a dry run or a lint
# leaves no tree behind, unless $NOISEFA_RECORD_TREE asks (noisefa_pipeline.run prices
# the plan from the record its dry run leaves).
RECORD_NOW = bool(os.environ.get("NOISEFA_RECORD_TREE"))


def with_schema_defaults(recorded):
    """A tree's recorded configuration with today's schema defaults filled in (None if
    it no longer validates); the keys the record leaves out are this run's."""
    unrecorded = {k: config[k] for k in results_tree.UNHASHED if k in config}
    grown = {**copy.deepcopy(unrecorded), **recorded}
    # a study added since: an empty block, which the schema fills with its defaults
    studies = yaml.safe_load(SCHEMA.read_text())["properties"]["studies"]["properties"]
    for name in studies:
        grown.setdefault("studies", {}).setdefault(name, {})
    try:
        validate(grown, schema=str(SCHEMA), set_default=True)
    except WorkflowError:
        return None
    return grown


try:
    if workflow.is_main_process:
        results_tree.check_or_record(
            TREE,
            config,
            workflow.overwrite_configfiles,
            BASEDIR,
            write=RECORD_NOW,
            with_defaults=with_schema_defaults,
        )
    DATA_DECISION = availability.decide(
        config, TREE, announce=workflow.is_main_process, write=RECORD_NOW
    )
except ConfigError as error:
    raise WorkflowError(str(error)) from None
config["data"].update(DATA_DECISION)


def record_tree():
    """Write the tree's configuration record and data decision (the run is starting)."""
    results_tree.check_or_record(
        TREE,
        config,
        workflow.overwrite_configfiles,
        BASEDIR,
        with_defaults=with_schema_defaults,
    )
    availability.write_decision(TREE, DATA_DECISION)


# This machine's cost-model calibration (noisefa.calibration), else the reference one
# measured on this project's 2-core machine: cluster time limits are sized from it.
CALIBRATION = cost.load_calibration() or cost.REFERENCE

# Jobs call `python`: the interpreter running Snakemake (so a venv need not be
# activated), or with --sdm conda the environment's own, which conda puts first.
if DeploymentMethod.CONDA not in workflow.deployment_settings.deployment_method:
    prepend_to_env("PATH", os.path.dirname(sys.executable))
CONDA_ENV = "../../envs/noisefa.yaml"
# Shadow folders holding only declared inputs (config `shadow`); staging is exempt: it
# reads the data mirrors and downloads, which are outside the workflow by design.
SHADOW = config["shadow"]
DATA = plan.DATA_DIR
RESULTS = plan.RESULTS


wildcard_constraints:
    dataset="|".join(DATASETS),
    split="train|test",
    split_tag=SPLIT_TAG_PATTERN,
    dims=r"\d+(x\d+)+",
    noise=PRETRAINING_TAG_PATTERN,
    seed=r"\d+",
    depth=r"\d+",
    variant=r"[A-Za-z0-9._+-]+",
    init="|".join(INIT_SCHEMES),
    method="|".join(METHODS),
    study="|".join(STUDIES),
    figure="|".join(FIGURES),
    ood_set="|".join(OOD_SETS),
    table="|".join(TABLES),


def data_root(staged_file):
    """The data folder (results/data) of a staged file results/data/<dataset>/<file>."""
    return str(Path(staged_file).parent.parent)


def get_final_outputs():
    return (
        plan.figure_targets(config)
        + plan.stats_targets(config)
        + plan.table_targets(config)
        + [f"{RESULTS}/claims.md", f"{RESULTS}/README.md"]
    )


def download_flag(wildcards):
    """Whether a staging job may download its dataset (data.download, or detected)."""
    if availability.can_download(config, wildcards.dataset):
        return "--download"
    return "--no-download"


def mirror_args():
    return " ".join(f"--mirror {shlex.quote(m)}" for m in config["data"]["mirrors"])


def group_keys(wildcards):
    """The networks of one train_networks job, in seed order."""
    return plan.group_runs(
        config,
        wildcards.study,
        wildcards.dataset,
        int(wildcards.depth),
        wildcards.variant,
        wildcards.method,
    )


def group_settings(wildcards):
    return plan.group_settings(config, group_keys(wildcards))


def group_pretrains(wildcards):
    """The noise pretraining each network of a train_networks job starts from, in seed
    order ([] for methods that start fresh)."""
    found = [plan.run_settings(config, k).pretrain for k in group_keys(wildcards)]
    return [p for p in found if p]


def get_pretrained_models(wildcards):
    """The pretrain_noise folders those pretrainings are in."""
    return plan.pretrain_inputs(group_pretrains(wildcards))


def get_group_split(wildcards):
    return f"{DATA}/{wildcards.dataset}/splits/{group_settings(wildcards).split}.npz"


def study_run_folders(wildcards):
    """Every network folder a study analyses (for the CLIs: not declared files)."""
    return [key.path for key in plan.study_runs(config, wildcards.study)]


def get_study_run_inputs(wildcards):
    """What a job reading a study's networks declares (plan.run_inputs)."""
    return plan.run_inputs(plan.study_runs(config, wildcards.study))


def sibling_files(summaries, names):
    """Files a job writes beside its summary.json, as declared inputs of a reader."""
    return [str(Path(s).parent / name) for s in summaries for name in names]


def declared_summaries(files):
    """The summary.json files among a reader's inputs (the others are group folders)."""
    return [f for f in files if f.endswith("summary.json")]


def get_collected_files(wildcards):
    """The histories and angle tables that collection reads beside each summary (those
    in group folders come with the folder)."""
    summaries = declared_summaries(get_study_run_inputs(wildcards))
    return sibling_files(summaries, ("history.csv", "angles.csv"))


def get_collected_tables(study):
    """Every table of a study's collected folder (runs.csv first): what its statistics
    and figures may read."""
    return [
        f"{RESULTS}/collected/{study}/{prefix}{table}.csv"
        for prefix in ("", "pretrain_")
        for table in ("runs", "histories", "angles")
    ]


def get_evaluation_inputs(wildcards):
    """Everything a study's evaluation reads: runs, pretrainings, other jobs, data."""
    study = wildcards.study
    inputs = {
        "runs": get_study_run_inputs(wildcards),
        "pretrains": get_study_pretrain_inputs(wildcards),
        "jobs": plan.study_job_outputs(config, study),
    }
    folders = declared_summaries(inputs["runs"])
    if get_study(study).extra_are_jobs:
        folders += inputs["jobs"]
    inputs["checkpoints"] = sibling_files(folders, ("model.pt", "snapshots.pt"))
    inputs["data"] = plan.evaluation_data(config, study)
    return inputs


def evaluation_arguments(wildcards, input):
    """The evaluate CLI's arguments: job folders (or tables) and the data folder."""
    folder = lambda files: [str(Path(f).parent) for f in files]  # noqa: E731
    args = ["--runs", *study_run_folders(wildcards)]
    args += ["--pretrains", *study_pretrain_folders(wildcards)]
    jobs = list(input.jobs)
    args += [
        "--extra",
        *(folder(jobs) if get_study(wildcards.study).extra_are_jobs else jobs),
    ]
    if input.data:
        args += ["--data-dir", DATA]
    return " ".join(shlex.quote(a) for a in args)


def study_parameters(wildcards):
    """Study settings an evaluation needs, as JSON."""
    cfg = plan.study(config, wildcards.study)
    names = get_study(wildcards.study).evaluation_params
    return json.dumps({k: cfg[k] for k in names if k in cfg})


def get_study_pretrain_inputs(wildcards):
    """The pretrain_noise folders a study's noise pretrainings are in."""
    return plan.pretrain_inputs(plan.study_pretrains(config, wildcards.study))


def study_pretrain_folders(wildcards):
    """Every noise-pretrained network's folder a study reads (for the CLIs)."""
    return [key.path for key in plan.study_pretrains(config, wildcards.study)]


def get_figure_inputs(wildcards):
    spec = FIGURES[wildcards.figure]
    inputs = {}
    if spec.uses_runs:
        inputs["collected"] = get_collected_tables(spec.study)
        inputs["stats"] = f"{RESULTS}/stats/{spec.study}.csv"
        if spec.study in EVALUATED:
            inputs["evaluation"] = f"{RESULTS}/collected/{spec.study}/evaluation.csv"
    inputs["staged"] = [f"{DATA}/{d}/{spec.samples_split}.npz" for d in spec.samples_of]
    inputs["ood"] = [f"{DATA}/ood/{name}.npz" for name in spec.ood_sets]
    trained = (
        {k.dataset for k in plan.study_runs(config, spec.study)} if spec.subsets else ()
    )
    inputs["records"] = [f"{DATA}/{d}/train.json" for d in sorted(trained)]
    return inputs


def figure_arguments(wildcards, input):
    """The plot CLI's optional arguments for what this figure reads."""
    spec, args = FIGURES[wildcards.figure], []
    if spec.uses_runs:
        args += [
            "--collected",
            str(Path(input.collected[0]).parent),
            "--stats",
            input.stats,
        ]
    staged = [*input.staged, *input.ood, *input.records]
    if staged:
        args += ["--data-dir", data_root(staged[0])]
    return " ".join(shlex.quote(a) for a in args)


def figure_caption(wildcards):
    """The figure's caption with this run's settings filled in (noisefa.captions)."""
    path = BASEDIR / "workflow/report/figures" / f"{wildcards.figure}.rst"
    return render_caption(path.read_text(), config)


def run_options(study, settings):
    """Optional train CLI flags of a run's settings and its study."""
    options = []
    if (splits := get_study(study).every_epoch) is not None:
        options.append("--every-epoch " + " ".join(splits))
    if settings.patience is not None:
        options.append(f"--patience {settings.patience}")
    if settings.snapshots:
        options.append("--snapshot-layers -1")
    if settings.weight_decay:
        options.append(f"--weight-decay {settings.weight_decay}")
    if settings.scaling != "channel":
        options.append(f"--input-scaling {settings.scaling}")
    if settings.colour != "colour":
        options.append(f"--input-colour {settings.colour}")
    if settings.augment != "none":
        options.append(f"--augment {settings.augment}")
    options += get_study(study).run_options(config)
    return " ".join(options)


def pretraining_options(wildcards):
    """The noise and learning rule of a pretrain_noise job's tag (and KP's decay)."""
    noise, by = split_pretraining_tag(wildcards.noise)
    options = f"--noise {noise} --rule {by}"
    if by in DECAYING_RULES:
        options += f" --weight-decay {config['training']['kp_decay']}"
    return options


def verdict_margin(study):
    """The margin, in pp, of a study's own verdicts (rules: AUC; sensitivity: a cell)."""
    cfg = config["studies"][study]
    return cfg["auc_margin"] if "auc_margin" in cfg else cfg["margin_pp"]


def gpu_request(rule):
    """A training rule's GPU: `gpu` 1 (Snakemake's local scheduler; the SLURM plugin's
    --gpus), or 0 where a profile asks for it as a gres string (`gres: "gpu:1"`), so a
    cluster job requests its GPU exactly once."""
    overwrite = workflow.resource_settings.overwrite_resources.get(rule, {})
    return 0 if "gres" in overwrite else 1


# The GPUs `--resources gpu=N` allows on this machine, kept in the environment: a job
# Snakemake runs in a subprocess (shadow rules) recomputes its resources without that
# cap, and would otherwise claim a GPU the main process never granted.
if workflow.is_main_process and "gpu" in workflow.global_resources:
    gpus.set_limit(workflow.global_resources["gpu"].value)


def compute_flags(wildcards, resources):
    """The training CLIs' --gpus (granted as `gpu` or in a gres string such as
    "gpu:a100:2") and --cpu-fallback (config compute.cpu_fallback)."""
    granted = gpus.granted(
        getattr(resources, "gpu", 0), str(getattr(resources, "gres", "") or "")
    )
    return f"--gpus {granted}" + (" --cpu-fallback" * config["compute"]["cpu_fallback"])


def cluster_runtime(rule):
    """A job's time limit in minutes (the `runtime` resource the SLURM plugin passes as
    --time): from the cost model's CPU estimate for this job (noisefa.cost)."""

    def minutes(wildcards):
        seconds = cost.job_seconds(CALIBRATION, config, rule, dict(wildcards.items()))
        return cost.runtime_minutes(seconds)

    return minutes
