"""The statistics rows against SciPy and known values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from noisefa.analysis.statistics import (
    holm,
    independent_t,
    one_sample_t,
    paired_t,
    stars,
    wilcoxon_vs,
)


def samples(seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(1.0, 1.0, 12), rng.normal(0.0, 1.0, 12)


def test_independent_t_is_students_test_with_pooled_cohens_d():
    a, b = samples()
    row = independent_t(a, b)
    ref = stats.ttest_ind(a, b, equal_var=True)
    assert row["statistic"] == pytest.approx(ref.statistic)
    assert row["p"] == pytest.approx(ref.pvalue)
    pooled = np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2)  # equal n
    assert row["effect_size"] == pytest.approx((a.mean() - b.mean()) / pooled)
    assert row["ci_low"] < a.mean() - b.mean() < row["ci_high"]
    assert (row["n_a"], row["n_b"]) == (12, 12)


def test_paired_and_one_sample():
    a, b = samples(1)
    row = paired_t(a, b)
    assert row["p"] == pytest.approx(stats.ttest_rel(a, b).pvalue)
    d = a - b
    assert row["effect_size"] == pytest.approx(d.mean() / d.std(ddof=1))
    one = one_sample_t(a, 90.0)
    assert one["p"] < 1e-10 and one["effect_size"] < 0
    with pytest.raises(ValueError):
        paired_t(a, b[:5])


def test_wilcoxon_at_chance_is_not_significant_and_away_from_it_is():
    rng = np.random.default_rng(2)
    assert wilcoxon_vs(rng.normal(0.1, 0.02, 1000), 0.1)["p"] > 0.001
    assert wilcoxon_vs(rng.normal(0.2, 0.02, 1000), 0.1)["p"] < 1e-6


def test_holm_adjusts_upwards_and_keeps_order():
    frame = pd.DataFrame({"p": [0.01, 0.04, 0.03, np.nan]})
    adjusted = holm(frame)["p_holm"]
    assert adjusted[0] == pytest.approx(0.03)
    assert (adjusted[:3] >= frame["p"][:3]).all()
    assert np.isnan(adjusted[3])


def test_too_few_samples_give_no_p_rather_than_an_error():
    assert "p" not in independent_t([1.0], [2.0, 3.0])


def test_stars():
    assert stars(1e-5) == "***" and stars(0.2) == "NS" and stars(float("nan")) == "n/a"


def test_identical_pairs_are_no_difference_not_nan():
    row = paired_t([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    assert row["p"] == 1.0 and row["statistic"] == 0.0 and row["note"] == "all pairs identical"
