"""benchmarks/paper_cost.py prices every job of the paper-scale DAG, each once."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

import paper_cost  # noqa: E402

from noisefa import plan  # noqa: E402


class FixedPricer:
    """One second per epoch and per pretraining: counts, not timings, are under test."""

    def epoch(self, dims, sizes, every_epoch) -> float:
        return 1.0

    def pretraining(self, dims, samples=None) -> float:
        return 1.0


def test_the_priced_jobs_are_the_dry_run_jobs(tmp_path):
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    rows, counted = paper_cost.price(
        config, plan.enabled_studies(config), tmp_path / "no-runs", FixedPricer()
    )
    dag = paper_cost.rule_counts([REPO / "config" / "config.yaml"])
    for rule in ("train_networks", "pretrain_noise", "noise_condition", "noise_after_data"):
        assert counted[rule] == dag[rule], rule
    assert counted["meta_loss_seed"] == dag["meta_loss_seed"] == 10
    # early-stopping studies without finished runs are priced at their epoch cap, and say so
    capped = [r for r in rows if r["study"] == "benchmark" and r["kind"] == "network training"]
    assert capped and all(r["note"].startswith("cap 300") for r in capped)
    assert all(r["s per job"] == 300 for r in capped)


@pytest.mark.parametrize(
    ("dataset", "tag", "sizes"),
    [
        ("mnist", "trainall-val10pct-testall-seed0", (54_000, 6_000, 10_000)),
        ("cifar10", "train5000-val1000-test5000-seed0", (5_000, 1_000, 5_000)),
    ],
)
def test_split_sizes_at_full_scale(dataset, tag, sizes):
    assert paper_cost.split_sizes(dataset, tag) == sizes
