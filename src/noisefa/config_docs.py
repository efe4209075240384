"""config/README.md, generated from the schema: every key with its type, default, range
and meaning (a test holds the committed file to the schema).

python -m noisefa.config_docs > config/README.md
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"

HEADER = """# Configuration

`config/config.yaml` is the paper's scale; every preset in `config/presets/` overlays it
(`make pipeline PRESET="quick offline"`, or `snakemake --configfile config/presets/quick.yaml`),
and `.test/config.yaml` is what CI runs (the `smoke` preset). Each configuration writes
its own results tree, `results/<preset names joined by +>` (`results/default` for none),
which records the configuration it was made with: a run with a different one is refused
there (see `results` below).

Every key the workflow accepts is below, generated from
`workflow/schemas/config.schema.yaml` by `python -m noisefa.config_docs`. A key that is
not listed, a value of the wrong type or out of range stops the workflow before anything
runs, naming the key.

| key | type | default | allowed | meaning |
|---|---|---|---|---|
"""


# What a key means where the schema gives no description: the same name means the same
# thing in every block (a study's block, `training` or `pretraining`).
GLOSSARY = {
    "compute": "where jobs compute (not hashed into the tree: no number depends on it)",
    "data": "where datasets come from (not hashed into the tree: files are MD5-checked)",
    "pretraining": "Algorithm 1's noise pretraining, shared by every study",
    "training": "data training, shared by every study",
    "enabled": "run this study (false: its figures, statistics and claims are left out)",
    "noise_samples": "noise samples of this study's pretrainings (default: pretraining.samples)",
    "epochs": "data training epochs (meta_loss: the noise epochs at which it is measured)",
    "test_size": "test images per network (balanced over classes; default: the whole split)",
    "train_size": "training images per network (balanced over classes; default: all)",
    "val_size": "validation images carved from the training split",
    "val_fraction": "fraction of the training split held out for validation (whole percents)",
    "methods": "learning methods trained (bp, fa, fa_noise = FA after noise pretraining, ...)",
    "depths": "network depths (weight layers) trained",
    "datasets": "datasets of the grid (a dataset that cannot be had leaves out its cells)",
    "tasks": "datasets used as tasks",
    "patience": "epochs without a better validation accuracy before a network stops",
    "max_epochs": "epoch cap of early-stopped training",
    "lr": "Adam learning rate",
    "batch_size": "minibatch size",
    "mean": "mean of the noise inputs",
    "std": "standard deviation of the noise inputs",
    "distribution": "distribution of the noise inputs",
    "init": "weight initialisation scheme of W (B is drawn with the same scheme)",
    "train_sizes": "training-set sizes of the generalisation curve (Fig 4e, 4f)",
    "depth_train_size": "training images of the depth sweep (Fig 4h, S15, S16)",
    "stds": "noise standard deviations tried (Fig 1f)",
    "distributions": "noise distributions tried (Fig 1f)",
    "shots": "support images per class of a few-shot task (K)",
    "query": "query images per class of a few-shot task",
    "inner_steps": "inner-loop gradient steps of the meta-loss",
    "inner_lr": "inner-loop learning rate of the meta-loss",
    "draws": "task draws averaged per meta-loss measurement",
    "seed": "seed of the one fixed draw of transformations",
    "translate": "largest shift, as a fraction of the image size, on x and y",
    "scale": "range of the scale factor",
    "rotate": "largest rotation, in degrees",
    "readout_samples": "noise inputs the read-out of Fig 4b is measured on",
    "noise_epochs": "noise epochs before data training (Fig S11)",
    "lrs": "learning rates tried (Fig S9)",
    "batch_sizes": "batch sizes tried (Fig S9)",
    "inits": "initialisation schemes tried (Fig S9)",
}


def _resolve(node: dict, defs: dict) -> dict:
    while "$ref" in node:
        ref = node["$ref"].removeprefix("#/$defs/")
        node = {**defs[ref], **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _type(node: dict, defs: dict) -> str:
    kind = node.get("type")
    if kind == "array":
        return f"list of {_type(_resolve(node.get('items', {}), defs), defs)}"
    if isinstance(kind, list):
        return " or ".join(kind)
    if kind is None and "enum" in node:
        return "one of"
    return kind or ""


def _allowed(node: dict, defs: dict) -> str:
    if node.get("type") == "array":
        node = _resolve(node.get("items", {}), defs)
    parts = []
    if "enum" in node:
        parts.append(", ".join(json.dumps(v) for v in node["enum"]))
    for key, word in (("minimum", ">="), ("exclusiveMinimum", ">"), ("maximum", "<=")):
        if key in node:
            parts.append(f"{word} {node[key]}")
    if "exclusiveMaximum" in node:
        parts.append(f"< {node['exclusiveMaximum']}")
    if "pattern" in node:
        parts.append(f"matches `{node['pattern']}`")
    return "; ".join(parts)


def _meaning(node: dict, where: str) -> str:
    return node.get("description") or GLOSSARY.get(where.rsplit(".", 1)[-1], "")


def rows(schema: dict) -> list[str]:
    defs, lines = schema.get("$defs", {}), []

    def walk(node: dict, where: str) -> None:
        node = _resolve(node, defs)
        if where:
            default = json.dumps(node["default"]) if "default" in node else ""
            lines.append(
                f"| `{where}` | {_cell(_type(node, defs))} | {_cell(default)} | "
                f"{_cell(_allowed(node, defs))} | {_cell(_meaning(node, where))} |"
            )
        for key, sub in node.get("properties", {}).items():
            walk(sub, f"{where}.{key}" if where else key)

    walk(schema, "")
    return lines


def render() -> str:
    schema = yaml.safe_load(SCHEMA.read_text())
    return HEADER + "\n".join(rows(schema)) + "\n"


if __name__ == "__main__":
    print(render(), end="")
