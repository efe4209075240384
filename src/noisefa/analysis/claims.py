"""Each claim of the paper beside our measurement, with a verdict.

The rule (stated again at the top of the report and in docs/methods.md):

- *reproduced*: a difference claim is significant (p < alpha, two-sided, Student's t
  unless the claim names another test) in the claimed direction; a no-difference claim
  is shown equivalent by TOST within the margin the claim states;
- *contradicted*: significant in the opposite direction; or, for a no-difference claim,
  a difference whose whole 95% confidence interval lies beyond the margin;
- *inconclusive*: neither. The reason gives the observed direction, n, and the sample
  size that would give 80% power for the observed effect;
- *not run*: the study, the data or the condition is not in this configuration.

A claim about several results ("every depth") is reproduced when every one is,
contradicted when one is (most: when a majority can no longer be reproduced), and
inconclusive otherwise. Table S5 numbers are compared like with like: ours and the
paper's are both mean +- sd of networks, so a Welch test from summary statistics
decides; reproduced within the tolerance, contradicted beyond it when the test is
significant, and a cell trained on fewer images than the paper's is never contradicted.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

from ..errors import ResultError
from ..job_files import read_table
from ..paper import DATASET_TITLES, PAPER_DEPTHS, paper_claims
from .statistics import samples_for_power, tost_p, welch_from_summary
from .tables import ROWS, not_run

REPRODUCED, CONTRADICTED, INCONCLUSIVE, NOT_RUN = (
    "reproduced",
    "contradicted",
    "inconclusive",
    "not run",
)
VERDICTS = (REPRODUCED, CONTRADICTED, INCONCLUSIVE, NOT_RUN)
PRIMARY = "independent t (Student)"
OPPOSITE = "direction opposite"  # an inconclusive reason's opening (figures.marks reads it)


@dataclass
class Verdict:
    id: str
    figure: str
    claim: str
    paper: str
    ours: str = ""
    test: str = ""
    n: str = ""
    effect: str = ""  # effect size with its 95% CI
    difference: str = ""  # mean difference with its 95% CI
    p: str = ""
    p_paired: str = ""
    p_holm: str = ""
    verdict: str = NOT_RUN
    reason: str = ""
    kind: str = "claim"  # "claim" (a statement) or "number" (a Table S5 value)


@dataclass
class Judgement:
    """One result row judged against one expectation."""

    verdict: str
    reason: str = ""
    n_needed: float = np.nan


class Results:
    """The result tables a claim may read (missing ones read as None)."""

    def __init__(self, folder: Path, enabled: list[str], left_out: dict | None = None):
        self.folder, self.enabled = Path(folder), set(enabled)
        self.left_out = left_out or {}  # {study: [datasets this run could not have]}

    def absent(self, study: str) -> str:
        """Why a study has no results: its data could not be had, or it is off."""
        if study in self.left_out:
            return not_run(*self.left_out[study])
        return f"study {study} not in this configuration"

    def stats(self, study: str) -> pd.DataFrame | None:
        path = self.folder / "stats" / f"{study}.csv"
        return validated(read_table(path), path, STATS_CHECKS) if path.is_file() else None

    def accuracy_table(self) -> pd.DataFrame | None:
        for name in ("tableS5", "table1"):
            path = self.folder / "tables" / f"{name}.csv"
            if path.is_file():
                return validated(read_table(path), path, TABLE_CHECKS)
        return None


def _is_probability(x: float) -> bool:
    return 0.0 <= x <= 1.0


def _is_count(x: float) -> bool:
    return x >= 1 and float(x).is_integer()


# What a number read into a verdict must be (NaN means "no test" and is allowed).
STATS_CHECKS = {
    "p": (_is_probability, "a probability in [0, 1]"),
    "p_paired": (_is_probability, "a probability in [0, 1]"),
    "p_holm": (_is_probability, "a probability in [0, 1]"),
    "n_a": (_is_count, "a count of at least 1"),
    "n_b": (_is_count, "a count of at least 1"),
    "se_diff": (lambda x: x >= 0, "a standard error >= 0"),
    "df": (lambda x: x > 0, "degrees of freedom > 0"),
}
TABLE_CHECKS = {
    "n": (lambda x: x >= 0 and float(x).is_integer(), "a count"),
    "sd": (lambda x: x >= 0, "a standard deviation >= 0"),
}
# (`statistic` may be infinite: a t of two groups without spread.)
FINITE_COLUMNS = ("mean_a", "mean_b", "diff", "ci_low", "ci_high", "mean")


def validated(frame: pd.DataFrame, path: Path, checks: dict) -> pd.DataFrame:
    """`frame` if every number a verdict may read is what it must be; else an error
    naming the file, the row (as a spreadsheet counts it, header = row 1) and column."""
    for column in [*checks, *FINITE_COLUMNS]:
        if column not in frame:
            continue
        values = pd.to_numeric(frame[column], errors="coerce")
        for i, (value, raw) in enumerate(zip(values, frame[column], strict=True)):
            where = f"{path}, row {i + 2}, column {column}"
            if np.isnan(value):
                if not pd.isna(raw) and str(raw).strip() not in ("", "nan", "NaN", "None"):
                    raise ResultError(f"{where}: {raw!r} is not a number")
                continue
            if not np.isfinite(value):
                raise ResultError(f"{where}: {raw} is not finite")
            if column in checks and not checks[column][0](value):
                raise ResultError(f"{where}: {raw} is not {checks[column][1]}")
    if {"test", "n_a", "n_b"} <= set(frame):
        paired = frame[frame["test"] == "paired t"]
        unequal = paired[paired["n_a"].notna() & (paired["n_a"] != paired["n_b"])]
        if len(unequal):
            i = unequal.index[0]
            raise ResultError(
                f"{path}, row {i + 2}: a paired test of {unequal.loc[i, 'n_a']:g} against "
                f"{unequal.loc[i, 'n_b']:g} networks (a paired design needs one pair per seed)"
            )
    return frame


def matches(column: pd.Series, condition) -> pd.Series:
    if isinstance(condition, dict):
        ((op, value),) = condition.items()
        if op == "startswith":
            return column.astype(str).str.startswith(value)
        if op == "gt":
            return column > value
        if op == "lt":
            return column < value
        if op == "in":
            return column.astype(str).isin([str(v) for v in value])
        raise ValueError(f"unknown condition {op!r}")
    if pd.api.types.is_numeric_dtype(column) and not isinstance(condition, str):
        return column == condition
    return column.astype(str) == str(condition)


def _fmt_p(p: float) -> str:
    if p is None or not np.isfinite(p):
        return ""
    return f"{p:.1e}" if p < 0.001 else f"{p:.3f}"


def _fmt_num(x: float) -> str:
    return f"{x:.3g}" if abs(x) < 1e4 else f"{x:.2e}"


def _interval(value, low, high) -> str:
    if value is None or not np.isfinite(value):
        return ""
    if low is None or not (np.isfinite(low) and np.isfinite(high)):
        return _fmt_num(value)
    return f"{_fmt_num(value)} [{_fmt_num(low)}, {_fmt_num(high)}]"


def _get(row, key: str) -> float:
    value = row.get(key, np.nan)
    try:
        return float(value)
    except (TypeError, ValueError):
        return np.nan


def _direction(row) -> float:
    """Sign of the estimated effect (a - b, or a - reference)."""
    for value in (_get(row, "diff"), _get(row, "mean_a") - _get(row, "mean_b")):
        if np.isfinite(value):
            return float(np.sign(value))
    return float(np.sign(_get(row, "statistic"))) if np.isfinite(_get(row, "statistic")) else 0.0


def _n_text(row) -> str:
    n_a, n_b = _get(row, "n_a"), _get(row, "n_b")
    if not np.isfinite(n_a):
        return ""
    return f"{int(n_a)}" + (f"+{int(n_b)}" if np.isfinite(n_b) else "")


def _unit(row) -> str:
    """What one sample is ('networks', 'neurons', ...), for the power sentence."""
    unit = row.get("unit")
    if not isinstance(unit, str) or not unit:
        return "samples"
    return unit.split(" of ")[0].split(",")[0]


def _power_clause(row, alpha: float) -> tuple[str, float]:
    """How many samples would give 80% power for the observed effect, derived from the
    row's effect size at the level its verdict reads: in a family of m tests Holm's
    strictest step, alpha / m (Bonferroni's), which suffices whatever the other tests
    show, where alpha alone can name fewer networks than were run."""
    effect = _get(row, "effect_size")
    if not np.isfinite(effect):
        return "", np.nan
    independent = np.isfinite(_get(row, "n_b")) and "paired" not in str(row["test"])
    ratio = _get(row, "n_b") / _get(row, "n_a") if independent else 1.0
    tests = _get(row, "family_size")
    tests = int(tests) if np.isfinite(tests) and tests > 1 else 1
    needed = samples_for_power(effect, not independent, ratio, alpha / tests)
    if np.isinf(needed):
        return "no effect observed", needed
    if not np.isfinite(needed):
        return "", needed
    per = "per group " if independent else ""
    level = f" at alpha = {alpha:g}/{tests} (Holm over {tests} tests)" if tests > 1 else ""
    return f"~{int(needed)} {_unit(row)} {per}needed for 80% power{level}", needed


def margin_power(row, margin: float, alpha: float, two_sided: bool = True) -> tuple[float, float]:
    """A-priori power of the margin test at this row's n when the true difference is 0
    (statsmodels' t-test power; the row's own spread as the planning value), and the n
    per group that would give 80%. TOST at difference 0 passes when both one-sided tests
    do: power = 2 x one-sided power - 1."""
    from statsmodels.stats.power import TTestIndPower, TTestPower

    n, se = _get(row, "n_a"), _get(row, "se_diff")
    if not (np.isfinite(n) and np.isfinite(se) and se > 0 and n > 1):
        return np.nan, np.nan
    independent = np.isfinite(_get(row, "n_b")) and str(row.get("test", "")).startswith(
        "independent"
    )
    solver = TTestIndPower() if independent else TTestPower()
    sd = se * np.sqrt(n / 2) if independent else se * np.sqrt(n)
    effect = margin / sd
    one = (
        solver.power(effect_size=effect, nobs1=n, alpha=alpha, alternative="larger")
        if (independent)
        else solver.power(effect_size=effect, nobs=n, alpha=alpha, alternative="larger")
    )
    power = max(0.0, 2 * one - 1) if two_sided else one
    target = 0.9 if two_sided else 0.8  # TOST 80% <=> each one-sided test 90%
    import warnings

    with warnings.catch_warnings():  # a root finder that gives up returns nan: fine here
        warnings.simplefilter("ignore")
        try:
            needed = float(
                solver.solve_power(
                    effect_size=effect, alpha=alpha, power=target, alternative="larger"
                )
            )
        except (ValueError, RuntimeError):
            needed = np.nan
    return float(power), needed


def _with_power(judged: Judgement, row, margin: float, alpha: float, two_sided: bool):
    power, needed = margin_power(row, margin, alpha, two_sided)
    if not np.isfinite(power):
        return judged
    text = f"a-priori power at n = {_n_text(row)}: {power:.0%}"
    if power < 0.8:
        text += f" (underpowered by design; 80% needs ~{int(np.ceil(needed))} per group)"
    return Judgement(judged.verdict, f"{judged.reason}; {text}", judged.n_needed)


def judge(row, expect: str, alpha: float, margin: float | None = None) -> Judgement:
    """One result row against one expectation; margin claims state their power."""
    judged = _judge(row, expect, alpha, margin)
    if expect in ("same", "at_most") and margin is not None:
        return _with_power(judged, row, margin, alpha, two_sided=expect == "same")
    return judged


def _judge(row, expect: str, alpha: float, margin: float | None = None) -> Judgement:
    """One result row against one expectation (higher / lower / different / same)."""
    p = _get(row, "p")
    if not np.isfinite(p):
        return Judgement(INCONCLUSIVE, f"no test (n = {_n_text(row)})")
    significant = p < alpha
    direction = _direction(row)
    n = f"n = {_n_text(row)}"
    if expect in ("higher", "lower"):
        claimed = 1.0 if expect == "higher" else -1.0
        if significant and direction == claimed:
            return Judgement(REPRODUCED)
        if significant and direction == -claimed:
            return Judgement(CONTRADICTED, "significant in the opposite direction")
        power, needed = _power_clause(row, alpha)
        observed = "direction as claimed" if direction == claimed else OPPOSITE
        if direction == 0:
            observed = "no difference observed"
        return Judgement(
            INCONCLUSIVE, "; ".join(x for x in (f"{observed}, NS", n, power) if x), needed
        )
    if expect == "different":
        if significant:
            return Judgement(REPRODUCED)
        power, needed = _power_clause(row, alpha)
        return Judgement(INCONCLUSIVE, "; ".join(x for x in ("NS", n, power) if x), needed)
    if expect == "same":
        if margin is None:
            raise ValueError("a 'same' claim needs an equivalence margin")
        diff, low, high = _get(row, "diff"), _get(row, "ci_low"), _get(row, "ci_high")
        p_tost = tost_p(diff, _get(row, "se_diff"), _get(row, "df"), margin)
        ci = _interval(diff, low, high)
        if np.isfinite(p_tost) and p_tost < alpha:
            return Judgement(
                REPRODUCED, f"equivalent within ±{margin:g} (TOST P = {_fmt_p(p_tost)})"
            )
        if significant and np.isfinite(low) and (low > margin or high < -margin):
            return Judgement(CONTRADICTED, f"difference {ci} lies beyond the margin ±{margin:g}")
        return Judgement(
            INCONCLUSIVE,
            f"difference {ci} not shown within ±{margin:g} (TOST P = {_fmt_p(p_tost)}); {n}",
        )
    if expect == "at_most":
        # one-sided, as worded ("no closer", "no more than"): a - b <= margin
        if margin is None:
            raise ValueError("an 'at_most' claim needs a margin")
        diff, low, high = _get(row, "diff"), _get(row, "ci_low"), _get(row, "ci_high")
        se, df = _get(row, "se_diff"), _get(row, "df")
        p_one = stats.t.cdf((diff - margin) / se, df) if se > 0 and df > 0 else np.nan
        ci = _interval(diff, low, high)
        if np.isfinite(p_one) and p_one < alpha:
            return Judgement(
                REPRODUCED,
                f"difference {ci} shown below +{margin:g} (one-sided P = {_fmt_p(p_one)})",
            )
        if np.isfinite(low) and low > margin:
            return Judgement(CONTRADICTED, f"difference {ci} lies wholly above +{margin:g}")
        return Judgement(
            INCONCLUSIVE,
            f"difference {ci} not shown below +{margin:g} (one-sided P = {_fmt_p(p_one)}); {n}",
        )
    raise ValueError(f"unknown expectation {expect!r}")


def combine(judgements: list[Judgement], quantifier: str = "all") -> Judgement:
    """Several results of one claim: all (default) or most of them must hold."""
    count = {v: sum(j.verdict == v for j in judgements) for v in VERDICTS}
    total = len(judgements)
    if quantifier == "all":
        if count[CONTRADICTED]:
            verdict = CONTRADICTED
        elif count[REPRODUCED] == total:
            verdict = REPRODUCED
        else:
            verdict = INCONCLUSIVE
    elif quantifier == "most":
        if count[REPRODUCED] > total / 2:
            verdict = REPRODUCED
        elif total - count[CONTRADICTED] <= total / 2:
            verdict = CONTRADICTED
        else:
            verdict = INCONCLUSIVE
    else:
        raise ValueError(f"unknown quantifier {quantifier!r}")
    if verdict == REPRODUCED and total == 1:
        return Judgement(REPRODUCED, judgements[0].reason)
    if total == 1:
        return judgements[0]
    parts = [f"{count[REPRODUCED]} of {total} results as claimed"]
    if count[CONTRADICTED]:
        parts.append(f"{count[CONTRADICTED]} contradicted")
    pending = [j for j in judgements if j.verdict == INCONCLUSIVE]
    if pending and verdict != REPRODUCED:
        worst = max(pending, key=lambda j: j.n_needed if np.isfinite(j.n_needed) else -1)
        parts.append(f"{len(pending)} inconclusive (e.g. {worst.reason})")
    return Judgement(verdict, "; ".join(parts))


def _describe(row) -> str:
    label = " ".join(
        f"{k}={row[k]:g}" if isinstance(row[k], float) else f"{k}={row[k]}"
        for k in (
            "depth",
            "dataset",
            "task",
            "test_set",
            "train_size",
            "variant",
            "std",
            "distribution",
            "noise_epochs",
            "layer",
        )
        if k in row and pd.notna(row[k]) and row[k] != ""
    )
    means = (
        f"{row['mean_a']:.4g} vs {row['mean_b']:.4g}"
        if pd.notna(row.get("mean_b"))
        else f"{row['mean_a']:.4g}"
    )
    return f"{label + ': ' if label else ''}{means}"


def _join(rows: pd.DataFrame, fmt) -> str:
    return "; ".join(x for x in (fmt(r) for _, r in rows.iterrows()) if x)


def _effect_text(row) -> str:
    text = _interval(
        _get(row, "effect_size"), _get(row, "effect_ci_low"), _get(row, "effect_ci_high")
    )
    measure = row.get("effect_measure")
    short = {"Hedges' g": "g", "Cohen's d_z": "d_z", "Cohen's d": "d"}.get(measure, measure)
    return f"{short} = {text}" if text and isinstance(short, str) else text


def _row_columns(rows: pd.DataFrame) -> dict:
    """The columns every test-based verdict shows: n, effect, difference, p values."""
    return {
        "ours": _join(rows, _describe),
        "test": str(rows["test"].iloc[0]),
        "n": ", ".join(sorted({_n_text(r) for _, r in rows.iterrows()})),
        "effect": _join(rows, _effect_text),
        "difference": _join(
            rows, lambda r: _interval(_get(r, "diff"), _get(r, "ci_low"), _get(r, "ci_high"))
        ),
        "p": _join(rows, lambda r: _fmt_p(_get(r, "p"))),
        "p_paired": _join(rows, lambda r: _fmt_p(_get(r, "p_paired"))),
        "p_holm": _join(rows, lambda r: _fmt_p(_get(r, "p_family"))),
    }


@dataclass(frozen=True)
class Match:
    """The statistics rows a claim reads, or None and why there are none."""

    rows: pd.DataFrame | None
    missing: str = ""


# The test each design is judged by. `paired`: the two groups are the same networks, or
# networks that share their seed (one seed fixes W, B and the data order for BP, FA and
# FA after noise); `independent`: different networks (other depths, other neurons);
# `one-sample`: a measure against a fixed reference.
DESIGNS = {
    "paired": "paired t",
    "independent": "independent t (Student)",
    "one-sample": "one-sample t",
}


def test_of(spec: dict) -> str:
    """The statistics rows a claim reads: its design's test, unless it names another
    (a rank test, say) for that design."""
    if "test" in spec:
        return spec["test"]
    design = spec.get("design")
    if design not in DESIGNS:
        raise ValueError(f"a test claim needs a design, one of {sorted(DESIGNS)}: {spec}")
    return DESIGNS[design]


def matching_rows(spec: dict, results: Results) -> Match:
    study = spec["study"]
    if study not in results.enabled:
        return Match(None, results.absent(study))
    stats = results.stats(study)
    if stats is None:
        return Match(None, f"results/stats/{study}.csv missing")
    rows = stats[stats["test"] == test_of(spec)]
    for column, condition in spec.get("where", {}).items():
        if column not in rows:
            return Match(None, f"no column {column} in the {study} statistics")
        rows = rows[matches(rows[column], condition)]
    if rows.empty:
        return Match(None, "no matching result in this configuration")
    return Match(rows)


def family_holm(rows: pd.DataFrame) -> pd.DataFrame:
    """`rows` with `p_family`: Holm-adjusted over the rows of one claim (its family: the
    results the claim makes a statement about together), by statsmodels' multipletests.
    Verdicts read it: a claim over 40 conditions pays for its 40 chances."""
    rows = rows.copy()
    p = pd.to_numeric(rows["p"], errors="coerce")
    rows["p_family"] = np.nan
    mask = p.notna()
    if mask.any():
        rows.loc[mask, "p_family"] = multipletests(p[mask], method="holm")[1]
    rows["family_size"] = int(mask.sum())  # the power sentence plans at alpha / size
    return rows


def judge_rows(rows: pd.DataFrame, spec: dict, alpha: float) -> dict:
    """The verdict of a claim over its statistics rows, with the columns every row shows.
    Significance is read from the Holm-adjusted p over the claim's rows."""
    rows = family_holm(rows)
    judged = [
        judge({**r, "p": r["p_family"]}, spec["expect"], alpha, spec.get("margin"))
        for _, r in rows.iterrows()
    ]
    outcome = combine(judged, spec.get("quantifier", "all"))
    return {**_row_columns(rows), "verdict": outcome.verdict, "reason": outcome.reason}


def check_test(spec: dict, results: Results, alpha: float) -> dict:
    match = matching_rows(spec, results)
    if match.rows is None:
        return {"verdict": NOT_RUN, "reason": match.missing}
    return judge_rows(match.rows, spec, alpha)


def check_auc_gap_fraction(spec: dict, results: Results, alpha: float) -> dict:
    """At least half of the FA-BP gap closed: the per-seed contrast fa_noise - (fa + bp)/2
    is > 0 for a measure where higher is better (fast_learning's 'midpoint' row; `expect:
    lower` for a loss); the fraction closed is shown beside it."""
    measure = spec.get("measure", "AUC of test accuracy")
    contrast = {
        "study": spec["study"],
        "design": "one-sample",
        "where": {
            "comparison": "fa_noise vs midpoint of fa and bp",
            "measure": measure,
            "depth": spec["depth"],
        },
        "expect": spec.get("expect", "higher"),
    }
    match = matching_rows(contrast, results)
    if match.rows is None:
        return {"verdict": NOT_RUN, "reason": match.missing}
    row = match.rows.iloc[0]
    return {
        **judge_rows(match.rows, contrast, alpha),
        "ours": f"{100 * _get(row, 'fraction_of_gap_closed'):.0f}% of the gap in {measure} "
        f"closed; fa_noise - (fa + bp)/2 = {_get(row, 'mean_a'):+.4f}",
    }


def check_compute_budget_optimum(spec: dict, results: Results, alpha: float) -> dict:
    study = spec["study"]
    s = results.stats(study) if study in results.enabled else None
    if s is None:
        return {"verdict": NOT_RUN, "reason": results.absent(study)}
    optimum = int(s[s["comparison"] == "optimal noise duration"]["statistic"].iloc[0])
    rows = s[
        (s["measure"] == "test accuracy at best validation epoch")
        & (s["noise_epochs"] == optimum)
        & (s["test"] == DESIGNS["paired"])  # the same seeds with and without noise
    ]
    if rows.empty:
        reason = f"the optimum is {optimum} noise epochs (no pretraining)"
        return {"verdict": NOT_RUN, "reason": reason}
    r = rows.iloc[0]
    accuracy = f"{100 * r.mean_a:.2f}% vs {100 * r.mean_b:.2f}% without noise"
    return {
        **judge_rows(rows, {"expect": "higher"}, alpha),
        "ours": f"optimum {optimum} noise epochs: accuracy {accuracy}",
    }


def check_summary_test(spec: dict, results: Results, alpha: float) -> dict:
    """A one-sample test of one group of a statistics row against a reference, from the
    row's summary (mean, sd, n of that group: exact for a t-test). It lets a claim test
    the unit it is about (networks, not the neurons of one network) from rows the study
    already writes."""
    match = matching_rows(spec, results)
    if match.rows is None:
        return {"verdict": NOT_RUN, "reason": match.missing}
    source = match.rows.iloc[0]
    g = spec["group"]
    mean, sd, n = _get(source, f"mean_{g}"), _get(source, f"sd_{g}"), _get(source, f"n_{g}")
    ref = float(spec["reference"])
    se = sd / np.sqrt(n)
    diff, df = mean - ref, n - 1
    half = stats.t.ppf(0.975, df) * se
    p = 2 * stats.t.sf(abs(diff) / se, df) if se > 0 else (0.0 if diff else 1.0)
    row = {
        **{k: source[k] for k in ("figure", "unit", "measure") if k in source},
        "test": "one-sample t (from the row's summary)",
        "n_a": n, "mean_a": mean, "mean_b": ref, "diff": diff, "se_diff": se, "df": df,
        "ci_low": diff - half, "ci_high": diff + half, "p": p,
    }  # fmt: skip
    rows = pd.DataFrame([row])
    found = judge_rows(rows, spec, alpha)
    label = f"{spec['group_label']}: " if "group_label" in spec else ""
    return {**found, "ours": f"{label}{mean:.4g} vs {ref:g} (n = {int(n)})"}


# -- claims across the cells of Table S5 (summary statistics: mean, sd, n per cell) ------

PAPER_DATASETS = ("mnist", "fashion_mnist", "cifar10", "cifar100", "stl10")  # Table S5's


def _cells(results: Results, row_label: str) -> pd.DataFrame | None:
    table = results.accuracy_table() if "benchmark" in results.enabled else None
    if table is None:
        return None
    cells = table[
        (table["row"] == row_label)
        & table["dataset"].isin(PAPER_DATASETS)
        & (table["status"] == "measured")
        & (table["n"] >= 2)
    ]
    return cells if len(cells) else None


def _pooled(diffs: np.ndarray, ses: np.ndarray) -> dict:
    """Random-effects summary (DerSimonian-Laird, statsmodels) of per-cell differences."""
    from statsmodels.stats.meta_analysis import combine_effects

    res = combine_effects(diffs, ses**2, method_re="dl")
    est, se = float(res.mean_effect_re), float(res.sd_eff_w_re)
    z = est / se if se > 0 else np.inf
    return {
        "diff": est,
        "ci_low": est - 1.96 * se,
        "ci_high": est + 1.96 * se,
        "p": float(2 * stats.norm.sf(abs(z))),
        "se_diff": se,
    }


def check_pooled_delta(spec: dict, results: Results, alpha: float) -> dict:
    """An effect claimed across cells ("noise helps everywhere"): the random-effects mean
    of the cells' ΔACC (each cell's mean and its SE), beside a sign test of how many
    cells are positive. Per-cell tests at n = 3 are weak; the pooled test is not."""
    cells = _cells(results, ROWS["delta"])
    if cells is None:
        return {"verdict": NOT_RUN, "reason": results.absent("benchmark")}
    se = cells["sd"].to_numpy() / np.sqrt(cells["n"].to_numpy())
    pooled = _pooled(cells["mean"].to_numpy(), se)
    positive = int((cells["mean"] > 0).sum())
    sign = stats.binomtest(positive, len(cells), 0.5, alternative="greater")
    row = {**pooled, "n_a": len(cells), "mean_a": pooled["diff"], "test": "random effects"}
    judged = judge(row, "higher", alpha)
    return {
        "ours": f"pooled ΔACC {pooled['diff']:.2f} pp over {len(cells)} cells; "
        f"{positive} of {len(cells)} positive (sign test P = {_fmt_p(sign.pvalue)})",
        "test": "random-effects mean of the cells' ΔACC (DerSimonian-Laird); sign test",
        "n": f"{len(cells)} cells",
        "difference": _interval(pooled["diff"], pooled["ci_low"], pooled["ci_high"]),
        "p": _fmt_p(pooled["p"]),
        "verdict": judged.verdict,
        "reason": judged.reason,
    }


def _welch_cells(a: pd.Series, b: pd.Series) -> dict:
    return welch_from_summary(a["mean"], a["sd"], int(a["n"]), b["mean"], b["sd"], int(b["n"]))


def check_complexity(spec: dict, results: Results, alpha: float) -> dict:
    """ "More pronounced as task complexity increased": ΔACC of each dataset against the
    next simpler one in the paper's order, each pooled over depths (random effects), Holm
    over the pairs; every step must rise."""
    cells = _cells(results, ROWS["delta"])
    if cells is None:
        return {"verdict": NOT_RUN, "reason": results.absent("benchmark")}
    order = [d for d in PAPER_DATASETS if d in set(cells["dataset"])]
    rows, parts = [], []
    for simpler, harder in zip(order, order[1:], strict=False):
        diffs, ses = [], []
        for depth in sorted(set(cells["depth"])):
            pair = [
                cells[(cells["dataset"] == d) & (cells["depth"] == depth)]
                for d in (harder, simpler)
            ]
            if all(len(x) for x in pair):
                w = _welch_cells(pair[0].iloc[0], pair[1].iloc[0])
                if np.isfinite(w["se"]):
                    diffs.append(w["diff"])
                    ses.append(w["se"])
        if diffs:
            pooled = _pooled(np.array(diffs), np.array(ses))
            rows.append(
                {**pooled, "n_a": len(diffs), "mean_a": pooled["diff"], "test": "random effects"}
            )
            parts.append(
                f"{DATASET_TITLES[harder]} - {DATASET_TITLES[simpler]}: {pooled['diff']:+.2f} pp"
            )
    if not rows:
        return {"verdict": NOT_RUN, "reason": "fewer than two datasets measured"}
    frame = family_holm(pd.DataFrame(rows))
    judged = combine(
        [judge({**r, "p": r["p_family"]}, "higher", alpha) for _, r in frame.iterrows()]
    )
    return {
        "ours": "; ".join(parts) + " (ΔACC, pooled over depths)",
        "test": "Welch per depth, random-effects over depths, Holm over the dataset steps",
        "n": f"{len(rows)} steps",
        "difference": _join(frame, lambda r: _interval(r["diff"], r["ci_low"], r["ci_high"])),
        "p": _join(frame, lambda r: _fmt_p(r["p"])),
        "p_holm": _join(frame, lambda r: _fmt_p(r["p_family"])),
        "verdict": judged.verdict,
        "reason": judged.reason,
    }


def check_comparable_to_bp(spec: dict, results: Results, alpha: float) -> dict:
    """ "Comparable to backpropagation": FA after noise against BP in each dataset's
    2-layer cell (Table 1), Welch TOST within the Table S5 margin, every dataset."""
    fa, bp = _cells(results, ROWS["fa_noise"]), _cells(results, ROWS["bp"])
    if fa is None or bp is None:
        return {"verdict": NOT_RUN, "reason": results.absent("benchmark")}
    margin, judged, parts = spec["margin"], [], []
    for dataset in [d for d in PAPER_DATASETS if d in set(fa["dataset"])]:
        a = fa[(fa["dataset"] == dataset) & (fa["depth"] == spec["depth"])]
        b = bp[(bp["dataset"] == dataset) & (bp["depth"] == spec["depth"])]
        if not (len(a) and len(b)):
            continue
        w = _welch_cells(a.iloc[0], b.iloc[0])
        row = {"diff": w["diff"], "ci_low": w["ci_low"], "ci_high": w["ci_high"], "p": w["p"],
               "se_diff": w["se"], "df": w["df"], "n_a": a.iloc[0]["n"], "n_b": b.iloc[0]["n"],
               "test": "independent Welch"}  # fmt: skip
        judged.append(_judge(row, "same", alpha, margin))
        parts.append(f"{DATASET_TITLES[dataset]} {w['diff']:+.2f} pp")
    if not judged:
        return {"verdict": NOT_RUN, "reason": "no 2-layer cells measured"}
    outcome = combine(judged)
    return {
        "ours": "FA w/ - BP: " + "; ".join(parts),
        "test": f"Welch TOST within ±{margin:g} pp per dataset",
        "n": "3+3 per dataset",
        "verdict": outcome.verdict,
        "reason": outcome.reason,
    }


def check_contrast(spec: dict, results: Results, alpha: float) -> dict:
    """Two rows' differences against each other ("more when noise comes first"): the
    first row's a - b minus the second's, with their standard errors combined (the two
    are different networks, so the contrast is independent)."""
    found = []
    for where in (spec["first"], spec["second"]):
        match = matching_rows({**spec, "where": where}, results)
        if match.rows is None:
            return {"verdict": NOT_RUN, "reason": match.missing}
        found.append(match.rows.iloc[0])
    first, second = found
    diff = _get(first, "diff") - _get(second, "diff")
    se = float(np.hypot(_get(first, "se_diff"), _get(second, "se_diff")))
    df = min(_get(first, "df"), _get(second, "df"))
    half = stats.t.ppf(0.975, df) * se
    row = {
        "diff": diff, "se_diff": se, "df": df, "ci_low": diff - half, "ci_high": diff + half,
        "p": float(2 * stats.t.sf(abs(diff) / se, df)), "n_a": _get(first, "n_a"),
        "n_b": _get(second, "n_a"), "mean_a": _get(first, "diff"),
        "mean_b": _get(second, "diff"), "test": "contrast of two paired differences",
    }  # fmt: skip
    judged = judge(row, spec["expect"], alpha)
    return {
        "ours": f"{spec['labels'][0]} {_get(first, 'diff'):+.3f} vs "
        f"{spec['labels'][1]} {_get(second, 'diff'):+.3f}",
        "test": row["test"],
        "n": _n_text(row),
        "difference": _interval(diff, row["ci_low"], row["ci_high"]),
        "p": _fmt_p(row["p"]),
        "verdict": judged.verdict,
        "reason": judged.reason,
    }


CHECKS = {
    "test": check_test,
    "contrast": check_contrast,
    "pooled_delta": check_pooled_delta,
    "complexity": check_complexity,
    "comparable_to_bp": check_comparable_to_bp,
    "summary_test": check_summary_test,
    "auc_gap_fraction": check_auc_gap_fraction,
    "compute_budget_optimum": check_compute_budget_optimum,
}


@dataclass(frozen=True)
class NumberVerdict:
    verdict: str
    reason: str
    welch: dict  # ours - paper: diff, ci_low, ci_high, p


def number_margin(row: str, paper_mean: float, tolerance: float) -> tuple[float, str]:
    """The equivalence margin of one Table S5 number, in pp, and its reason. Accuracies:
    the table's `tolerance_pp` (1 pp). ΔACC, an effect of 0.5-11 pp: half the paper's
    effect, at least 0.25 pp, so that "reproduced" means the noise benefit kept at least
    half its size (an absolute 1 pp would call a vanished 0.49 pp effect reproduced)."""
    if row.startswith("ΔACC"):
        margin = max(0.5 * abs(paper_mean), 0.25)
        return margin, f"half the paper's ΔACC, at least 0.25 pp: ±{margin:.2f} pp"
    return tolerance, f"±{tolerance:g} pp"


def judge_number(
    ours_mean: float,
    ours_sd: float,
    ours_n: int,
    paper_mean: float,
    paper_sd: float,
    margin: float,
    alpha: float,
    subset: bool,
) -> NumberVerdict:
    """One Table S5 number, ours vs the paper's (both mean +- sd of networks, the paper's
    n = 3), by the standard every no-difference claim meets: reproduced when Welch's TOST
    shows the difference within the margin; contradicted when its 95% CI lies wholly
    beyond it (never for a network trained on fewer images than the paper's); else
    inconclusive."""
    welch = welch_from_summary(ours_mean, ours_sd, ours_n, paper_mean, paper_sd, 3)
    diff, low, high = welch["diff"], welch["ci_low"], welch["ci_high"]
    p_tost = tost_p(diff, welch["se"], welch["df"], margin)
    welch["p_tost"] = p_tost
    where = f"ours - paper = {_interval(diff, low, high)} pp"
    if np.isfinite(p_tost) and p_tost < alpha:
        reason = f"{where}, within ±{margin:.2g} pp (TOST P = {_fmt_p(p_tost)})"
        return NumberVerdict(REPRODUCED, reason, welch)
    beyond = np.isfinite(low) and (low > margin or high < -margin)
    if subset:
        reason = f"{where}; trained on fewer images than the paper"
        return NumberVerdict(INCONCLUSIVE + " (subset)", reason, welch)
    if beyond:
        reason = f"{where}: the 95% CI lies wholly beyond ±{margin:.2g} pp"
        return NumberVerdict(CONTRADICTED, reason, welch)
    if not np.isfinite(p_tost):
        return NumberVerdict(INCONCLUSIVE, f"{where}; n = {ours_n}: no test", welch)
    return NumberVerdict(
        INCONCLUSIVE,
        f"{where}: neither within nor wholly beyond ±{margin:.2g} pp (TOST P = {_fmt_p(p_tost)})",
        welch,
    )


def table_s5_cells() -> list[tuple[str, str, int, str, float, float]]:
    """Every number of the paper's Table S5: (id, dataset, depth, row label, mean, sd)."""
    paper = paper_claims()["table_s5"]
    rows = [
        (d, m, ROWS[m], values)
        for d, methods in paper["accuracy"].items()
        for m, values in methods.items()
    ]
    rows += [(d, "delta", ROWS["delta"], values) for d, values in paper["delta_acc"].items()]
    return [
        (f"tableS5-{dataset}-d{depth}-{method}", dataset, depth, label, mean, sd)
        for dataset, method, label, values in rows
        for depth, (mean, sd) in zip(PAPER_DEPTHS, values, strict=True)
    ]


def claim_ids() -> list[str]:
    """The id of every claim `evaluate_claims` judges, in its order."""
    return [claim["id"] for claim in paper_claims()["claims"]] + [c[0] for c in table_s5_cells()]


def table_s5_verdicts(results: Results, tolerance: float, alpha: float) -> list[Verdict]:
    """One claim per number of Table S5."""
    table = results.accuracy_table()
    verdicts = []
    for claim_id, dataset, depth, label, mean, sd in table_s5_cells():
        title = f"Table S5: {DATASET_TITLES[dataset]}, {depth}-layer, {label}"
        cell = None
        if table is not None and "benchmark" in results.enabled:
            match = table[
                (table["dataset"] == dataset) & (table["depth"] == depth) & (table["row"] == label)
            ]
            cell = match.iloc[0] if len(match) else None
        verdict = Verdict(
            id=claim_id,
            figure="Table S5",
            kind="number",
            claim=f"{title} = {mean:.2f} ± {sd:.2f}",
            paper=f"{mean:.2f} ± {sd:.2f} (n=3)",
            test="Welch TOST vs the paper's cell",
        )
        margin, margin_reason = number_margin(label, mean, tolerance)
        if cell is None:
            verdict.reason = (
                results.absent("benchmark")
                if "benchmark" not in results.enabled
                else "not in this configuration"
            )
        elif cell["status"] != "measured":
            verdict.reason = cell["status"]
        else:
            note = cell["note"] if isinstance(cell["note"], str) else ""
            judged = judge_number(
                cell["mean"], cell["sd"], int(cell["n"]), mean, sd, margin, alpha, bool(note)
            )
            verdict.verdict, welch = judged.verdict, judged.welch
            verdict.reason = "; ".join(x for x in (judged.reason, note) if x)
            verdict.ours = (
                f"{cell['mean']:.2f} ± {cell['sd']:.2f}"
                if np.isfinite(cell["sd"])
                else f"{cell['mean']:.2f}"
            )
            verdict.n = str(int(cell["n"]))
            verdict.difference = _interval(welch["diff"], welch["ci_low"], welch["ci_high"])
            verdict.p = _fmt_p(welch["p_tost"])
            verdict.test = f"Welch TOST vs the paper's cell, margin {margin_reason}"
        verdicts.append(verdict)
    return verdicts


def evaluate_claims(
    results_dir: Path, enabled: list[str], left_out: dict | None = None
) -> pd.DataFrame:
    spec = paper_claims()
    results = Results(results_dir, enabled, left_out)
    verdicts = []
    for claim in spec["claims"]:
        check = claim["check"]
        found = CHECKS[check["kind"]](check, results, spec["alpha"])
        verdicts.append(
            Verdict(claim["id"], claim["figure"], claim["claim"], claim["paper"], **found)
        )
    verdicts += table_s5_verdicts(results, spec["table_s5"]["tolerance_pp"], spec["alpha"])
    frame = pd.DataFrame([asdict(v) for v in verdicts])
    frame["robustness"] = robustness_column(frame, results, spec)
    return frame


def robustness_column(frame: pd.DataFrame, results: Results, spec: dict) -> pd.Series:
    """Whether each verdict holds under what the paper leaves unstated, where the
    sensitivity study re-measures it (studies.sensitivity.robustness) and, for Fig 5c,
    under MNIST's framing of USPS (studies.ood.framing); '' elsewhere."""
    column = pd.Series("", index=frame.index)
    path = results.folder / "stats" / "sensitivity.csv"
    if "sensitivity" in results.enabled and path.is_file():
        from ..studies.sensitivity.robustness import robustness

        subset = frame["verdict"].str.endswith("(subset)").any()  # as the numbers were judged
        tolerance = spec["table_s5"]["tolerance_pp"]
        column = robustness(frame["id"], read_table(path), tolerance, subset)
    if "ood" in results.enabled:
        from ..studies.ood.framing import framing_robustness

        def judge(check: dict) -> str:
            return check_test(check, results, spec["alpha"])["verdict"]

        for claim in spec["claims"]:
            if _tested_on_usps(claim["check"]):
                column[frame["id"] == claim["id"]] = framing_robustness(claim["check"], judge)
    return column


def _tested_on_usps(check: dict) -> bool:
    return check["kind"] == "test" and check.get("where", {}).get("test_set") == "usps28"


def _base_verdict(verdict: str) -> str:
    return verdict.split(" (")[0]


def verdict_counts(frame: pd.DataFrame) -> dict[str, int]:
    base = frame["verdict"].map(_base_verdict)
    return {v: int((base == v).sum()) for v in VERDICTS}


def summary_line(frame: pd.DataFrame) -> str:
    counts = verdict_counts(frame)
    return ", ".join(f"{counts[v]} {v}" for v in VERDICTS) + f" (of {len(frame)} claims)"


RULE = (
    "**How to read a verdict.** Each claim declares its design: *paired* (the same "
    "networks, or networks that share their seed, which fixes W, B and the data order), "
    "*independent* (other networks or neurons) or *one-sample*, and is tested by that "
    "design's test (paired t, Student's t, one-sample t or a named rank test). Its rows' "
    "p values are Holm-adjusted within the claim (column p_holm; alpha = {alpha}). "
    "*reproduced*: significant in the claimed direction, or, for a claim of no difference, "
    "equivalence shown by two one-sided tests (TOST) within the margin in "
    "`paper_claims.yaml`. *contradicted*: significant in the opposite direction, or a "
    "difference whose 95% CI lies wholly beyond the margin of a no-difference claim. "
    "*inconclusive*: neither; the reason gives the observed direction, n, and the sample "
    "size that would give 80% power for the observed effect. Table S5 numbers: ours vs the "
    "paper's mean ± sd (n = 3) by Welch's TOST from summary statistics: reproduced when "
    "the difference is shown within ±{tolerance:g} pp (ΔACC: ± half the paper's effect, at "
    "least 0.25 pp), contradicted when its 95% CI lies wholly beyond that margin (never "
    "for networks trained on fewer images than the paper's: 'inconclusive (subset)'), "
    "inconclusive otherwise. Effect sizes: Hedges' g (independent), d_z (paired), d (one "
    "sample), each with its 95% CI; 'difference' is the mean difference with its 95% CI."
)


def power_note(networks: dict[str, int]) -> str:
    """One sentence when this configuration trains fewer networks than the paper did."""
    paper = paper_claims().get("paper_networks", {})
    fewer = {s: (n, paper[s]) for s, n in networks.items() if s in paper and n < paper[s]}
    if not fewer:
        return ""
    examples = ", ".join(f"{s} {n} of {m}" for s, (n, m) in sorted(fewer.items())[:3])
    return (
        f"This configuration trains fewer networks than the paper in {len(fewer)} "
        f"studies ({examples}{', ...' if len(fewer) > 3 else ''}), so most verdicts are "
        "*inconclusive* at this size by design: an effect in the claimed direction that is "
        "not significant here is not a failure of the paper. The paper's power comes with "
        "the default configuration (`make pipeline`) or, without internet, "
        "`make pipeline PRESET=offline`."
    )


def independence_note(frame: pd.DataFrame) -> str:
    """How many claims are independent evidence, and how many result rows they read."""
    restating = [c["id"] for c in paper_claims()["claims"] if c.get("restates")]
    delta = frame["id"].str.endswith("-delta") & (frame["kind"] == "number")
    independent = len(frame) - len(restating) - int(delta.sum())
    rows = 0
    for value in frame["p_holm"].astype(str):  # one p per result row a claim read
        rows += len([x for x in value.split(";") if x.strip()])
    rows += int((frame["kind"] == "number").sum() - (frame["verdict"] == NOT_RUN).sum())
    return (
        f"Of the {len(frame)} claims, {independent} are independent evidence: "
        f"{len(restating)} restate another claim's result ({', '.join(restating)}), and the "
        f"{int(delta.sum())} ΔACC numbers of Table S5 are differences of its FA numbers. "
        f"The claims read {rows} result rows."
    )


def header(frame: pd.DataFrame, networks: dict[str, int] | None = None) -> list[str]:
    spec = paper_claims()
    qualitative = frame[frame["kind"] == "claim"]
    cells = frame[frame["kind"] == "number"]
    lines = [
        f"**{summary_line(frame)}.** Qualitative claims: {summary_line(qualitative)}; "
        f"Table S5 numbers: {summary_line(cells)}.",
        independence_note(frame),
    ]
    note = power_note(networks or {})
    if note:
        lines.append(note)
    lines.append(RULE.format(alpha=spec["alpha"], tolerance=spec["table_s5"]["tolerance_pp"]))
    return lines


COLUMNS = [
    "figure",
    "claim",
    "paper",
    "ours",
    "test",
    "n",
    "effect",
    "difference",
    "p",
    "p_paired",
    "p_holm",
    "verdict",
    "reason",
]
NUMBER_COLUMNS = ["claim", "ours", "n", "difference", "p", "verdict", "reason"]


def _robustness_shown(frame: pd.DataFrame) -> bool:
    """Whether the sensitivity study judged any claim (the column is shown then)."""
    return "robustness" in frame and bool(frame["robustness"].astype(str).str.strip().any())


def with_robustness(columns: list[str], frame: pd.DataFrame) -> list[str]:
    return [*columns, "robustness"] if _robustness_shown(frame) else columns


def to_markdown(frame: pd.DataFrame, networks: dict[str, int] | None = None) -> str:
    qualitative = frame[frame["kind"] == "claim"]
    cells = frame[frame["kind"] == "number"]
    parts = [
        "# Does the paper reproduce?\n\n",
        "\n\n".join(header(frame, networks)),
        "\n\n## Qualitative claims\n\n",
        qualitative[with_robustness(COLUMNS, frame)].to_markdown(index=False),
        "\n\n## Table S5, number by number\n\n",
        cells[with_robustness(NUMBER_COLUMNS, frame)].to_markdown(index=False),
        "\n",
    ]
    return "".join(parts)


HTML_STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5em auto; max-width: 1240px;
       padding: 0 12px; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { border-bottom: 1px solid #ddd; padding: 5px 7px; text-align: left;
         vertical-align: top; overflow-wrap: anywhere; }
th { background: #f3f3f3; position: sticky; top: 0; }
td.verdict span { padding: 1px 6px; border-radius: 3px; white-space: nowrap; }
.reproduced { background: #d9f2dd; } .contradicted { background: #f9d7d5; }
.inconclusive { background: #fbf0c9; } .not-run { background: #e8e8e8; }
td.small, th.small { font-size: 12.5px; color: #444; }
"""
# Column widths (%) of the two tables: text columns wide, numbers narrow.
HTML_CLAIM_COLUMNS = {
    "figure": 6, "claim": 27, "ours": 20, "difference": 12, "p_holm": 7, "verdict": 9,
    "reason": 19,
}  # fmt: skip
HTML_NUMBER_COLUMNS = {
    "claim": 30, "ours": 11, "n": 4, "difference": 15, "p": 7, "verdict": 10, "reason": 23,
}  # fmt: skip


# Where the robustness column shows, its 8% comes from the wide columns, so that claim
# and reason keep the room they read in (about 300 and 200 px at 1280 px).
ROBUSTNESS_ROOM = {
    "qualitative": {"claim": 1, "ours": 4, "difference": 1, "reason": 2},
    "numbers": {"claim": 2, "ours": 1, "difference": 2, "reason": 3},
}  # fmt: skip


def _widths(widths: dict[str, int], frame: pd.DataFrame, table: str) -> dict[str, int]:
    """The columns' widths, with room taken for `robustness` when shown."""
    if not _robustness_shown(frame):
        return widths
    room = ROBUSTNESS_ROOM[table]
    return {**{c: w - room.get(c, 0) for c, w in widths.items()}, "robustness": sum(room.values())}


def _html_table(rows: pd.DataFrame, widths: dict[str, int]) -> str:
    import html

    cols = "".join(f'<col style="width:{w}%">' for w in widths.values())
    head = "".join(f"<th>{html.escape(c.replace('_', ' '))}</th>" for c in widths)
    body = []
    for _, row in rows.iterrows():
        cells = []
        for column in widths:
            text = _folded(str(row.get(column, "")) or "-", FOLD_PER_PERCENT * widths[column])
            if column == "verdict":
                kind = _base_verdict(str(row[column])).replace(" ", "-")
                cells.append(f'<td class="verdict"><span class="{kind}">{text}</span></td>')
            elif column in ("reason", "difference", "p", "p_holm", "n", "robustness"):
                cells.append(f'<td class="small">{text}</td>')
            else:
                cells.append(f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f"<table><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


# Characters of a cell shown before "more", per percent of the page's width its column
# takes: a claim over 40 conditions would otherwise make a row of 40 p values.
FOLD_PER_PERCENT = 9


def _folded(text: str, limit: int) -> str:
    """A cell's text, escaped; a long one shows its start and folds the rest away."""
    import html

    if len(text) <= limit * 1.2:
        return html.escape(text)
    cut = text.rfind(" ", 0, limit) if " " in text[:limit] else limit
    return (
        f"{html.escape(text[:cut])} <details><summary>more</summary>"
        f"{html.escape(text[cut:])}</details>"
    )


def to_html(frame: pd.DataFrame, networks: dict[str, int] | None = None) -> str:
    """The claims as a page that reads at a laptop's width (the HTML report shows it)."""
    import html

    qualitative = frame[frame["kind"] == "claim"]
    cells = frame[frame["kind"] == "number"]
    paragraphs = "".join(
        f"<p>{_inline_md(html.escape(line))}</p>" for line in header(frame, networks)
    )
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width'>"
        f"<title>Does the paper reproduce?</title><style>{HTML_STYLE}</style></head><body>"
        f"<h1>Does the paper reproduce?</h1>{paragraphs}"
        "<h2>Qualitative claims</h2>"
        f"{_html_table(qualitative, _widths(HTML_CLAIM_COLUMNS, frame, 'qualitative'))}"
        f"<h2>Table S5, number by number</h2>"
        f"{_html_table(cells, _widths(HTML_NUMBER_COLUMNS, frame, 'numbers'))}"
        "</body></html>\n"
    )


def _inline_md(text: str) -> str:
    """**bold** and *italic* of the header's Markdown, as HTML."""
    import re

    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    return re.sub(r"\*(.+?)\*", r"<em>\1</em>", text)


def to_rst_summary(frame: pd.DataFrame, networks: dict[str, int] | None = None) -> str:
    """The report's front-page block: counts, the rule, and the qualitative claims."""
    qualitative = frame[frame["kind"] == "claim"]
    _, *rest = header(frame, networks)
    lines = [
        f"**Reproduction:** {summary_line(frame)}.",
        "",
        *[x for line in rest for x in (line, "")],
        ".. list-table:: The paper's claims beside our measurements",
        "   :header-rows: 1",
        "   :widths: 10 35 25 10 20",
        "",
        "   * - Figure",
        "     - Claim",
        "     - Ours",
        "     - Verdict",
        "     - Why",
    ]
    for r in qualitative.itertuples():
        ours = (r.ours[:160] + "...") if len(r.ours) > 160 else r.ours
        lines += [
            f"   * - {r.figure}",
            f"     - {r.claim}",
            f"     - {ours or '-'}",
            f"     - {r.verdict}",
            f"     - {r.reason or '-'}",
        ]
    return "\n".join(lines) + "\n"
