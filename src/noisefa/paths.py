"""Where the workflow's job files live: the one owner of `results/`'s layout.

Every path is under RESULTS, the results tree of the running configuration.
Each location is a template whose `{fields}` are Snakemake wildcards. The rules use the
templates unfilled (so a rule's wildcards are these fields); `plan` fills them for one
job (`RUN.format(study=..., ...)`), so the two can never disagree.
"""

from __future__ import annotations

import os
import string

from .results_tree import ENV

# The results tree of this configuration (noisefa.results_tree): the Snakefile sets
# $NOISEFA_RESULTS before importing this module, and the jobs it starts inherit it.
RESULTS = os.environ.get(ENV, "results")
DATA = f"{RESULTS}/data"


def seed_folder(seed: int | str) -> str:
    """A network's folder inside its group's (RUN_GROUP, PRETRAIN_GROUP)."""
    return f"seed{seed}"


# A network trained on data, and one pretrained on noise (shared by every study).
# The networks of one method in one condition (all its seeds) train in one job, which
# writes the folder RUN_GROUP; each network's files are in RUN_GROUP/seed<k> (RUN).
RUN_GROUP_ID = "{study}/{dataset}/depth{depth}/{variant}/{method}"
RUN_GROUP = f"{RESULTS}/runs/{RUN_GROUP_ID}"
RUN_ID = f"{RUN_GROUP_ID}/{seed_folder('{seed}')}"
RUN = f"{RESULTS}/runs/{RUN_ID}"
# Likewise the noise pretrainings of one architecture and noise: one job, every seed.
PRETRAIN_GROUP_ID = "{dims}/{init}/{noise}"
PRETRAIN_GROUP = f"{RESULTS}/pretrain/{PRETRAIN_GROUP_ID}"
PRETRAIN_ID = f"{PRETRAIN_GROUP_ID}/{seed_folder('{seed}')}"
PRETRAIN = f"{RESULTS}/pretrain/{PRETRAIN_ID}"
# One Fig 1f condition (all its trials) and one meta-loss network (Fig 6a).
NOISE_CONDITION_ID = "{dataset}/depth{depth}/{noise}"
NOISE_CONDITION = f"{RESULTS}/runs/noise_conditions/{NOISE_CONDITION_ID}.csv"
META_LOSS = f"{RESULTS}/runs/meta_loss/{PRETRAIN_ID}.csv"

# What every training or pretraining job writes into its folder.
NETWORK_FILES = {
    "model": "model.pt",
    "history": "history.csv",
    "angles": "angles.csv",
    "snapshots": "snapshots.pt",
    "summary": "summary.json",
}


def network_files(folder: str) -> dict[str, str]:
    """The files of one network's folder, by name (a rule's named outputs)."""
    return {name: f"{folder}/{file}" for name, file in NETWORK_FILES.items()}


def log(rule: str, job_id: str) -> str:
    return f"{RESULTS}/logs/{rule}/{job_id}.log"


def benchmark(rule: str, job_id: str) -> str:
    return f"{RESULTS}/benchmarks/{rule}/{job_id}.tsv"


class _Unfilled(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(template: str, **fields) -> str:
    """`template` with the given fields filled and the others left as wildcards."""
    return string.Formatter().vformat(template, (), _Unfilled(fields))
