"""The README's recipe for adding a study, followed to the letter: one folder, one schema
block, one caption; no other file of the project changes, and the study runs end to end
(its networks train, its statistics and figure are made, the results index lists it)."""

from __future__ import annotations

import os
import textwrap

import pandas as pd
import pytest

from noisefa.studies import STUDIES
from tests.workflow_runs import offline_overlay, snakemake, workflow_copy

DECLARATION = '''
"""A toy study: does FA after noise end more accurate than FA, on 200 MNIST images?"""

from noisefa.keys import study_grid
from noisefa.studies.base import SECTIONS, FigureSpec, Study

STUDY = Study(
    "toy",
    figures=(FigureSpec("figToy", SECTIONS["B"], "Toy: final test accuracy"),),
    runs=lambda config: study_grid(config, "toy"),
)
'''

STATISTICS = """
from noisefa.analysis.comparisons import compare


def statistics(c):
    import pandas as pd

    rows = compare("figToy", "final test accuracy", c.runs, "final_test_acc", "method",
                   "fa_noise", "fa")
    return pd.DataFrame(rows)
"""

FIGURES = """
import matplotlib.pyplot as plt


def figToy(inputs):
    runs = inputs.collected.runs
    fig, ax = plt.subplots(figsize=(3, 2.5))
    means = runs.groupby("method")["final_test_acc"].mean()
    ax.bar(means.index, 100 * means.values)
    ax.set_ylabel("test accuracy (%)")
    return fig
"""

SCHEMA_BLOCK = """\
      toy:
        type: object
        additionalProperties: false
        description: a toy study (tests/test_extending.py)
        properties:
          enabled: {type: boolean, default: true}
          dataset: {$ref: "#/$defs/dataset", default: mnist}
          depth: {$ref: "#/$defs/depth", default: 2}
          methods: {$ref: "#/$defs/methods", default: [fa, fa_noise]}
          networks: {$ref: "#/$defs/networks", default: 2}
          train_size: {$ref: "#/$defs/positive_int", default: 200}
          test_size: {$ref: "#/$defs/positive_int", default: 200}
          epochs: {$ref: "#/$defs/positive_int", default: 2}
          split_seed: {$ref: "#/$defs/split_seed", default: 0}
"""


def add_toy_study(work) -> list[str]:
    """The recipe; returns the files it wrote or changed."""
    folder = work / "src" / "noisefa" / "studies" / "toy"
    folder.mkdir()
    for name, text in (
        ("__init__.py", DECLARATION),
        ("statistics.py", STATISTICS),
        ("figures.py", FIGURES),
    ):
        (folder / name).write_text(textwrap.dedent(text).lstrip())
    schema = work / "workflow" / "schemas" / "config.schema.yaml"
    text = schema.read_text()
    anchor = "      wbt_init:\n"
    schema.write_text(text.replace(anchor, SCHEMA_BLOCK + anchor, 1))
    caption = work / "workflow" / "report" / "figures" / "figToy.rst"
    caption.write_text("**Toy.** Final test accuracy of FA with and without noise pretraining.\n")
    return ["studies/toy/__init__.py", "studies/toy/statistics.py", "studies/toy/figures.py",
            "config.schema.yaml", "figures/figToy.rst"]  # fmt: skip


@pytest.mark.workflow
def test_a_new_study_is_one_folder_a_schema_block_and_a_caption(tmp_path, mirror):
    work = workflow_copy(tmp_path)
    touched = add_toy_study(work)
    assert len(touched) == 5
    others = "".join(f"  {s}: {{enabled: false}}\n" for s in STUDIES)
    config = tmp_path / "toy.yaml"
    config.write_text(
        "pretraining: {samples: 6400, epoch_samples: 640}\n"
        f"studies:\n{others}  toy: {{networks: 2}}\n"
    )
    env = {**os.environ, "NOISEFA_DATA_MIRROR": str(mirror)}
    args = ["--cores", "2", "--resources", "gpu=0", "--config", "shadow=minimal"]
    args += ["--configfile", str(config), str(offline_overlay(tmp_path))]
    snakemake(*args, cwd=work, env=env)
    results = work / "results" / "toy+offline"
    runs = pd.read_csv(results / "collected" / "toy" / "runs.csv")
    assert sorted(runs["method"]) == ["fa", "fa", "fa_noise", "fa_noise"]
    stats = pd.read_csv(results / "stats" / "toy.csv")
    assert (stats["comparison"] == "fa_noise vs fa").any() and stats["p"].notna().all()
    assert (results / "figures" / "figToy.png").stat().st_size > 5000
    assert "figToy" in (results / "README.md").read_text()
    assert not (results / "runs" / "fast_learning").exists()  # the others stayed off
