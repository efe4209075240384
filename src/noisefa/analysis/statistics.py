"""The paper's tests, each returning one tidy row (SPEC section 3).

The paper's "t-test" is Student's independent two-sample t-test (SciPy's default,
equal variances); it is the primary p of every comparison. Where two groups are
networks that share an initialisation, the paired t-test is reported beside it.
Every row carries n, the statistic, p, an effect size and a 95% confidence interval
(statsmodels); `holm` adds Holm-adjusted p within a family of tests.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW


def _clean(values) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    return arr[np.isfinite(arr)]


def _base(test: str, a: np.ndarray, b: np.ndarray | None = None) -> dict:
    row = {
        "test": test,
        "n_a": a.size,
        "mean_a": a.mean() if a.size else np.nan,
        "sd_a": a.std(ddof=1) if a.size > 1 else np.nan,
    }
    if b is not None:
        row.update(
            {
                "n_b": b.size,
                "mean_b": b.mean() if b.size else np.nan,
                "sd_b": b.std(ddof=1) if b.size > 1 else np.nan,
            }
        )
    return row


def one_sample_t(values, popmean: float) -> dict:
    """One-sample t-test of mean(values) = popmean; Cohen's d = (mean - popmean) / sd."""
    a = _clean(values)
    row = _base("one-sample t", a)
    row["reference"] = popmean
    if a.size < 2:
        return row
    res = stats.ttest_1samp(a, popmean)
    low, high = DescrStatsW(a).tconfint_mean()
    sd = a.std(ddof=1)
    row.update(
        statistic=res.statistic,
        p=res.pvalue,
        effect_size=(a.mean() - popmean) / sd if sd > 0 else np.nan,
        effect_measure="Cohen's d",
        ci_low=low - popmean,
        ci_high=high - popmean,
        ci_of="mean - reference",
    )
    return row


def independent_t(a_values, b_values) -> dict:
    """Student's two-sample t-test (equal variances); Cohen's d with the pooled sd."""
    a, b = _clean(a_values), _clean(b_values)
    row = _base("independent t (Student)", a, b)
    if a.size < 2 or b.size < 2:
        return row
    res = stats.ttest_ind(a, b, equal_var=True)
    pooled = np.sqrt(
        ((a.size - 1) * a.var(ddof=1) + (b.size - 1) * b.var(ddof=1)) / (a.size + b.size - 2)
    )
    low, high = CompareMeans(DescrStatsW(a), DescrStatsW(b)).tconfint_diff(usevar="pooled")
    row.update(
        statistic=res.statistic,
        p=res.pvalue,
        effect_size=(a.mean() - b.mean()) / pooled if pooled > 0 else np.nan,
        effect_measure="Cohen's d",
        ci_low=low,
        ci_high=high,
        ci_of="mean_a - mean_b",
    )
    return row


def paired_t(a_values, b_values) -> dict:
    """Paired t-test on a - b (same networks / initialisations); Cohen's d_z."""
    a, b = np.asarray(a_values, dtype=float), np.asarray(b_values, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"paired samples differ in size: {a.size} vs {b.size}")
    keep = np.isfinite(a) & np.isfinite(b)
    a, b = a[keep], b[keep]
    row = _base("paired t", a, b)
    if a.size < 2:
        return row
    diff = a - b
    if np.all(diff == 0):  # identical pairs: no evidence of a difference (SciPy gives NaN)
        row.update(
            statistic=0.0,
            p=1.0,
            effect_size=0.0,
            effect_measure="Cohen's d_z",
            ci_low=0.0,
            ci_high=0.0,
            ci_of="mean(a - b)",
            note="all pairs identical",
        )
        return row
    res = stats.ttest_rel(a, b)
    low, high = DescrStatsW(diff).tconfint_mean()
    sd = diff.std(ddof=1)
    row.update(
        statistic=res.statistic,
        p=res.pvalue,
        effect_size=diff.mean() / sd if sd > 0 else np.nan,
        effect_measure="Cohen's d_z",
        ci_low=low,
        ci_high=high,
        ci_of="mean(a - b)",
    )
    return row


def wilcoxon_vs(values, reference: float) -> dict:
    """Wilcoxon signed-rank test of values - reference; effect size r = Z / sqrt(n)."""
    a = _clean(values)
    row = _base("Wilcoxon signed-rank", a)
    row["reference"] = reference
    if a.size < 2:
        return row
    res = stats.wilcoxon(a - reference, method="approx")
    z = stats.norm.isf(res.pvalue / 2) * np.sign(np.median(a - reference))
    row.update(
        statistic=res.statistic,
        p=res.pvalue,
        effect_size=z / np.sqrt(a.size),
        effect_measure="r = Z/sqrt(n)",
        median_a=np.median(a),
    )
    return row


def holm(frame: pd.DataFrame, p_column: str = "p") -> pd.DataFrame:
    """Add `p_holm`: Holm-adjusted p over the rows of `frame` that have a p."""
    frame = frame.copy()
    frame["p_holm"] = np.nan
    mask = frame[p_column].notna()
    if mask.any():
        frame.loc[mask, "p_holm"] = multipletests(frame.loc[mask, p_column], method="holm")[1]
    return frame


def stars(p: float) -> str:
    """Significance mark: *** P < 0.001 (the paper's *), ** < 0.01, * < 0.05, else NS."""
    if not np.isfinite(p):
        return "n/a"
    if p < 0.001:
        return "***"
    if p < 0.01:
        return "**"
    if p < 0.05:
        return "*"
    return "NS"
