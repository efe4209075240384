"""One results tree per configuration: named after the presets, recording the
configuration it was made with, and refusing a run with another."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from noisefa import results_tree
from noisefa.errors import ConfigError
from tests.conftest import REPO
from tests.workflow_runs import BIN


def test_trees_are_named_after_the_config_files():
    assert results_tree.tree_name([]) == "default"
    assert results_tree.tree_name(["config/presets/quick.yaml", "/x/offline.yaml"]) == (
        "quick+offline"
    )
    assert results_tree.tree_name([".test/config.yaml"]) == "test"
    assert results_tree.tree_for({"results": "runs/mine/"}, ["a.yaml"]) == "runs/mine"


def test_a_tree_refuses_another_configuration_naming_the_keys(tmp_path):
    tree = str(tmp_path / "results" / "quick")
    config = {"studies": {"fast_learning": {"epochs": 40}}, "data": {"mirrors": ["/a"]}}
    record = results_tree.check_or_record(tree, config, ["quick.yaml"], REPO)
    assert json.loads((tmp_path / "results" / "quick" / "configuration.json").read_text()) == (
        record
    )
    # where the data comes from is not part of the configuration's identity
    moved = {**config, "data": {"mirrors": ["/b"]}, "compute": {"cpu_fallback": True}}
    assert results_tree.check_or_record(tree, moved, ["quick.yaml"], REPO) == record
    changed = {"studies": {"fast_learning": {"epochs": 100}}, "data": {}}
    with pytest.raises(ConfigError) as error:
        results_tree.check_or_record(tree, changed, ["quick.yaml"], REPO)
    message = str(error.value)
    assert "studies.fast_learning.epochs: 40 -> 100" in message
    assert "--config results=" in message and f"rm -r {tree}" in message
    (tmp_path / "results" / "quick" / "configuration.json").write_text("{")
    with pytest.raises(ConfigError, match="configuration.json is damaged"):
        results_tree.read_record(tree)


def test_the_workflow_refuses_to_add_to_a_tree_made_with_another_configuration(tmp_path):
    """A smoke configuration pointed at a quick tree stops before anything is written."""
    tree = tmp_path / "tree"
    env = {**os.environ, "NOISEFA_RECORD_TREE": "1"}

    def dry(preset: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(BIN / "snakemake"), "-n", "--configfile", f"config/presets/{preset}.yaml",
             "--config", f"results={tree}"],
            cwd=REPO, env=env, capture_output=True, text=True,
        )  # fmt: skip

    first = dry("quick")
    assert first.returncode == 0, first.stderr[-2000:]
    made = json.loads((tree / "configuration.json").read_text())
    assert made["configfiles"][-1].endswith("quick.yaml")
    second = dry("smoke")
    assert second.returncode != 0
    out = second.stdout + second.stderr
    assert f"{tree} was made with another configuration" in out
    assert "pretraining.samples: 500000 -> 20000" in out and "more" in out
    assert json.loads((tree / "configuration.json").read_text()) == made


def test_a_key_added_to_the_schema_at_its_default_keeps_the_tree(tmp_path):
    """A tree made before a key existed is the same configuration when that key sits at
    its default; at any other value it is refused. The record is brought up to date."""
    tree = str(tmp_path / "quick")
    old = {"studies": {"wbt_init": {"epochs": 20}}, "data": {}}
    results_tree.check_or_record(tree, old, ["quick.yaml"], REPO)

    def with_defaults(recorded: dict) -> dict:  # the schema's default for the new key
        recorded["studies"]["wbt_init"].setdefault("alignment_probe", 1024)
        return recorded

    grown = {"studies": {"wbt_init": {"epochs": 20, "alignment_probe": 1024}}, "data": {}}
    record = results_tree.check_or_record(
        tree, grown, ["quick.yaml"], REPO, with_defaults=with_defaults
    )
    assert record["hash"] == results_tree.config_hash(grown)
    assert record["keys_added"] == ["studies.wbt_init.alignment_probe: (absent) -> 1024"]
    assert results_tree.read_record(tree)["hash"] == record["hash"]
    other = {"studies": {"wbt_init": {"epochs": 20, "alignment_probe": 8}}, "data": {}}
    with pytest.raises(ConfigError, match="alignment_probe: 1024 -> 8"):
        results_tree.check_or_record(tree, other, ["quick.yaml"], REPO, with_defaults=with_defaults)


# --- which code made a tree (noisefa.code_version; issue 35) --------------------------


def _other_code(record: dict, name: str) -> dict:
    """The record as if the file `name` of the training code had been different."""
    from noisefa.code_version import code_hash

    files = {**record["training_code"]["files"], name: "0" * 64}
    return {**record, "training_code": {"hash": code_hash(files), "files": files}}


def test_a_tree_refuses_to_grow_under_other_training_code_naming_the_files(tmp_path, monkeypatch):
    monkeypatch.delenv(results_tree.ACCEPT_CODE, raising=False)
    tree = str(tmp_path / "quick")
    config = {"studies": {"fast_learning": {"epochs": 4}}, "data": {}}
    record = results_tree.check_or_record(tree, config, ["quick.yaml"], REPO)
    name = "learning/rules/feedback_alignment.py"
    assert name in record["training_code"]["files"]
    results_tree.save_record(tree, _other_code(record, name))
    with pytest.raises(ConfigError, match=rf"(?s){name} \(edited\).*Nothing was written"):
        results_tree.check_or_record(tree, config, ["quick.yaml"], REPO)
    assert results_tree.read_record(tree)["training_code"]["files"][name] == "0" * 64
    # accepted: the change is listed, and the tree goes on under today's code
    monkeypatch.setenv(results_tree.ACCEPT_CODE, "1")
    accepted = results_tree.check_or_record(tree, config, ["quick.yaml"], REPO)
    assert accepted["code_changes"][0]["files"] == [f"{name} (edited)"]
    monkeypatch.delenv(results_tree.ACCEPT_CODE)
    assert results_tree.check_or_record(tree, config, ["quick.yaml"], REPO) == accepted


def test_a_tree_made_before_code_was_recorded_records_todays(tmp_path):
    tree = str(tmp_path / "quick")
    config = {"studies": {}, "data": {}}
    record = results_tree.check_or_record(tree, config, ["quick.yaml"], REPO)
    legacy = {k: v for k, v in record.items() if k != "training_code"}
    results_tree.save_record(tree, legacy)
    again = results_tree.check_or_record(tree, config, ["quick.yaml"], REPO)
    assert again["training_code"]["hash"] == record["training_code"]["hash"]
    assert "recorded_since" in results_tree.read_record(tree)["training_code"]


def test_the_training_code_is_every_module_the_training_jobs_import():
    """The import graph read from the source covers what the jobs really load, and
    leaves out what only draws or tests (a figure edit keeps a tree)."""
    from noisefa.code_version import ENTRY_POINTS, PACKAGE, training_files

    modules = ", ".join("noisefa." + e.removesuffix(".py").replace("/", ".") for e in ENTRY_POINTS)
    shown = subprocess.run(
        [
            str(BIN / "python"),
            "-c",
            f"import sys, {modules}\n"
            "print('\\n'.join(m.__file__ for n, m in list(sys.modules.items())"
            " if n.startswith('noisefa') and getattr(m, '__file__', None)))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    loaded = {os.path.realpath(f) for f in shown}
    listed = {os.path.realpath(f) for f in training_files()}
    assert loaded <= listed, sorted(loaded - listed)
    names = {str(p.relative_to(PACKAGE)) for p in training_files()}
    assert {"learning/rules/feedback_alignment.py", "data/splits.py", "seeding.py"} <= names
    assert not [n for n in names if n.startswith(("figures/", "studies/", "analysis/statistics"))]


def test_every_result_records_its_commit_and_training_code():
    import time

    import torch

    from noisefa.cli.common import provenance
    from noisefa.code_version import code_hash, training_code

    info = provenance(torch.device("cpu"), time.time())
    assert info["training_code"] == code_hash(training_code())
    assert info["commit"] is None or len(info["commit"]) >= 7
