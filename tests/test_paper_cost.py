"""benchmarks/paper_cost.py prices every job of a configuration's DAG, from the cost
model alone: the same configuration gets the same price whatever results/ holds."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

import paper_cost  # noqa: E402

from noisefa import cost  # noqa: E402


def test_the_priced_jobs_are_the_dry_run_jobs_and_results_do_not_change_the_price(tmp_path):
    overlay = tmp_path / "online.yaml"  # every dataset can be had: the whole paper
    overlay.write_text("data:\n  download: true\n")
    tree = "results/test-paper-cost"
    args = ["--config", f"results={tree}", "--configfile", str(overlay)]
    jobs = paper_cost.dry_run_jobs(args)
    config = paper_cost.plan_config(str(REPO / tree))
    rows = paper_cost.price(jobs, config, cost.REFERENCE)
    counts = Counter(r["rule"] for r in rows)
    # the paper 157, rules 60, sensitivity 114 (3 datasets x 12 settings x 3 methods,
    # and CIFAR-10's grey input and augmentation x 3 methods)
    assert counts["train_networks"] == 157 + 60 + 114 and counts["meta_loss_seed"] == 10
    assert {r["rule"] for r in rows} == {j.rule for j in jobs} and len(rows) == len(jobs)
    # a finished run in the tree changes nothing: the model reads no results
    fake = REPO / tree / "runs" / "benchmark" / "mnist" / "depth2" / "base" / "bp" / "seed0"
    fake.mkdir(parents=True, exist_ok=True)
    (fake / "history.csv").write_text("epoch\n0\n1\n")
    again = paper_cost.price(jobs, paper_cost.plan_config(str(REPO / tree)), cost.REFERENCE)
    assert again == rows
    by_study = paper_cost.summary(rows, "study")
    # early-stopping trainings are priced at the record's epochs to convergence
    benchmark = [r for r in rows if r["study"] == "benchmark" and r["rule"] == "train_networks"]
    assert benchmark and by_study["benchmark"][1] > by_study["fast_learning"][1]
    import shutil

    shutil.rmtree(REPO / tree)
