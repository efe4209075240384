"""Each claim of the paper beside our measurement, with a verdict.

Verdicts: `reproduced`, `not reproduced`, or `not run` with the reason (study not in
this configuration, data unavailable offline, no matching result). A failed claim is
never dropped.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..paper import DATASET_TITLES, PAPER_DEPTHS, paper_claims
from .tables import ROWS

REPRODUCED, NOT_REPRODUCED, NOT_RUN = "reproduced", "not reproduced", "not run"
PRIMARY = "independent t (Student)"


@dataclass
class Verdict:
    id: str
    figure: str
    claim: str
    paper: str
    ours: str
    test: str
    n: str
    p: str
    verdict: str
    reason: str = ""
    kind: str = "claim"  # "claim" (a statement) or "number" (a Table S5 value)


class Results:
    """The result tables a claim may read (missing ones read as None)."""

    def __init__(self, folder: Path, enabled: list[str]):
        self.folder, self.enabled = Path(folder), set(enabled)

    def stats(self, study: str) -> pd.DataFrame | None:
        path = self.folder / "stats" / f"{study}.csv"
        return pd.read_csv(path) if path.is_file() else None

    def accuracy_table(self) -> pd.DataFrame | None:
        for name in ("tableS5", "table1"):
            path = self.folder / "tables" / f"{name}.csv"
            if path.is_file():
                return pd.read_csv(path)
        return None


def _matches(column: pd.Series, condition) -> pd.Series:
    if isinstance(condition, dict):
        ((op, value),) = condition.items()
        if op == "startswith":
            return column.astype(str).str.startswith(value)
        if op == "gt":
            return column > value
        if op == "lt":
            return column < value
        raise ValueError(f"unknown condition {op!r}")
    if pd.api.types.is_numeric_dtype(column) and not isinstance(condition, str):
        return column == condition
    return column.astype(str) == str(condition)


def _fmt_p(p: float) -> str:
    return "n/a" if not np.isfinite(p) else (f"{p:.1e}" if p < 0.001 else f"{p:.3f}")


def _meets(row, expect: str, alpha: float) -> bool:
    p, a, b = row.get("p", np.nan), row.get("mean_a", np.nan), row.get("mean_b", np.nan)
    significant = np.isfinite(p) and p < alpha
    if expect == "same":
        return np.isfinite(p) and p >= alpha
    if expect == "different":
        return significant
    if expect == "higher":
        return significant and (a > b if np.isfinite(b) else row.get("statistic", 0) > 0)
    if expect == "lower":
        return significant and (a < b if np.isfinite(b) else row.get("statistic", 0) < 0)
    if expect == "higher_mean":
        return a > b
    if expect == "lower_mean":
        return a < b
    raise ValueError(f"unknown expectation {expect!r}")


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


def check_test(spec: dict, results: Results, alpha: float):
    study = spec["study"]
    if study not in results.enabled:
        return NOT_RUN, "", "", "", "", f"study {study} not in this configuration"
    stats = results.stats(study)
    if stats is None:
        return NOT_RUN, "", "", "", "", f"results/stats/{study}.csv missing"
    rows = stats[stats["test"] == spec.get("test", PRIMARY)]
    for column, condition in spec.get("where", {}).items():
        if column not in rows:
            return NOT_RUN, "", "", "", "", f"no column {column} in the {study} statistics"
        rows = rows[_matches(rows[column], condition)]
    if rows.empty:
        return NOT_RUN, "", "", "", "", "no matching result in this configuration"
    met = [_meets(r, spec["expect"], alpha) for _, r in rows.iterrows()]
    ok = all(met) if spec.get("quantifier", "all") == "all" else sum(met) > len(met) / 2
    ours = "; ".join(_describe(r) for _, r in rows.iterrows())
    ns = ", ".join(
        sorted(
            {
                f"{int(r.n_a)}" + (f"+{int(r.n_b)}" if pd.notna(r.get("n_b")) else "")
                for _, r in rows.iterrows()
            }
        )
    )
    ps = "; ".join(_fmt_p(p) for p in rows["p"])
    reason = "" if ok else f"{sum(met)} of {len(met)} results meet '{spec['expect']}'"
    return REPRODUCED if ok else NOT_REPRODUCED, ours, rows["test"].iloc[0], ns, ps, reason


def check_auc_gap_fraction(spec: dict, results: Results, alpha: float):
    if spec["study"] not in results.enabled or results.stats(spec["study"]) is None:
        return NOT_RUN, "", "", "", "", f"study {spec['study']} not in this configuration"
    s = results.stats(spec["study"])
    s = s[
        (s["test"] == PRIMARY)
        & (s["measure"] == "AUC of test accuracy")
        & (s["depth"] == spec["depth"])
    ]
    fn_fa, fn_bp = s[s["comparison"] == "fa_noise vs fa"], s[s["comparison"] == "fa_noise vs bp"]
    if fn_fa.empty or fn_bp.empty:
        return NOT_RUN, "", "", "", "", "bp, fa and fa_noise are not all in this configuration"
    fn, fa, bp = fn_fa["mean_a"].iloc[0], fn_fa["mean_b"].iloc[0], fn_bp["mean_b"].iloc[0]
    fraction = (fn - fa) / (bp - fa) if bp != fa else np.nan
    ok = np.isfinite(fraction) and fraction >= spec["at_least"]
    ours = (
        f"AUC fa {fa:.4f}, fa_noise {fn:.4f}, bp {bp:.4f}: {100 * fraction:.0f}% of the gap closed"
    )
    return (
        REPRODUCED if ok else NOT_REPRODUCED,
        ours,
        "ratio of mean AUCs",
        str(int(fn_fa["n_a"].iloc[0])),
        "",
        "",
    )


def _cells(results: Results, method: str) -> pd.DataFrame | None:
    """The measured cells of one table row ("bp", "fa", "fa_noise" or "delta")."""
    table = results.accuracy_table()
    if table is None:
        return None
    # exact labels: "FA w/" is a prefix of "FA w/o"
    return table[(table["row"] == ROWS[method]) & (table["status"] == "measured")]


def check_delta_acc_positive(spec: dict, results: Results, alpha: float):
    cells = _cells(results, "delta")
    if cells is None or cells.empty:
        return NOT_RUN, "", "", "", "", "no benchmark results in this configuration"
    positive = cells["mean"] > 0
    ours = "; ".join(
        f"{DATASET_TITLES.get(r.dataset, r.dataset)} {r.depth}-layer {r.mean:+.2f}"
        for r in cells.itertuples()
    )
    reason = "" if positive.all() else f"{(~positive).sum()} of {len(cells)} cells not positive"
    return (
        (REPRODUCED if positive.all() else NOT_REPRODUCED),
        ours,
        "sign of mean ΔACC",
        f"{len(cells)} cells",
        "",
        reason,
    )


def _by_depth(results: Results, method: str) -> pd.DataFrame | None:
    cells = _cells(results, method)
    return (
        None
        if cells is None
        else cells.pivot_table(index="dataset", columns="depth", values="mean")
    )


def _depth_trend(values: pd.DataFrame | None, what: str):
    if values is None or not {2, 5} <= set(values.columns):
        return NOT_RUN, "", "", "", "", "depths 2 and 5 not both in this configuration"
    values = values[[2, 5]].dropna()
    grows = values[5] > values[2]
    ours = "; ".join(
        f"{DATASET_TITLES.get(d, d)} {v[2]:.2f} -> {v[5]:.2f}" for d, v in values.iterrows()
    )
    reason = "" if grows.all() else f"not for {', '.join(values.index[~grows])}"
    return (
        (REPRODUCED if grows.all() else NOT_REPRODUCED),
        ours,
        f"{what}, 2 vs 5 layers",
        f"{len(values)} datasets",
        "",
        reason,
    )


def check_delta_acc_grows_with_depth(spec, results, alpha):
    return _depth_trend(_by_depth(results, "delta"), "mean ΔACC")


def check_bp_gap_widens_with_depth(spec, results, alpha):
    bp, fn = _by_depth(results, "bp"), _by_depth(results, "fa_noise")
    return _depth_trend(None if bp is None else bp - fn, "BP - FA w/ accuracy")


def check_compute_budget_optimum(spec, results, alpha):
    s = results.stats("compute_budget") if "compute_budget" in results.enabled else None
    if s is None:
        return NOT_RUN, "", "", "", "", "study compute_budget not in this configuration"
    optimum = int(s[s["comparison"] == "optimal noise duration"]["statistic"].iloc[0])
    row = s[
        (s["measure"] == "test accuracy at best validation epoch")
        & (s["noise_epochs"] == optimum)
        & (s["test"] == PRIMARY)
    ]
    if row.empty:
        return NOT_RUN, "", "", "", "", f"the optimum is {optimum} noise epochs (no pretraining)"
    r = row.iloc[0]
    ok = _meets(r, "higher", alpha)
    accuracy = f"{100 * r.mean_a:.2f}% vs {100 * r.mean_b:.2f}% without noise"
    ours = f"optimum {optimum} noise epochs: accuracy {accuracy}"
    return (
        (REPRODUCED if ok else NOT_REPRODUCED),
        ours,
        r.test,
        f"{int(r.n_a)}+{int(r.n_b)}",
        _fmt_p(r.p),
        "",
    )


CHECKS = {
    "test": check_test,
    "auc_gap_fraction": check_auc_gap_fraction,
    "delta_acc_positive": check_delta_acc_positive,
    "delta_acc_grows_with_depth": check_delta_acc_grows_with_depth,
    "bp_gap_widens_with_depth": check_bp_gap_widens_with_depth,
    "compute_budget_optimum": check_compute_budget_optimum,
}


def table_s5_verdicts(results: Results, tolerance: float) -> list[Verdict]:
    """One claim per number of Table S5: ours within `tolerance` percentage points."""
    paper = paper_claims()["table_s5"]
    table = results.accuracy_table()
    verdicts = []
    rows = [
        (d, m, ROWS[m], values)
        for d, methods in paper["accuracy"].items()
        for m, values in methods.items()
    ]
    rows += [(d, "delta", ROWS["delta"], values) for d, values in paper["delta_acc"].items()]
    for dataset, method, label, values in rows:
        for depth, (mean, sd) in zip(PAPER_DEPTHS, values, strict=True):
            title = f"Table S5: {DATASET_TITLES[dataset]}, {depth}-layer, {label}"
            cell = None
            if table is not None and "benchmark" in results.enabled:
                match = table[
                    (table["dataset"] == dataset)
                    & (table["depth"] == depth)
                    & (table["row"] == label)
                ]
                cell = match.iloc[0] if len(match) else None
            base = {
                "id": f"tableS5-{dataset}-d{depth}-{method}",
                "figure": "Table S5",
                "kind": "number",
                "claim": f"{title} = {mean:.2f} ± {sd:.2f} (within {tolerance:g} pp)",
                "paper": f"{mean:.2f} ± {sd:.2f} (n=3)",
                "test": f"|ours - paper| <= {tolerance:g} pp",
            }
            if cell is None:
                verdicts.append(
                    Verdict(
                        **base,
                        ours="",
                        n="",
                        p="",
                        verdict=NOT_RUN,
                        reason="not in this configuration",
                    )
                )
            elif cell["status"] != "measured":
                verdicts.append(
                    Verdict(**base, ours="", n="", p="", verdict=NOT_RUN, reason=cell["status"])
                )
            else:
                ok = abs(cell["mean"] - mean) <= tolerance
                note = cell["note"] if isinstance(cell["note"], str) else ""
                ours = (
                    f"{cell['mean']:.2f} ± {cell['sd']:.2f}"
                    if np.isfinite(cell["sd"])
                    else f"{cell['mean']:.2f}"
                )
                diff = f"differs by {cell['mean'] - mean:+.2f} pp"
                verdicts.append(
                    Verdict(
                        **base,
                        ours=ours,
                        n=str(int(cell["n"])),
                        p="",
                        verdict=REPRODUCED if ok else NOT_REPRODUCED,
                        reason="; ".join(x for x in (diff, note) if x),
                    )
                )
    return verdicts


def evaluate_claims(results_dir: Path, enabled: list[str]) -> pd.DataFrame:
    spec = paper_claims()
    results = Results(results_dir, enabled)
    verdicts = []
    for claim in spec["claims"]:
        check = claim["check"]
        verdict, ours, test, n, p, reason = CHECKS[check["kind"]](check, results, spec["alpha"])
        verdicts.append(
            Verdict(
                claim["id"],
                claim["figure"],
                claim["claim"],
                claim["paper"],
                ours,
                test,
                n,
                p,
                verdict,
                reason,
            )
        )
    verdicts += table_s5_verdicts(results, spec["table_s5"]["tolerance_pp"])
    return pd.DataFrame([asdict(v) for v in verdicts])


def summary_line(frame: pd.DataFrame) -> str:
    counts = frame["verdict"].value_counts()
    return (
        ", ".join(f"{counts.get(v, 0)} {v}" for v in (REPRODUCED, NOT_REPRODUCED, NOT_RUN))
        + f" (of {len(frame)} claims)"
    )


def to_markdown(frame: pd.DataFrame) -> str:
    qualitative = frame[frame["kind"] == "claim"]
    cells = frame[frame["kind"] == "number"]
    columns = ["figure", "claim", "paper", "ours", "test", "n", "p", "verdict", "reason"]
    parts = [
        "# Does the paper reproduce?\n\n",
        f"**{summary_line(frame)}.** Qualitative claims: {summary_line(qualitative)}; "
        f"Table S5 numbers: {summary_line(cells)}.\n\n",
        "Tests are two-sided at alpha = 0.05; the primary test is Student's independent t-test "
        '(the paper\'s "t-test"). Every claim is listed, whatever its verdict.\n\n',
        "## Qualitative claims\n\n",
        qualitative[columns].to_markdown(index=False),
        "\n\n",
        "## Table S5, number by number\n\n",
        cells[columns].to_markdown(index=False),
        "\n",
    ]
    return "".join(parts)


def to_rst_summary(frame: pd.DataFrame) -> str:
    """The report's front-page block: counts and the qualitative claims."""
    qualitative = frame[frame["kind"] == "claim"]
    lines = [
        f"**Reproduction:** {summary_line(frame)}.",
        "",
        ".. list-table:: The paper's claims beside our measurements",
        "   :header-rows: 1",
        "   :widths: 10 40 25 10",
        "",
        "   * - Figure",
        "     - Claim",
        "     - Ours",
        "     - Verdict",
    ]
    for r in qualitative.itertuples():
        ours = (r.ours[:160] + "...") if len(r.ours) > 160 else r.ours
        lines += [
            f"   * - {r.figure}",
            f"     - {r.claim}",
            f"     - {ours or r.reason}",
            f"     - {r.verdict}" + (f" ({r.reason})" if r.verdict == NOT_RUN and r.reason else ""),
        ]
    return "\n".join(lines) + "\n"
