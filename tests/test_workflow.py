"""The Snakemake workflow: dry run, lint, formatting, config validation and a real smoke run."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from noisefa.catalogue import FIGURES
from noisefa_pipeline import record
from tests.conftest import REPO
from tests.workflow_runs import offline_overlay, snakemake, tool, tree, workflow_copy


def test_paper_scale_dry_run_matches_the_plan(tmp_path):
    import yaml

    from noisefa import plan

    online = tmp_path / "online.yaml"  # as on a machine that can download every dataset
    online.write_text("data:\n  download: true\n")
    out = snakemake(
        "-n", "--forceall", "--quiet", "rules", "--configfile", str(online),
        "--config", f"results={tmp_path / 'results'}",
    ).stdout  # fmt: skip
    counts = {
        line.split()[0]: int(line.split()[1])
        for line in out.splitlines()
        if line[:1].isalpha() and line.split()[-1].isdigit()
    }
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    studies = config["studies"]
    runs = {k for s in studies for k in plan.run_keys(config, s)}
    pretrains = {p for s in studies for p in plan.study_pretrains(config, s)}
    pretrains |= {plan.run_settings(config, k).pretrain for k in runs} - {None}
    rules = {k for k in runs if k.study == "rules"}  # beyond the paper
    sensitivity = {k for k in runs if k.study == "sensitivity"}  # beyond the paper
    assert len(runs - rules - sensitivity) == 716  # the paper's networks
    assert len(rules) == 3 * 2 * 10 * 10  # datasets x depths x methods x networks
    # datasets x settings x methods x networks, and CIFAR-10's grey input and augmentation
    assert len(sensitivity) == 3 * 12 * 3 * 3 + 2 * 3 * 3
    # one job per method and condition trains all its seeds (plan.group_runs)
    assert counts["train_networks"] == len({k.group_path for k in runs}) == 157 + 60 + 114
    # the paper's 124, 4 architectures x 4 rules other than FA x 10 seeds, FA seeds 3-9
    # of CIFAR-10 depth 5, which the paper's studies pretrain for three networks, and the
    # sensitivity study's 3 widths x 2 input sizes + 2 initialisations on 784 inputs
    # (CIFAR-10's come from Fig S9) + grey CIFAR-10's 1,024 inputs, 3 seeds each
    assert len(pretrains) == 124 + 4 * 4 * 10 + 7 + (3 * 2 + 2 + 1) * 3
    # one job per architecture, initialisation and noise pretrains all its seeds
    assert counts["pretrain_noise"] == len({p.group_path for p in pretrains})
    groups = {p.group_path: p for p in pretrains}.values()
    grouped = {
        key
        for p in groups
        for key in plan.pretrain_group(config, *(p.fields[f] for f in ("dims", "init", "noise")))
    }
    assert grouped == pretrains  # every pretraining in exactly the job of its group
    assert counts["noise_condition"] == 42 and counts["meta_loss_seed"] == 10
    assert counts["figure"] == len(FIGURES)


def test_lint_and_formatting_are_clean():
    tool("snakemake", "--lint")
    tool("snakefmt", "--check", "Snakefile", "workflow")
    tool("ruff", "check", "src", "tests")
    tool("ruff", "format", "--check", "src", "tests")


@pytest.mark.workflow
def test_smoke_preset_runs_end_to_end_on_real_data(tmp_path, mirror):
    work = workflow_copy(tmp_path)
    offline = offline_overlay(tmp_path)
    env = {**os.environ, "NOISEFA_DATA_MIRROR": str(mirror)}
    args = [
        "--resources",
        "gpu=0",
        "--cores",
        "2",
        "--configfile",
        ".test/config.yaml",  # what CI runs (config/presets/smoke.yaml links to it)
        str(offline),
    ]
    snakemake(*args, cwd=work, env=env)
    results = tree(work, ".test/config.yaml", offline)
    assert results.name == "test+offline"
    for figure in FIGURES:
        for ext in ("png", "pdf"):
            assert (results / "figures" / f"{figure}.{ext}").stat().st_size > 5000, figure
        # no text overlaps another or is cut (figures.layout_check, counted by the plot job)
        log = (results / "logs" / "figure" / f"{figure}.log").read_text()
        assert f"{figure}: 0 layout problems" in log, log
    stats = pd.read_csv(results / "stats" / "fast_learning.csv")
    assert {"p", "p_holm", "effect_size", "n_a", "statistic"} <= set(stats.columns)
    assert stats["p"].notna().all()
    runs = pd.read_csv(results / "collected" / "fast_learning" / "runs.csv")
    assert len(runs) == 2 * 3 * 3 and set(runs["method"]) == {"bp", "fa", "fa_noise"}  # depths 2, 3
    assert (results / "logs" / "train_networks").is_dir() and (
        results / "benchmarks" / "pretrain_noise"
    ).is_dir()
    claims = (results / "claims.md").read_text()
    assert "reproduced" in claims and "(of " in claims.splitlines()[2]
    # every claim finds its rows: a renamed measure or comparison cannot silently turn a
    # claim into "not run" (the smoke preset runs every study and the depths claims name)
    verdicts = pd.read_csv(results / "claims.csv", keep_default_na=False)
    qualitative = verdicts[verdicts["kind"] == "claim"]
    unmatched = qualitative[
        (qualitative["verdict"] == "not run") & ~qualitative["reason"].str.startswith("the optimum")
    ]
    assert unmatched.empty, unmatched[["id", "reason"]].to_string()
    assert set(verdicts["verdict"].str.split(" [(]", regex=True).str[0]) <= {
        "reproduced",
        "contradicted",
        "inconclusive",
        "not run",
    }
    assert (results / "README.md").read_text().count("figures/") == len(FIGURES)
    # `make record`'s copy: the gallery shows every figure (its own checks: test_record)
    record.write_record(results, tmp_path / "record", results / "sessions.csv")
    gallery = (tmp_path / "record" / "README.md").read_text()
    assert all(f'src="figures/{figure}.png"' in gallery for figure in FIGURES)
    built = snakemake(*args, "--report", str(results / "report.html"), cwd=work, env=env)
    assert "(WARNING/" not in built.stderr and "(ERROR/" not in built.stderr, built.stderr
    report = (results / "report.html").read_text()
    assert "Reproduction:" in report  # the claims table on the front page
    assert "claims.html" in report  # the claims page
    for figure in FIGURES:
        assert f"{figure}.png" in report, figure
    # A second invocation finds everything up to date.
    again = snakemake(*args, "-n", cwd=work, env=env)
    assert "Nothing to be done" in again.stdout + again.stderr
