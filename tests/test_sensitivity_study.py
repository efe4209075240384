"""The sensitivity study (issue 34): each unstated choice of the paper becomes one
setting of Table 1's cells, and its answer (gap to the paper, within or beyond the
margin, does noise still help) is computed on constructed data where it is known."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import yaml

from noisefa import plan
from noisefa.data.loading import normalisation
from noisefa.keys import RunKey
from noisefa.studies.sensitivity import factor_of, variant_name, variants
from noisefa.studies.sensitivity.statistics import GAP, STATED, cell_rows, with_max_test
from noisefa.studies.sensitivity.verdicts import (
    BEYOND,
    HELPS,
    WITHIN,
    answers,
    cell_verdicts,
    noise_verdicts,
    report,
)
from tests.conftest import REPO


def paper_config() -> dict:
    return yaml.safe_load((REPO / "config" / "config.yaml").read_text())


def test_every_setting_changes_one_factor_of_the_record_protocol():
    config = paper_config()
    names = variants(config)
    assert names["base"] == {}
    assert names["width500"] == {"width": 500} and names["val0.02"] == {"val_fraction": 0.02}
    assert names["val0.02+width500"] == {"width": 500, "val_fraction": 0.02}
    assert factor_of("scale-raw") == "scaling" and factor_of("val0.02+width500") == "combined"
    assert variant_name({"split_seed": 2}) == "split2"

    def settings(variant: str):
        key = RunKey("sensitivity", "cifar10", 2, variant, "fa_noise", 0)
        return plan.run_settings(config, key)

    base = settings("base")
    assert base.hidden is None and base.scaling == "channel" and base.init == "he_normal"
    wide = settings("width1000")
    assert wide.hidden == 1000 and wide.pretrain.dims == (3072, 1000, 10)
    assert settings("scale-global").scaling == "global"
    assert settings("init-xavier_normal").pretrain.init == "xavier_normal"
    assert settings("split1").split != base.split != settings("val0.02").split
    assert settings("val0.02+width500").split == settings("val0.02").split
    # 3 datasets x 12 settings x 3 methods x 3 networks, at the paper's n
    assert len(plan.run_keys(config, "sensitivity")) == 3 * 12 * 3 * 3


def test_a_setting_that_repeats_the_base_is_refused():
    config = paper_config()
    config["studies"]["sensitivity"]["widths"] = [100, 500]
    config["studies"]["sensitivity"]["inits"] = ["he_normal"]
    found = plan.config_problems(config)
    assert any("widths lists training.hidden (100)" in p for p in found)
    assert any("inits lists training.init (he_normal)" in p for p in found)


def test_global_and_raw_scalings_follow_from_the_per_channel_statistics(tmp_path):
    """Three channels of equal size: the global moments of the pooled pixels."""
    rng = np.random.default_rng(0)
    pixels = rng.uniform(0, 1, (1000, 3)) * [1.0, 0.5, 0.2] + [0.0, 0.3, 0.6]
    (tmp_path / "cifar10").mkdir()
    record = {"mean": pixels.mean(0).tolist(), "std": pixels.std(0).tolist()}
    (tmp_path / "cifar10" / "train.json").write_text(json.dumps(record))
    mean, std = normalisation(tmp_path, "cifar10", "global")
    assert mean == pytest.approx([pixels.mean()] * 3) and std == pytest.approx([pixels.std()] * 3)
    assert normalisation(tmp_path, "cifar10", "raw") == ([0.0] * 3, [1.0] * 3)
    assert normalisation(tmp_path, "cifar10")[0] == pytest.approx(record["mean"])
    with pytest.raises(ValueError, match="unknown input scaling 'none'"):
        normalisation(tmp_path, "cifar10", "none")


def _runs(accuracies: dict[tuple[str, str], list[float]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Runs of MNIST, 2 layers, whose four reporting rules all read `acc`, except the
    maximum over epochs, which one late epoch lifts by 1 pp."""
    runs, histories = [], []
    for (variant, method), values in accuracies.items():
        for seed, acc in enumerate(values):
            key = {"dataset": "mnist", "depth": 2, "variant": variant, "method": method,
                   "seed": seed}  # fmt: skip
            runs.append({**key, "at_best_test_acc": acc, "at_best_val_acc": acc,
                         "final_test_acc": acc})  # fmt: skip
            for epoch, value in enumerate([0.1, acc, acc + 0.01, acc]):
                histories.append({**key, "epoch": epoch, "split": "test", "acc": value})
    return pd.DataFrame(runs), pd.DataFrame(histories)


def test_cells_are_within_or_beyond_the_paper_by_welch_tost():
    # the paper: BP 97.82 ± 0.03, FA w/o 97.26 ± 0.07 (MNIST, 2 layers)
    runs, histories = _runs(
        {
            ("base", "bp"): [0.9780, 0.9784, 0.9782],  # the paper's own number
            ("base", "fa"): [0.9510, 0.9505, 0.9515],  # 2.2 pp low, tightly
            ("width500", "fa"): [0.9720, 0.9730, 0.9725],  # 0.0 pp off: within
        }
    )
    runs = with_max_test(runs, histories)
    assert (
        runs["max_test_acc"].round(4).tolist()
        == (runs["at_best_test_acc"] + 0.01).round(4).tolist()
    )
    stats = pd.DataFrame(cell_rows(runs))
    assert set(stats["measure"]) == {GAP} and len(stats) == 3 * 4  # cells x rules
    table = cell_verdicts(stats, margin_pp=1.0)
    stated = table[table["rule"] == STATED].set_index(["setting", "method"])
    assert stated.loc[("base", "bp"), "verdict"] == WITHIN
    assert stated.loc[("base", "fa"), "verdict"] == BEYOND
    assert stated.loc[("width500", "fa"), "verdict"] == WITHIN
    assert stated.loc[("base", "fa"), "gap"] == pytest.approx(95.10 - 97.26, abs=1e-6)
    # a run on a subset of the paper's images is never called beyond it
    subset = cell_verdicts(stats, 1.0, subset=True)
    assert BEYOND not in set(subset["verdict"])
    lines = answers(table, 1.0)
    fa = next(line for line in lines if "MNIST FA w/o" in line)
    assert "-2.16" in fa and "within ±1 pp under: width500" in fa


def test_noise_still_helps_is_read_paired_and_holm_adjusted():
    rng = np.random.default_rng(1)
    rows = []
    for variant, gain in (("base", 0.02), ("width500", 0.0)):
        base = rng.normal(0.5, 0.02, 6)
        for seed in range(6):
            rows.append({"dataset": "cifar10", "depth": 2, "variant": variant, "method": "fa",
                         "seed": seed, "at_best_test_acc": base[seed]})  # fmt: skip
            rows.append({"dataset": "cifar10", "depth": 2, "variant": variant,
                         "method": "fa_noise", "seed": seed,
                         "at_best_test_acc": base[seed] + gain + rng.normal(0, 0.001)})  # fmt: skip
    from noisefa.studies.sensitivity.statistics import noise_rows

    stats = pd.DataFrame(noise_rows(pd.DataFrame(rows)))
    found = noise_verdicts(stats).set_index("setting")["verdict"]
    assert found["base"] == HELPS and found["width500"] != HELPS
    table, markdown, latex = report(stats, 1.0)
    assert "not shown under: width500" in markdown and table.empty and latex == ""


def test_a_setting_is_read_back_from_its_variant_name():
    from noisefa.studies.sensitivity import setting_of

    for name, setting in variants(paper_config()).items():
        assert setting_of(name) == setting and variant_name(setting) == name


def test_the_claims_robustness_column_names_the_settings_that_flip_a_verdict(tmp_path):
    """A Table S5 number within the margin under the base but beyond it under width500
    is fragile, naming width500; one that holds everywhere is robust; ΔACC > 0 flips
    where noise stops helping. The claims table carries the column."""
    from noisefa.analysis.claims import evaluate_claims, to_html, to_markdown
    from noisefa.studies.sensitivity.robustness import robustness
    from noisefa.studies.sensitivity.statistics import noise_rows

    runs, histories = _runs(
        {
            ("base", "bp"): [0.9780, 0.9784, 0.9782],  # within, under both settings
            ("width500", "bp"): [0.9781, 0.9783, 0.9782],
            ("base", "fa"): [0.9725, 0.9727, 0.9726],  # within at base ...
            ("width500", "fa"): [0.9510, 0.9505, 0.9515],  # ... beyond at width 500
        }
    )
    gaps = pd.DataFrame(cell_rows(with_max_test(runs, histories)))
    rng = np.random.default_rng(1)
    rows = []
    for variant, gain in (("base", 0.02), ("width500", 0.0)):
        base = rng.normal(0.5, 0.02, 6)
        for seed in range(6):
            key = {"dataset": "mnist", "depth": 2, "variant": variant, "seed": seed}
            rows += [{**key, "method": "fa", "at_best_test_acc": base[seed]},
                     {**key, "method": "fa_noise",
                      "at_best_test_acc": base[seed] + gain + rng.normal(0, 0.001)}]  # fmt: skip
    stats = pd.concat([gaps, pd.DataFrame(noise_rows(pd.DataFrame(rows)))], ignore_index=True)
    ids = pd.Series(["tableS5-mnist-d2-bp", "tableS5-mnist-d2-fa", "tableS5-delta-positive",
                     "fig1d-loss-falls"])  # fmt: skip
    found = robustness(ids, stats, 1.0).tolist()
    assert found[0] == "robust (reproduced under all 2 settings)"
    assert found[1] == "fragile (reproduced at base): flips under width500 (contradicted)"
    assert found[2].startswith("fragile (reproduced at base): flips under width500")
    assert found[3] == ""  # not re-measured by the study
    # in the claims table, where the study ran
    (tmp_path / "stats").mkdir()
    stats.to_csv(tmp_path / "stats" / "sensitivity.csv", index=False)
    claims = evaluate_claims(tmp_path, ["sensitivity"])
    row = claims.set_index("id").loc["tableS5-mnist-d2-fa"]
    assert row["robustness"].startswith("fragile")
    assert "| robustness" in to_markdown(claims) and ">robustness<" in to_html(claims)
    assert set(evaluate_claims(tmp_path, [])["robustness"]) == {""}  # study not run
