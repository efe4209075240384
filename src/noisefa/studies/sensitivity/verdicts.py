"""The study's answer, per Table 1 cell: its gap to the paper under each setting and
reporting rule, and the settings that bring it within the margin (or none); and, per
dataset and setting, whether noise pretraining still helps.

A cell is *within* ±margin when Welch's TOST against the paper's mean ± sd (n = 3)
shows it, *beyond* when the difference's 95% CI lies wholly outside, else
*inconclusive*: the rule every Table S5 number meets (`analysis.claims.judge_number`).
"Noise helps" reads the paired test of FA after noise against FA, Holm-adjusted over
every dataset and setting of the study.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from noisefa.analysis.claims import CONTRADICTED, REPRODUCED, family_holm, judge, judge_number
from noisefa.paper import DATASET_TITLES

from . import VERDICT_TITLE
from .statistics import CORE, CORE_CLAIMS, GAP, STATED

ALPHA = 0.05
WITHIN, BEYOND = "within", "beyond"
HELPS, HURTS, INCONCLUSIVE = "noise helps", "noise hurts", "inconclusive"
TITLE = VERDICT_TITLE
METHOD_NAMES = {"bp": "BP", "fa": "FA w/o", "fa_noise": "FA w/"}
WORDS = {REPRODUCED: WITHIN, CONTRADICTED: BEYOND}
CORE_EFFECT = "FA w/ - FA w/o (95% CI)"


def _num(x: float, digits: int = 2) -> str:
    return f"{x:.{digits}f}" if np.isfinite(x) else ""


def cell_verdicts(stats: pd.DataFrame, margin_pp: float, subset: bool = False) -> pd.DataFrame:
    """One row per dataset, method, setting and reporting rule."""
    gaps = stats[stats["measure"] == GAP]
    rows = []
    for _, r in gaps.iterrows():
        found = judge_number(
            r["mean_a"], r["sd_a"], int(r["n_a"]), r["mean_b"], r["sd_b"], margin_pp, ALPHA,
            subset,
        )  # fmt: skip
        rows.append(
            {
                "dataset": r["dataset"],
                "method": r["method"],
                "setting": r["variant"],
                "factor": r["factor"],
                "rule": r["rule"],
                "n": int(r["n_a"]),
                "ours (%)": _num(r["mean_a"]),
                "paper (%)": _num(r["mean_b"]),
                "gap (pp, 95% CI)": f"{_num(r['diff'])} [{_num(r['ci_low'])}, "
                f"{_num(r['ci_high'])}]",
                "gap": r["diff"],
                "verdict": WORDS.get(found.verdict, found.verdict),
                "reason": found.reason,
            }
        )
    return pd.DataFrame(rows)


def paired_family(stats: pd.DataFrame, figure: str, measure: str | None = None) -> pd.DataFrame:
    """The paired tests of FA after noise against FA of one family (a figure, and a
    measure of it), with Holm's adjustment over the family in `p_family`."""
    paired = stats[
        (stats["figure"] == figure)
        & (stats["test"] == "paired t")
        & (stats["comparison"] == "fa_noise vs fa")
    ]
    if measure is not None:
        paired = paired[paired["measure"] == measure]
    return family_holm(paired)


def _judged(
    paired: pd.DataFrame,
    expect: str,
    effect: str,
    scale: float,
    words: dict | None = None,
    **first,
) -> pd.DataFrame:
    """Each test of a family judged on its Holm p: its effect (x `scale`) with CI, and
    the verdict (renamed by `words`); `first`: columns put before them."""
    rows = []
    for _, r in paired.iterrows():
        found = judge({**r, "p": r["p_family"]}, expect, ALPHA)
        rows.append(
            {
                **first,
                "dataset": r["dataset"],
                "setting": r["variant"],
                "factor": r["factor"],
                "n": int(r["n_a"]),
                effect: f"{_num(scale * r['diff'])} [{_num(scale * r['ci_low'])}, "
                f"{_num(scale * r['ci_high'])}]",
                "p (Holm)": f"{r['p_family']:.2g}" if np.isfinite(r["p_family"]) else "",
                "verdict": (words or {}).get(found.verdict, found.verdict),
                "reason": found.reason,
            }
        )
    return pd.DataFrame(rows)


def noise_verdicts(stats: pd.DataFrame) -> pd.DataFrame:
    """Per dataset and setting: FA after noise vs FA (paired), Holm over the study."""
    words = {REPRODUCED: HELPS, CONTRADICTED: HURTS}  # else inconclusive, as named
    paired = paired_family(stats, "sensitivity_noise")
    return _judged(paired, "higher", "ΔACC (pp, 95% CI)", 100.0, words)


def core_verdicts(stats: pd.DataFrame) -> pd.DataFrame:
    """Per core claim (Fig 1e, 2b, 2c), dataset and setting: the claim's verdict on the
    study's networks (paired, Holm over the claim's datasets and settings)."""
    return pd.concat(
        [
            _judged(
                paired_family(stats, CORE, measure),
                expect,
                CORE_EFFECT,
                1.0,
                claim=claim,
                measure=measure,
            )  # fmt: skip
            for claim, (measure, expect) in CORE_CLAIMS.items()
        ],
        ignore_index=True,
    )


def verdict_table(stats: pd.DataFrame, margin_pp: float, subset: bool = False) -> pd.DataFrame:
    """Every cell under every setting and rule (the CSV); Markdown adds the answers."""
    return cell_verdicts(stats, margin_pp, subset)


def cell_name(dataset: str, method: str) -> str:
    return f"{DATASET_TITLES.get(dataset, dataset)} {METHOD_NAMES.get(method, method)}"


def answers(table: pd.DataFrame, margin_pp: float) -> list[str]:
    """Per cell: the gap under the record's protocol, and what brings it within."""
    lines = []
    for (dataset, method), cell in table.groupby(["dataset", "method"], sort=False):
        base = cell[(cell["setting"] == "base") & (cell["rule"] == STATED)]
        start = (
            f"{base['gap (pp, 95% CI)'].iloc[0]} pp ({base['verdict'].iloc[0]})"
            if len(base)
            else "not run"
        )
        within = cell[cell["verdict"] == WITHIN]
        named = [
            s if rule == STATED else f"{s}, {rule}"
            for s, rule in zip(within["setting"], within["rule"], strict=True)
        ]
        found = (
            f"within ±{margin_pp:g} pp under: {'; '.join(named)}"
            if named
            else f"no setting or rule shows it within ±{margin_pp:g} pp"
        )
        lines.append(f"- **{cell_name(dataset, method)}**: record's protocol {start}; {found}")
    return lines


def core_answers(core: pd.DataFrame) -> list[str]:
    """Per core claim: its verdicts' tally over datasets and settings, and where not
    reproduced."""
    lines = []
    for (claim, measure), part in core.groupby(["claim", "measure"], sort=False):
        tally = ", ".join(f"{n} {v}" for v, n in part["verdict"].value_counts().items())
        other = part[part["verdict"] != REPRODUCED]
        where = [
            f"{DATASET_TITLES.get(d, d)} {s}"
            for d, s in zip(other["dataset"], other["setting"], strict=True)
        ]
        tail = f"; not reproduced under: {', '.join(where)}" if where else ""
        lines.append(f"- **{claim}** ({measure}): {tally} of {len(part)}{tail}")
    return lines


def to_markdown(
    table: pd.DataFrame,
    margin_pp: float,
    noise: pd.DataFrame | None = None,
    core: pd.DataFrame | None = None,
) -> str:
    rule = (
        f"A cell is *{WITHIN}* ±{margin_pp:g} pp of the paper when Welch's TOST against "
        f"the paper's mean ± sd (n = 3) shows it, *{BEYOND}* when the 95% CI of ours - "
        f"paper lies wholly outside, else *inconclusive*. Settings change one factor of "
        f"the record's protocol at a time (then chosen combinations); rules read the same "
        f"networks four ways. The record's protocol is `base` under '{STATED}'."
    )
    lines = [f"# {TITLE}", "", rule, "", "## What brings each cell to the paper", ""]
    lines += answers(table, margin_pp) if not table.empty else ["(no cells measured)"]
    if noise is not None and not noise.empty:
        lines += ["", "## Does noise pretraining still help under each setting?", ""]
        for dataset, part in noise.groupby("dataset", sort=False):
            tally = part["verdict"].value_counts()
            held = ", ".join(f"{n} {v}" for v, n in tally.items())
            fails = part[part["verdict"] != HELPS]["setting"].tolist()
            tail = f"; not shown under: {', '.join(fails)}" if fails else ""
            lines.append(f"- **{DATASET_TITLES.get(dataset, dataset)}**: {held}{tail}")
        lines += ["", noise.drop(columns="reason").to_markdown(index=False)]
    if core is not None and not core.empty:
        lines += ["", "## Do the core claims hold under each setting?", ""]
        lines += core_answers(core) + ["", core.to_markdown(index=False)]
    stated = table[table["rule"] == STATED] if not table.empty else table
    if not stated.empty:
        lines += ["", f"## Every cell under every setting ('{STATED}')", ""]
        lines += [stated.drop(columns=["reason", "gap", "rule"]).to_markdown(index=False)]
    return "\n".join(lines) + "\n"


def to_latex(table: pd.DataFrame) -> str:
    if table.empty:
        return ""
    keep = ["dataset", "method", "setting", "n", "ours (%)", "paper (%)", "gap (pp, 95% CI)"]
    stated = table[table["rule"] == STATED][keep + ["verdict"]]
    return stated.to_latex(index=False, caption=TITLE, label="tab:sensitivity", escape=True)


def report(stats: pd.DataFrame, margin_pp: float, subset: bool = False):
    """(table, Markdown, LaTeX) for `noisefa.cli.verdicts`. `subset`: the networks
    trained on fewer images than the paper's, so no cell can be called beyond it."""
    table = verdict_table(stats, margin_pp, subset)
    markdown = to_markdown(table, margin_pp, noise_verdicts(stats), core_verdicts(stats))
    return table, markdown, to_latex(table)
