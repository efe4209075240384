"""The paper's tests, each returning one tidy row (SPEC section 3).

The paper's "t-test" is Student's independent two-sample t-test (SciPy's default,
equal variances); it is the primary p of every comparison. Where two groups are
networks that share an initialisation, the paired t-test is reported beside it.
Every t-test row carries n, the statistic, p, the mean difference (`diff`) with its
standard error, degrees of freedom and 95% confidence interval (statsmodels), an
effect size with its 95% confidence interval (Hedges' g for independent groups,
Cohen's d_z for paired samples, Cohen's d for one sample; the interval inverts
SciPy's noncentral t), and `n_power80`: the sample size per group that would give
80% power to detect the observed effect at alpha = 0.05 (statsmodels' power classes;
`two_sided_power` where SciPy's far tail is NaN).
`holm` adds Holm-adjusted p within a family of tests.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import optimize, special, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import TTestIndPower, TTestPower
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

ALPHA = 0.05
POWER = 0.8


def nct_cdf(t: float, df: float, ncp: float) -> float:
    """SciPy's noncentral t cdf, whose NaN far in the tails at small df (checked against
    numerical integration: only where the cdf is ~0 or ~1) is read as that tail."""
    cdf = stats.nct.cdf(t, df, ncp)
    if not np.isfinite(cdf):
        return 0.0 if ncp > t else 1.0
    return float(cdf)


def two_sided_power(effect: float, n: int, alpha: float, paired: bool, ratio: float) -> float:
    """Power of the two-sided t-test, by the formula statsmodels uses, where its sum of
    the two rejection tails is NaN because SciPy's cdf of the far (negligible) tail is:
    reading that tail as 0 gives the power, not 1."""
    if paired:
        df, ncp = n - 1, effect * np.sqrt(n)
    else:
        n_b = n * ratio
        df, ncp = n + n_b - 2, effect * np.sqrt(n * n_b / (n + n_b))
    crit = stats.t.isf(alpha / 2, df)
    return 1.0 - nct_cdf(crit, df, ncp) + nct_cdf(-crit, df, ncp)


def _noncentrality_interval(t: float, df: float, level: float = 0.95) -> tuple[float, float]:
    """Confidence interval of the noncentrality parameter behind an observed t statistic:
    the ncp values whose noncentral t puts `t` at its upper and lower (1 - level)/2
    quantiles (Steiger & Fouladi 1997). Effect-size intervals are this, rescaled."""
    if not (np.isfinite(t) and df > 0):
        return np.nan, np.nan
    tail = (1 - level) / 2

    def solve(q: float) -> float:
        def f(ncp):
            return nct_cdf(t, df, ncp) - q

        width = 10.0 + abs(t)
        low, high = t - width, t + width
        for _ in range(20):  # widen until the root is bracketed (cdf falls as ncp grows)
            if f(low) > 0 > f(high):
                return optimize.brentq(f, low, high, xtol=1e-10)
            low, high = low - width, high + width
        return np.nan

    return solve(1 - tail), solve(tail)


def hedges_correction(df: float) -> float:
    """Exact small-sample correction J(df) = Gamma(df/2) / (sqrt(df/2) Gamma((df-1)/2))."""
    if df <= 1:
        return np.nan
    return float(np.exp(special.gammaln(df / 2) - special.gammaln((df - 1) / 2)) / np.sqrt(df / 2))


def samples_for_power(
    effect: float, paired: bool, ratio: float = 1.0, alpha: float = ALPHA
) -> float:
    """Sample size (per group) giving 80% power at `alpha`, two-sided, for `effect`."""
    effect = abs(effect)
    if not np.isfinite(effect) or effect < 1e-6:
        return np.inf
    power = TTestPower() if paired else TTestIndPower()
    kwargs = {} if paired else {"ratio": ratio}

    def power_at(n: int) -> float:
        value = power.power(effect, n, alpha, **kwargs)
        return (
            float(value) if np.isfinite(value) else two_sided_power(effect, n, alpha, paired, ratio)
        )

    for n in range(2, 51):  # small samples by scan: the solver fails for large effects
        if power_at(n) >= POWER:
            return float(n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # non-convergence is reported as NaN below
        n = power.solve_power(effect_size=effect, alpha=alpha, power=POWER, **kwargs)
    n = float(np.squeeze(n))
    return float(np.ceil(n)) if np.isfinite(n) else np.nan


def _effect_columns(measure: str, effect: float, low: float, high: float, n_power: float) -> dict:
    return {
        "effect_size": effect,
        "effect_measure": measure,
        "effect_ci_low": low,
        "effect_ci_high": high,
        "n_power80": n_power,
    }


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
    row.update(_one_sample_columns(a - popmean, "Cohen's d", "mean - reference"))
    return row


def _mean_difference(diff: np.ndarray, ci_of: str) -> dict:
    """t-test of mean(diff) = 0 with the difference's SE, df and 95% CI."""
    res = stats.ttest_1samp(diff, 0.0)
    low, high = DescrStatsW(diff).tconfint_mean()
    return {
        "statistic": res.statistic,
        "p": res.pvalue,
        "diff": diff.mean(),
        "se_diff": diff.std(ddof=1) / np.sqrt(diff.size),
        "df": diff.size - 1,
        "ci_low": low,
        "ci_high": high,
        "ci_of": ci_of,
    }


def _one_sample_columns(diff: np.ndarray, measure: str, ci_of: str) -> dict:
    """`_mean_difference` (one sample, or paired on differences) with its effect size."""
    columns = _mean_difference(diff, ci_of)
    n, sd = diff.size, diff.std(ddof=1)
    if sd > 0:
        ncp_low, ncp_high = _noncentrality_interval(columns["statistic"], n - 1)
        d = diff.mean() / sd
        columns.update(
            _effect_columns(
                measure, d, ncp_low / np.sqrt(n), ncp_high / np.sqrt(n), samples_for_power(d, True)
            )
        )
    return columns


def independent_t(a_values, b_values) -> dict:
    """Student's two-sample t-test (equal variances); Cohen's d with the pooled sd."""
    a, b = _clean(a_values), _clean(b_values)
    row = _base("independent t (Student)", a, b)
    if a.size < 2 or b.size < 2:
        return row
    res = stats.ttest_ind(a, b, equal_var=True)
    df = a.size + b.size - 2
    pooled = np.sqrt(((a.size - 1) * a.var(ddof=1) + (b.size - 1) * b.var(ddof=1)) / df)
    compared = CompareMeans(DescrStatsW(a), DescrStatsW(b))
    low, high = compared.tconfint_diff(usevar="pooled")
    row.update(
        statistic=res.statistic,
        p=res.pvalue,
        diff=a.mean() - b.mean(),
        se_diff=compared.std_meandiff_pooledvar,
        df=df,
        ci_low=low,
        ci_high=high,
        ci_of="mean_a - mean_b",
    )
    if pooled > 0:
        scale = np.sqrt(1 / a.size + 1 / b.size)  # d = t * scale
        j = hedges_correction(df)
        ncp_low, ncp_high = _noncentrality_interval(res.statistic, df)
        g = j * (a.mean() - b.mean()) / pooled
        row.update(
            _effect_columns(
                "Hedges' g",
                g,
                j * ncp_low * scale,
                j * ncp_high * scale,
                samples_for_power(g, False, b.size / a.size),
            )
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
            diff=0.0,
            se_diff=0.0,
            df=a.size - 1,
            ci_low=0.0,
            ci_high=0.0,
            ci_of="mean(a - b)",
            note="all pairs identical",
            **_effect_columns("Cohen's d_z", 0.0, 0.0, 0.0, np.inf),
        )
        return row
    row.update(_one_sample_columns(diff, "Cohen's d_z", "mean(a - b)"))
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
    mean = _mean_difference(a - reference, "mean - reference")
    row.update(
        statistic=res.statistic,
        p=res.pvalue,
        effect_size=z / np.sqrt(a.size),
        effect_measure="r = Z/sqrt(n)",
        median_a=np.median(a),
        # the mean's difference from the reference, for equivalence (TOST) on the mean
        **{k: mean[k] for k in ("diff", "se_diff", "df", "ci_low", "ci_high", "ci_of")},
    )
    return row


def tost_p(diff: float, se: float, df: float, margin: float) -> float:
    """Two one-sided tests (TOST) of |true difference| < margin, from a t-based estimate:
    the larger of the two one-sided p values. Equals statsmodels' ttost_ind / ttost_paired
    on the raw data (tested); summary form so that the margin can be set per claim."""
    if not (np.isfinite(diff) and np.isfinite(se) and df > 0) or margin <= 0:
        return np.nan
    if se == 0:
        return 0.0 if abs(diff) < margin else 1.0
    p_low = stats.t.sf((diff + margin) / se, df)  # H0: diff <= -margin
    p_high = stats.t.cdf((diff - margin) / se, df)  # H0: diff >= +margin
    return float(max(p_low, p_high))


def welch_from_summary(
    mean_a: float, sd_a: float, n_a: int, mean_b: float, sd_b: float, n_b: int
) -> dict:
    """Welch's t-test from summary statistics (scipy's ttest_ind_from_stats), with the
    difference a - b and its 95% confidence interval (Welch-Satterthwaite df)."""
    out = {
        "diff": mean_a - mean_b,
        "p": np.nan,
        "ci_low": np.nan,
        "ci_high": np.nan,
        "se": np.nan,
        "df": np.nan,
    }
    if n_a < 2 or n_b < 2 or not (np.isfinite(sd_a) and np.isfinite(sd_b)):
        return out
    var_a, var_b = sd_a**2 / n_a, sd_b**2 / n_b
    se = np.sqrt(var_a + var_b)
    if se == 0:
        return out
    res = stats.ttest_ind_from_stats(mean_a, sd_a, n_a, mean_b, sd_b, n_b, equal_var=False)
    df = se**4 / (var_a**2 / (n_a - 1) + var_b**2 / (n_b - 1))
    half = stats.t.ppf(0.975, df) * se
    out.update(
        p=float(res.pvalue),
        ci_low=out["diff"] - half,
        ci_high=out["diff"] + half,
        se=float(se),
        df=float(df),
    )
    return out


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
