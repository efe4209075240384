"""The config -> jobs mapping the Snakefile uses."""

from __future__ import annotations

import yaml

from noisefa import plan
from tests.conftest import REPO


def paper_config():
    return yaml.safe_load((REPO / "config" / "config.yaml").read_text())


def test_paper_scale_job_counts():
    config = paper_config()
    keys = plan.run_keys(config, "fast_learning")
    assert len(keys) == 3 * 10  # bp, fa, fa_noise x 10 networks at depth 2
    assert plan.split_tag(config, "fast_learning") == "train5000-val0-test5000-seed0"
    assert plan.noise_for(config, "fast_learning") == "gaussian-mean0-std1-n500000"


def test_noise_pretraining_is_shared_between_studies():
    config = paper_config()
    alignment = set(plan.study_pretrain_dirs(config, "noise_alignment"))
    learning = set(plan.study_pretrain_dirs(config, "fast_learning"))
    assert learning == alignment  # same [784, 100, 10], seeds and noise: one job each
    assert "results/pretrain/784x100x10/gaussian-mean0-std1-n500000/seed0" in alignment


def test_only_noise_methods_have_a_pretraining():
    config = paper_config()
    for key in plan.run_keys(config, "fast_learning"):
        assert (plan.run_pretrain_dir(config, "fast_learning", key) is not None) == (
            key.method == "fa_noise"
        )


def test_disabled_studies_ask_for_nothing():
    config = paper_config()
    config["studies"]["noise_alignment"]["enabled"] = False
    targets = plan.figure_targets(config)
    assert "results/figures/fig2b.png" in targets
    assert not any("fig1" in t for t in targets)


def test_every_figure_has_a_caption_and_a_drawing_function():
    import importlib

    from noisefa.catalogue import FIGURES

    for figure, spec in FIGURES.items():
        caption = REPO / "workflow" / "report" / "figures" / f"{figure}.rst"
        assert caption.is_file() and len(caption.read_text()) > 100, figure
        assert callable(getattr(importlib.import_module(f"noisefa.figures.{spec.study}"), figure))
