"""The statistics rows against SciPy and known values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.power import TTestIndPower, TTestPower
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW, ttost_ind, ttost_paired

from noisefa.analysis.statistics import (
    hedges_correction,
    holm,
    independent_t,
    one_sample_t,
    paired_t,
    samples_for_power,
    stars,
    tost_p,
    two_sided_power,
    welch_from_summary,
    wilcoxon_vs,
)


def samples(seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(1.0, 1.0, 12), rng.normal(0.0, 1.0, 12)


def test_independent_t_is_students_test_with_hedges_g():
    a, b = samples()
    row = independent_t(a, b)
    ref = stats.ttest_ind(a, b, equal_var=True)
    assert row["statistic"] == pytest.approx(ref.statistic)
    assert row["p"] == pytest.approx(ref.pvalue)
    pooled = np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2)  # equal n
    d = (a.mean() - b.mean()) / pooled
    assert row["effect_measure"] == "Hedges' g"
    assert row["effect_size"] == pytest.approx(d * (1 - 3 / (4 * 22 - 1)), rel=1e-3)  # ~J
    assert row["ci_low"] < row["diff"] < row["ci_high"]
    assert row["diff"] == pytest.approx(a.mean() - b.mean())
    assert (row["n_a"], row["n_b"], row["df"]) == (12, 12, 22)


def test_effect_size_interval_inverts_the_noncentral_t():
    a, b = samples()
    row = independent_t(a, b)
    scale = hedges_correction(22) * np.sqrt(1 / 12 + 1 / 12)
    low, high = row["effect_ci_low"] / scale, row["effect_ci_high"] / scale  # as ncp
    assert stats.nct.cdf(row["statistic"], 22, low) == pytest.approx(0.975, abs=1e-6)
    assert stats.nct.cdf(row["statistic"], 22, high) == pytest.approx(0.025, abs=1e-6)
    assert row["effect_ci_low"] < row["effect_size"] < row["effect_ci_high"]
    # large samples: close to the normal approximation of Hedges & Olkin (1985)
    rng = np.random.default_rng(5)
    big = independent_t(rng.normal(0.5, 1, 200), rng.normal(0, 1, 200))
    g = big["effect_size"]
    se = np.sqrt(2 / 200 + g**2 / 800)
    assert big["effect_ci_low"] == pytest.approx(g - 1.96 * se, abs=0.01)
    assert big["effect_ci_high"] == pytest.approx(g + 1.96 * se, abs=0.01)


def test_tost_from_summary_equals_statsmodels_on_the_raw_data():
    a, b = samples(3)
    row = independent_t(a, b)
    for margin in (0.5, 1.5, 3.0):
        p = tost_p(row["diff"], row["se_diff"], row["df"], margin)
        assert p == pytest.approx(ttost_ind(a, b, -margin, margin, usevar="pooled")[0])
        paired = paired_t(a, b)
        p = tost_p(paired["diff"], paired["se_diff"], paired["df"], margin)
        assert p == pytest.approx(ttost_paired(a, b, -margin, margin)[0])


def test_power_matches_cohens_tables():
    # Cohen (1988), two-sided alpha 0.05, power 0.8: d = 0.5 -> 64 per group, 0.8 -> 26
    assert samples_for_power(0.5, paired=False) == 64
    assert samples_for_power(0.8, paired=False) == 26
    assert samples_for_power(-0.8, paired=False) == 26
    assert samples_for_power(0.0, paired=False) == np.inf
    assert samples_for_power(50.0, paired=True) == 2
    a, b = samples()
    assert independent_t(a, b)["n_power80"] == samples_for_power(
        independent_t(a, b)["effect_size"], paired=False
    )


def test_power_where_scipys_far_tail_is_nan_is_simulated_power():
    """d_z = 6 with 2 networks: SciPy's cdf of the negligible lower rejection tail is NaN,
    so statsmodels' power is NaN; that was once read as power 1 ("~2 networks needed").
    The power is the simulated one, about 49%, so 3 networks are needed."""
    assert np.isnan(TTestPower().power(6.0, 2, 0.05))
    rng = np.random.default_rng(0)
    draws = rng.normal(6.0, 1.0, size=(200_000, 2))
    simulated = (stats.ttest_1samp(draws, 0.0, axis=1).pvalue < 0.05).mean()
    assert two_sided_power(6.0, 2, 0.05, True, 1.0) == pytest.approx(simulated, abs=0.005)
    assert samples_for_power(6.0, paired=True) == 3
    # where statsmodels is finite, the same formula gives its value
    assert two_sided_power(1.2, 5, 0.05, False, 1.5) == pytest.approx(
        TTestIndPower().power(1.2, 5, 0.05, ratio=1.5)
    )
    # a stricter level (Holm's first step over 38 tests) needs more
    assert samples_for_power(6.0, paired=True, alpha=0.05 / 38) == 5


def test_welch_from_summary_equals_the_raw_data_test():
    a, b = samples(4)
    a = a[:5]
    welch = welch_from_summary(a.mean(), a.std(ddof=1), 5, b.mean(), b.std(ddof=1), 12)
    assert welch["p"] == pytest.approx(stats.ttest_ind(a, b, equal_var=False).pvalue)
    low, high = CompareMeans(DescrStatsW(a), DescrStatsW(b)).tconfint_diff(usevar="unequal")
    assert (welch["ci_low"], welch["ci_high"]) == pytest.approx((low, high))
    assert np.isnan(welch_from_summary(1.0, np.nan, 1, 2.0, 0.1, 3)["p"])


def test_paired_and_one_sample():
    a, b = samples(1)
    row = paired_t(a, b)
    assert row["p"] == pytest.approx(stats.ttest_rel(a, b).pvalue)
    d = a - b
    assert row["effect_size"] == pytest.approx(d.mean() / d.std(ddof=1))
    assert row["effect_measure"] == "Cohen's d_z" and row["df"] == 11
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
