"""The config -> jobs mapping the Snakefile uses."""

from __future__ import annotations

import pytest
import yaml
from snakemake.utils import update_config, validate

from noisefa import plan
from noisefa.data import availability
from noisefa.errors import ConfigError
from noisefa.studies.noise_conditions import condition_tags
from tests.conftest import REPO


def paper_config():
    return yaml.safe_load((REPO / "config" / "config.yaml").read_text())


def test_paper_scale_job_counts():
    config = paper_config()
    keys = plan.run_keys(config, "fast_learning")
    assert len(keys) == 2 * 3 * 10  # depths 2 and 3 x bp, fa, fa_noise x 10 networks
    settings = plan.run_settings(config, keys[0])
    assert settings.split == "train5000-val0-test5000-seed0" and settings.epochs == 100
    assert plan.noise_for(config, "fast_learning") == "gaussian-mean0-std1-n500000"
    # Fig 4f sizes x 2 methods x 10 nets, plus depths 4-7 at 1600 (depth 3 at 1600 is shared)
    assert len(plan.run_keys(config, "generalization")) == 5 * 2 * 10 + 4 * 2 * 10
    assert len(plan.study_runs(config, "gram_rank")) == 5 * 2 * 10
    assert len(condition_tags(config)) == 2 * 21
    # datasets x depths x methods x networks
    assert len(plan.run_keys(config, "benchmark")) == 6 * 4 * 3 * 3


def test_benchmark_runs_to_convergence_on_a_validation_split():
    config = paper_config()
    key = plan.run_keys(config, "benchmark")[0]
    settings = plan.run_settings(config, key)
    assert settings.split == "trainall-val10pct-testall-seed0"
    assert settings.patience == 10 and settings.epochs == 300


def test_unavailable_data_leaves_out_cells_and_studies_not_the_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no staged results here
    monkeypatch.delenv("NOISEFA_DATA_MIRROR", raising=False)
    config = paper_config()
    config["data"].update(download=False, mirrors=[str(tmp_path)])
    (tmp_path / "arrays").mkdir()
    for name in ("mnist-train", "mnist-test", "cifar10-train", "cifar10-test", "usps-test"):
        (tmp_path / "arrays" / f"{name}.npz").write_bytes(b"")  # names only: not read
    decision = availability.decide(config, str(tmp_path / "tree"), announce=False)
    assert set(decision["unavailable"]) == {"fashion_mnist", "kmnist", "cifar100", "stl10"}
    # a grid study loses the cells, a study needing a missing task is left out whole
    assert decision["left_out"]["benchmark"] == ["fashion_mnist", "kmnist", "cifar100", "stl10"]
    assert decision["left_out"]["adaptation"] == ["fashion_mnist", "kmnist"]
    config["data"].update(decision)
    assert plan.missing_datasets(config) == ["fashion_mnist", "kmnist", "cifar100", "stl10"]
    assert {k.dataset for k in plan.run_keys(config, "benchmark")} == {"mnist", "cifar10"}
    assert plan.enabled(config, "benchmark") and plan.enabled(config, "ood")  # USPS test only
    assert not plan.enabled(config, "adaptation") and not plan.enabled(config, "meta_loss")
    assert not plan.config_problems(config)
    # a study measuring another's networks needs that study's data
    assert availability.study_datasets(config, "trajectory") == ["mnist"]


def test_allow_missing_false_names_the_files_to_mirror(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NOISEFA_DATA_MIRROR", raising=False)
    config = paper_config()
    config["data"].update(download=False, mirrors=[], allow_missing=False)
    with pytest.raises(ConfigError, match=r"STL-10: stl10_binary/ \(4 files"):
        availability.decide(config, str(tmp_path / "tree"), announce=False)


def test_download_auto_asks_the_host_once(monkeypatch):
    calls = []

    def refuse(address, timeout):
        calls.append(address)
        raise OSError("no route")

    monkeypatch.setattr(availability.socket, "create_connection", refuse)
    monkeypatch.delenv(availability.PROBE_ENV, raising=False)
    config = {"data": {"download": "auto"}}
    assert not availability.can_download(config, "cifar10")
    assert not availability.can_download(config, "cifar100")  # same host: not asked again
    assert calls == [("www.cs.toronto.edu", 443)]
    assert availability.can_download({"data": {"download": True}}, "cifar10")


def test_noise_pretraining_is_shared_between_studies():
    config = paper_config()
    alignment = set(plan.study_pretrains(config, "noise_alignment"))
    learning = set(plan.study_pretrains(config, "fast_learning"))
    spectrum = set(plan.study_pretrains(config, "spectrum"))
    # same [784, 100, 10] (or [784, 100, 100, 10]), seeds and noise: one job each
    assert learning == alignment | spectrum
    paths = {p.path for p in alignment}
    assert "results/pretrain/784x100x10/he_normal/gaussian-mean0-std1-n500000/seed0" in paths
    deep = {p.path for p in plan.study_pretrains(config, "ood")}
    assert deep == {p.path for p in plan.study_pretrains(config, "spectrum")}  # [784,100,100,10]


def test_only_noise_methods_have_a_pretraining():
    config = paper_config()
    for key in plan.run_keys(config, "fast_learning"):
        has = plan.run_settings(config, key).pretrain is not None
        assert has == (key.method == "fa_noise")


def test_noise_pretraining_runs_under_the_method_s_own_rule():
    config = paper_config()
    config["studies"]["fast_learning"]["methods"] = ["fa_noise", "dfa_noise", "kp_noise", "kp"]
    settings = {
        k.method: plan.run_settings(config, k)
        for k in plan.run_keys(config, "fast_learning")
        if k.seed == 0 and k.depth == 2
    }
    assert settings["fa_noise"].pretrain.path.endswith("/gaussian-mean0-std1-n500000/seed0")
    assert settings["dfa_noise"].pretrain.rule == "dfa"
    assert settings["dfa_noise"].pretrain.path == (
        "results/pretrain/784x100x10/he_normal/gaussian-mean0-std1-n500000-dfa/seed0"
    )
    # Kolen-Pollack decays W and B: its runs carry the decay, the others none
    assert settings["kp"].weight_decay == settings["kp_noise"].weight_decay == 1e-5
    assert settings["fa_noise"].weight_decay == settings["dfa_noise"].weight_decay == 0
    # each rule's pretrainings are one job of their own
    group = plan.pretrain_group(config, "784x100x10", "he_normal", "gaussian-mean0-std1-n500000-kp")
    assert {k.rule for k in group} == {"kp"} and len(group) == 10


def test_disabled_studies_ask_for_nothing():
    config = paper_config()
    config["studies"]["noise_alignment"]["enabled"] = False
    targets = plan.figure_targets(config)
    assert "results/figures/fig2b.png" in targets
    assert not {f"results/figures/{n}.png" for n in ("fig1d", "fig1e", "figS1")} & set(targets)
    assert "results/figures/fig1f.png" in targets  # another study's figure stays


def test_every_figure_has_a_caption_and_a_drawing_function():
    from noisefa.catalogue import FIGURES
    from noisefa.studies import part

    for figure, spec in FIGURES.items():
        caption = REPO / "workflow" / "report" / "figures" / f"{figure}.rst"
        assert caption.is_file() and len(caption.read_text()) > 100, figure
        assert callable(getattr(part(spec.study, "figures"), figure))


def test_conditions_group_the_networks_that_differ_only_in_method_and_seed():
    config = paper_config()
    conditions = plan.conditions(config, "hyperparams")
    variants = {variant for (_, _, _, variant) in conditions}
    assert len(conditions) == len(variants) == 5 + 5 + 3  # batch sizes, lrs, inits
    for keys in conditions.values():
        assert len(keys) == 3 * 3  # bp, fa, fa_noise x 3 networks
        assert len({k.condition for k in keys}) == 1
    assert sum(map(len, conditions.values())) == len(plan.run_keys(config, "hyperparams"))


def test_one_training_job_holds_a_method_s_seeds_with_shared_settings():
    config = paper_config()
    keys = plan.group_runs(config, "benchmark", "cifar10", 3, "base", "fa_noise")
    assert [k.seed for k in keys] == [0, 1, 2]
    assert {k.group_path for k in keys} == {"results/runs/benchmark/cifar10/depth3/base/fa_noise"}
    assert [k.path.rsplit("/", 1)[1] for k in keys] == ["seed0", "seed1", "seed2"]
    settings = plan.group_settings(config, keys)
    assert settings.pretrain is None and settings.patience == 10  # per seed: its own
    pretrains = [plan.run_settings(config, k).pretrain for k in keys]
    assert [p.seed for p in pretrains] == [0, 1, 2]
    # a pretraining job holds every seed any study needs of its architecture and noise
    group = plan.pretrain_group(
        config, *(pretrains[0].fields[f] for f in ("dims", "init", "noise"))
    )
    assert set(pretrains) <= set(group) and [p.seed for p in group] == sorted(p.seed for p in group)
    # runs that differ in more than their seed cannot share a job
    mixed = keys[:1] + plan.group_runs(config, "hyperparams", "cifar10", 2, "batch16", "fa")[:1]
    with pytest.raises(ValueError, match="differ in settings beyond their seed"):
        plan.group_settings(config, mixed)


def test_captions_state_the_settings_of_the_run():
    from noisefa.captions import render_caption
    from noisefa.catalogue import FIGURES

    paper = paper_config()
    smoke = yaml.safe_load((REPO / "config" / "presets" / "smoke.yaml").read_text())
    small = {
        **paper,
        "studies": {k: {**v, **smoke["studies"].get(k, {})} for k, v in paper["studies"].items()},
    }
    for figure in FIGURES:
        text = (REPO / "workflow" / "report" / "figures" / f"{figure}.rst").read_text()
        assert "{{" not in render_caption(text, paper), figure  # every placeholder filled
    fig3 = (REPO / "workflow" / "report" / "figures" / "fig3.rst").read_text()
    assert "patience 10" in render_caption(fig3, paper)
    assert f"patience {small['studies']['benchmark']['patience']}" in render_caption(fig3, small)


def test_a_smaller_run_names_what_each_figure_leaves_out():
    paper = paper_config()
    from noisefa.catalogue import FIGURES

    assert all(plan.coverage_note(paper, paper, f) == "" for f in FIGURES)
    small = paper_config()
    small["studies"]["generalization"].update(train_sizes=[100, 400], networks=2)
    note = plan.coverage_note(small, paper, "fig4f")
    assert (
        note
        == "Not run here: train sizes 200, 800, 1600; 2 networks per condition (paper scale: 10)"
    )


@pytest.mark.parametrize(
    "preset, studies",
    [
        ("config/presets/tableS5_cifar10.yaml", {"benchmark"}),
        (
            "tests/slurm/preset.yaml",
            {"noise_conditions", "fast_learning", "trajectory", "meta_loss"},
        ),
        ("config/presets/paper.yaml", set(plan.enabled_studies(paper_config())) - {"rules"}),
    ],
)
def test_a_preset_that_runs_a_few_studies_runs_only_those(preset, studies):
    # These presets list what they switch off, so a new study must be switched off
    # there too, or it runs at paper scale (hours) inside a test or a one-table run.
    config = paper_config()
    update_config(config, yaml.safe_load((REPO / preset).read_text()))
    assert set(plan.enabled_studies(config)) == studies


@pytest.mark.parametrize(
    "preset", sorted((REPO / "config" / "presets").glob("*.yaml")), ids=lambda p: p.stem
)
def test_every_preset_gives_a_valid_config(preset):
    config = paper_config()
    update_config(config, yaml.safe_load(preset.read_text()))
    validate(config, schema=str(REPO / "workflow" / "schemas" / "config.schema.yaml"))


def test_a_configuration_planning_too_many_jobs_is_refused_naming_what_multiplies_them():
    config = paper_config()
    assert plan.job_bound_problem(config) is None  # the paper: ~500 jobs
    config["studies"]["sensitivity"]["widths"] = list(range(200, 800))  # a typo's worth
    found = plan.job_bound_problem(config)
    assert "more than compute.max_jobs (5000)" in found
    assert (
        "studies.sensitivity: 3 datasets x 1 depths x 611 conditions (variants) x 3 methods"
        in found
    )
    config["compute"]["max_jobs"] = 10_000
    assert plan.job_bound_problem(config) is None


def test_the_plan_is_computed_once_per_configuration_and_follows_a_changed_one():
    config = paper_config()
    first = plan.group_runs(config, "sensitivity", "mnist", 2, "width500", "fa")
    assert [k.seed for k in first] == [0, 1, 2]
    first.clear()  # a caller's list is its own
    assert len(plan.group_runs(config, "sensitivity", "mnist", 2, "width500", "fa")) == 3
    config["studies"]["sensitivity"]["networks"] = 5
    assert len(plan.group_runs(config, "sensitivity", "mnist", 2, "width500", "fa")) == 5


def test_an_alignment_probe_larger_than_the_training_subset_is_refused():
    config = paper_config()
    config["studies"]["rules"]["alignment_probe"] = config["studies"]["rules"]["train_size"] + 1
    assert any("rules: alignment_probe" in p for p in plan.config_problems(config))
