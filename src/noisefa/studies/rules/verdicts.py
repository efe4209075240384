"""The study's answer: "does noise pretraining help rule X?", one row per rule, dataset
and depth, in the verdict vocabulary of the claims report turned to our own hypotheses.

A verdict reads the paired test of `<rule>_noise` against `<rule>` (the networks of one
seed share their initial W and B), Holm-adjusted over the study's tests:

- *noise helps* / *noise hurts*: significant (Holm p < alpha) in that direction;
- *no effect*: equivalence within +- `auc_margin` percentage points shown by TOST;
- *inconclusive*: neither (the row says what n 80% power would need).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from noisefa.analysis.claims import CONTRADICTED, REPRODUCED, judge

from . import VERDICT_TITLE
from .statistics import RULE_ORDER

ALPHA = 0.05
HELPS, HURTS, NO_EFFECT, INCONCLUSIVE = "noise helps", "noise hurts", "no effect", "inconclusive"
MEASURES = {"AUC of test accuracy": "AUC", "final test accuracy": "final accuracy"}
TITLE = VERDICT_TITLE


def verdict(row: pd.Series, margin_pp: float, family_size: int = 1) -> tuple[str, str]:
    """(verdict, reason) of one paired test row; accuracies are fractions, margins pp;
    `family_size`: the tests the row's Holm p was adjusted over."""
    adjusted = row.copy()
    adjusted["p"] = row["p_holm"]  # many rules x datasets x depths: Holm within the study
    adjusted["family_size"] = family_size
    direction = judge(adjusted, "higher", ALPHA)
    if direction.verdict == REPRODUCED:
        return HELPS, ""
    if direction.verdict == CONTRADICTED:
        return HURTS, ""
    same = judge(row, "same", ALPHA, margin_pp / 100)
    if same.verdict == REPRODUCED:
        return NO_EFFECT, same.reason.replace(f"±{margin_pp / 100:g}", f"±{margin_pp:g} pp")
    return INCONCLUSIVE, direction.reason


def _pp(value: float) -> str:
    return f"{100 * value:.2f}" if np.isfinite(value) else ""


def _interval_pp(row) -> str:
    return f"{_pp(row['diff'])} [{_pp(row['ci_low'])}, {_pp(row['ci_high'])}]"


def verdict_table(stats: pd.DataFrame, margin_pp: float) -> pd.DataFrame:
    """One row per rule, dataset and depth: each measure's means, paired difference in
    percentage points with its 95% CI, d_z with its CI, p, Holm p and the verdict."""
    paired = stats[(stats["figure"] == "rules_effects") & (stats["test"] == "paired t")]
    paired = paired[paired["measure"].isin(list(MEASURES))]
    family = int(pd.to_numeric(stats["p"], errors="coerce").notna().sum())  # as stats.holm
    rows = {}
    for _, row in paired.iterrows():
        key = (row["rule"], row["dataset"], int(row["depth"]))
        out = rows.setdefault(key, {"rule": key[0], "dataset": key[1], "depth": key[2]})
        short = MEASURES[row["measure"]]
        found, reason = verdict(row, margin_pp, family)
        out.update(
            {
                "n": int(row["n_a"]),
                f"{short} w/o noise (%)": _pp(row["mean_b"]),
                f"{short} w/ noise (%)": _pp(row["mean_a"]),
                f"{short} difference (pp, 95% CI)": _interval_pp(row),
                f"{short} d_z (95% CI)": (
                    f"{row['effect_size']:.2f} [{row['effect_ci_low']:.2f}, "
                    f"{row['effect_ci_high']:.2f}]"
                    if np.isfinite(row.get("effect_size", np.nan))
                    else ""
                ),
                f"{short} p (paired)": f"{row['p']:.2g}",
                f"{short} p (Holm)": f"{row['p_holm']:.2g}",
                f"{short} verdict": found,
                f"{short} reason": reason,
            }
        )
    table = pd.DataFrame(list(rows.values()))
    if table.empty:
        return table
    order = {rule: i for i, rule in enumerate(RULE_ORDER)}
    return table.sort_values(
        ["rule", "dataset", "depth"], key=lambda s: s.map(order) if s.name == "rule" else s
    ).reset_index(drop=True)


def summary_lines(table: pd.DataFrame) -> list[str]:
    """Per rule, how many of its conditions each AUC verdict holds for."""
    lines = []
    for rule, part in table.groupby("rule", sort=False):
        counts = part["AUC verdict"].value_counts()
        tally = ", ".join(f"{n} {v}" for v, n in counts.items())
        lines.append(f"- **{rule}**: {tally} (of {len(part)} dataset x depth conditions)")
    return lines


def to_markdown(table: pd.DataFrame, margin_pp: float) -> str:
    rules = (
        "Verdicts on learning speed (AUC of test accuracy) and final test accuracy, from "
        "the paired t-test of each rule with noise pretraining against without (networks "
        f"of one seed share their initial W and B), Holm-adjusted over the study: *{HELPS}* "
        f"/ *{HURTS}* when significant in that direction, *{NO_EFFECT}* when TOST shows "
        f"the difference within ±{margin_pp:g} pp, else *{INCONCLUSIVE}*."
    )
    body = table.drop(columns=[c for c in table if c.endswith("reason")]).to_markdown(index=False)
    return "\n".join([f"# {TITLE}", "", rules, "", *summary_lines(table), "", body, ""])


def to_latex(table: pd.DataFrame) -> str:
    keep = ["rule", "dataset", "depth", "n"] + [
        c for c in table if c.startswith("AUC") and not c.endswith(("reason", "(Holm)"))
    ]
    return table[keep].to_latex(index=False, caption=TITLE, label="tab:rules_verdicts", escape=True)


def report(stats: pd.DataFrame, margin_pp: float, subset: bool = False):
    """(table, Markdown, LaTeX) for `noisefa.cli.verdicts`; `subset` does not apply here."""
    table = verdict_table(stats, margin_pp)
    return table, to_markdown(table, margin_pp), to_latex(table)
