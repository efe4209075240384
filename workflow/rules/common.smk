import os
import shlex
import sys
from pathlib import Path

from snakemake.settings.types import DeploymentMethod
from snakemake.utils import validate


def prepend_to_env(name, value):
    """Put `value` first in a path-list variable that jobs inherit (never required)."""
    current = os.environ.get(name, "")
    os.environ.update({name: os.pathsep.join(p for p in (value, current) if p)})


# The workflow's own package, whatever environment runs the jobs.
SRC = str(Path(workflow.basedir) / "src")
sys.path.insert(0, SRC)
prepend_to_env("PYTHONPATH", SRC)

from noisefa import plan  # noqa: E402
from noisefa.catalogue import FIGURES  # noqa: E402
from noisefa.data.ood import OOD_SETS  # noqa: E402
from noisefa.data.registry import DATASETS  # noqa: E402
from noisefa.learning.methods import METHODS  # noqa: E402
from noisefa.naming import NOISE_TAG_PATTERN  # noqa: E402
from noisefa.data.splits import TAG_PATTERN as SPLIT_TAG_PATTERN  # noqa: E402

validate(config, schema="../schemas/config.schema.yaml", set_default=True)

# Jobs call `python`: the interpreter running Snakemake (so a venv need not be
# activated), or with --sdm conda the environment's own, which conda puts first.
if DeploymentMethod.CONDA not in workflow.deployment_settings.deployment_method:
    prepend_to_env("PATH", os.path.dirname(sys.executable))
CONDA_ENV = "../../envs/noisefa.yaml"
DATA = plan.DATA_DIR
RESULTS = plan.RESULTS


wildcard_constraints:
    dataset="|".join(DATASETS),
    split="train|test",
    split_tag=SPLIT_TAG_PATTERN,
    dims=r"\d+(x\d+)+",
    noise=NOISE_TAG_PATTERN,
    seed=r"\d+",
    depth=r"\d+",
    method="|".join(METHODS),
    study="|".join(config["studies"]),
    figure="|".join(FIGURES),
    ood_set="|".join(OOD_SETS),


def data_root(staged_file):
    """The data folder (results/data) of a staged file results/data/<dataset>/<file>."""
    return str(Path(staged_file).parent.parent)


def get_final_outputs():
    return plan.figure_targets(config) + plan.stats_targets(config)


def mirror_args():
    return " ".join(f"--mirror {shlex.quote(m)}" for m in config["data"]["mirrors"])


def run_key(wildcards):
    return plan.RunKey(
        wildcards.dataset, int(wildcards.depth), wildcards.method, int(wildcards.seed)
    )


def get_pretrained_model(wildcards):
    """The noise-pretrained checkpoint a run starts from ([] for other methods)."""
    folder = plan.run_pretrain_dir(config, wildcards.study, run_key(wildcards))
    return [f"{folder}/model.pt"] if folder else []


def get_run_split(wildcards):
    tag = plan.split_tag(config, wildcards.study)
    return f"{DATA}/{wildcards.dataset}/splits/{tag}.npz"


def get_study_run_summaries(wildcards):
    return [
        f"{plan.run_dir(wildcards.study, key)}/summary.json"
        for key in plan.run_keys(config, wildcards.study)
    ]


def get_study_pretrain_summaries(wildcards):
    return [
        f"{d}/summary.json" for d in plan.study_pretrain_dirs(config, wildcards.study)
    ]


def get_figure_inputs(wildcards):
    spec = FIGURES[wildcards.figure]
    inputs = {}
    if spec.uses_runs:
        inputs["collected"] = f"{RESULTS}/collected/{spec.study}/runs.csv"
        inputs["stats"] = f"{RESULTS}/stats/{spec.study}.csv"
    if spec.samples_of:
        inputs["staged"] = f"{DATA}/{spec.samples_of}/train.npz"
    inputs["ood"] = [f"{DATA}/ood/{name}.npz" for name in spec.ood_sets]
    return inputs


def figure_arguments(wildcards, input):
    """The plot CLI's optional arguments for what this figure reads."""
    spec, args = FIGURES[wildcards.figure], []
    if spec.uses_runs:
        args += [
            "--collected",
            str(Path(input.collected).parent),
            "--stats",
            input.stats,
        ]
    if spec.samples_of or spec.ood_sets:
        staged = input.staged if spec.samples_of else input.ood[0]
        args += ["--data-dir", data_root(staged)]
    return " ".join(shlex.quote(a) for a in args)


def figure_caption(wildcards):
    return (
        Path(workflow.basedir) / "workflow/report/figures" / f"{wildcards.figure}.rst"
    ).read_text()
