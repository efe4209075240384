"""The rules study (issue 19): its networks, its tests and its verdicts on known data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import yaml

from noisefa import plan
from noisefa.analysis.statistics import holm
from noisefa.studies.rules import methods
from noisefa.studies.rules.statistics import noise_alignment, noise_effects
from noisefa.studies.rules.verdicts import HELPS, HURTS, INCONCLUSIVE, NO_EFFECT, verdict_table
from tests.conftest import REPO


def test_every_rule_trains_without_and_with_noise_under_itself():
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    assert methods(config) == [
        "bp", "bp_noise", "fa", "fa_noise", "dfa", "dfa_noise", "ss", "ss_noise", "kp", "kp_noise"
    ]  # fmt: skip
    keys = plan.run_keys(config, "rules")
    assert len(keys) == 3 * 2 * 10 * 10  # datasets x depths x methods x networks
    pretrains = {k.rule for k in plan.study_pretrains(config, "rules")}
    assert pretrains == {"bp", "fa", "dfa", "ss", "kp"}


def runs_with(effects: dict[str, tuple[float, float]], n: int = 10) -> pd.DataFrame:
    """AUCs per seed: `<rule>` around 0.80 and `<rule>_noise` shifted by a mean effect
    with some spread, for each rule in `effects` (rule -> (shift, spread))."""
    rng = np.random.default_rng(0)
    rows = []
    for rule, (shift, spread) in effects.items():
        base = 0.80 + 0.01 * rng.standard_normal(n)
        noisy = base + shift + spread * rng.standard_normal(n)
        for seed in range(n):
            for method, value in ((rule, base[seed]), (f"{rule}_noise", noisy[seed])):
                rows.append(
                    {"dataset": "mnist", "depth": 2, "method": method, "seed": seed,
                     "auc_test": value, "final_test_acc": value}
                )  # fmt: skip
    return pd.DataFrame(rows)


def test_verdicts_follow_the_paired_tests():
    runs = runs_with(
        {
            "fa": (0.05, 0.005),  # clearly better with noise
            "dfa": (-0.05, 0.005),  # clearly worse
            "bp": (0.0, 0.001),  # the same within a fraction of a point
            "ss": (0.004, 0.06),  # too noisy to tell
        }
    )
    stats = holm(pd.DataFrame(noise_effects(runs)))
    assert set(stats["test"]) == {"paired t", "independent t (Student)"}
    table = verdict_table(stats, margin_pp=1.0).set_index("rule")
    assert list(table.index) == ["bp", "fa", "dfa", "ss"]  # the rules' own order
    assert table.loc["fa", "AUC verdict"] == HELPS
    assert table.loc["dfa", "AUC verdict"] == HURTS
    assert table.loc["bp", "AUC verdict"] == NO_EFFECT
    assert "TOST" in table.loc["bp", "AUC reason"]
    assert table.loc["ss", "AUC verdict"] == INCONCLUSIVE
    # in percentage points, its CI around the 5-point shift the data were given
    low, high = map(
        float, table.loc["fa", "AUC difference (pp, 95% CI)"][:-1].split("[")[1].split(",")
    )
    assert low < 5 < high


def test_noise_training_alignment_is_tested_per_rule_and_architecture():
    pretrains = pd.DataFrame(
        {
            "dims": ["784x100x10"] * 6,
            "noise": ["gaussian-mean0-std1-n500000"] * 3 + ["gaussian-mean0-std1-n500000-dfa"] * 3,
            "seed": [0, 1, 2] * 2,
            "angle_1_start": [90.0, 91.0, 89.0] * 2,
            "angle_1_end": [70.0, 72.0, 69.0, 88.0, 90.0, 89.5],
        }
    )
    rows = pd.DataFrame(noise_alignment(pretrains)).set_index("rule")
    assert rows.loc["fa", "p"] < 0.05 and rows.loc["fa", "diff"] < -15
    assert rows.loc["dfa", "p"] > 0.05
