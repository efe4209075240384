"""Claims: verdict logic on hand-made results, and the claims list covers the SPEC."""

from __future__ import annotations

import pandas as pd
import pytest

from noisefa.analysis.claims import (
    NOT_REPRODUCED,
    NOT_RUN,
    REPRODUCED,
    Results,
    check_test,
    evaluate_claims,
)
from noisefa.analysis.tables import NOT_RUN as TABLE_NOT_RUN
from noisefa.paper import paper_claims


def write_stats(folder, study, rows):
    (folder / "stats").mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(folder / "stats" / f"{study}.csv", index=False)


def row(p, a, b, test="independent t (Student)", **extra):
    return {
        "figure": "fig2b",
        "comparison": "fa_noise vs fa",
        "measure": "AUC of test accuracy",
        "depth": 2,
        "test": test,
        "p": p,
        "mean_a": a,
        "mean_b": b,
        "n_a": 10,
        "n_b": 10,
        **extra,
    }


@pytest.mark.parametrize(
    "p, a, b, expect, verdict",
    [
        (1e-6, 0.9, 0.8, "higher", REPRODUCED),
        (1e-6, 0.8, 0.9, "higher", NOT_REPRODUCED),  # significant, wrong direction
        (0.3, 0.9, 0.8, "higher", NOT_REPRODUCED),  # right direction, not significant
        (0.3, 0.9, 0.8, "same", REPRODUCED),
        (1e-6, 0.9, 0.8, "same", NOT_REPRODUCED),
        (0.3, 0.9, 0.8, "higher_mean", REPRODUCED),
    ],
)
def test_test_verdicts(tmp_path, p, a, b, expect, verdict):
    write_stats(tmp_path, "fast_learning", [row(p, a, b)])
    spec = {"study": "fast_learning", "where": {"figure": "fig2b", "depth": 2}, "expect": expect}
    assert check_test(spec, Results(tmp_path, ["fast_learning"]), 0.05)[0] == verdict


def test_all_rows_must_hold_and_most_needs_a_majority(tmp_path):
    write_stats(
        tmp_path,
        "generalization",
        [
            row(1e-4, 1, 2, train_size=100),
            row(1e-4, 1, 2, train_size=400),
            row(0.4, 2, 1, train_size=1600),
        ],
    )
    results = Results(tmp_path, ["generalization"])
    spec = {"study": "generalization", "where": {"train_size": {"gt": 50}}, "expect": "lower"}
    verdict, ours, *_, reason = check_test(spec, results, 0.05)
    assert (
        verdict == NOT_REPRODUCED
        and reason == "2 of 3 results meet 'lower'"
        and "train_size=1600" in ours
    )
    assert check_test({**spec, "quantifier": "most"}, results, 0.05)[0] == REPRODUCED


def test_missing_studies_and_results_are_not_run_with_a_reason(tmp_path):
    spec = {"study": "ood", "where": {}, "expect": "higher"}
    assert (
        check_test(spec, Results(tmp_path, []), 0.05)[-1] == "study ood not in this configuration"
    )
    write_stats(tmp_path, "ood", [row(0.01, 1, 0)])
    verdict, *_, reason = check_test(
        {**spec, "where": {"test_set": "usps28"}}, Results(tmp_path, ["ood"]), 0.05
    )
    assert verdict == NOT_RUN and "test_set" in reason


def test_table_s5_cells_compare_with_tolerance_and_keep_unavailable_data(tmp_path):
    (tmp_path / "tables").mkdir()
    cells = [  # in the table's order: "FA w/o" comes first and "FA w/" is its prefix
        {
            "dataset": "mnist",
            "depth": 2,
            "row": "FA w/o",
            "n": 3,
            "mean": 95.0,
            "sd": 0.1,
            "status": "measured",
            "note": "",
        },
        {
            "dataset": "mnist",
            "depth": 2,
            "row": "FA w/",
            "n": 3,
            "mean": 97.5,
            "sd": 0.1,
            "status": "measured",
            "note": "",
        },
        {
            "dataset": "stl10",
            "depth": 2,
            "row": "BP",
            "n": 0,
            "mean": float("nan"),
            "sd": float("nan"),
            "status": TABLE_NOT_RUN,
            "note": "",
        },
    ]
    pd.DataFrame(cells).to_csv(tmp_path / "tables" / "tableS5.csv", index=False)
    frame = evaluate_claims(tmp_path, ["benchmark"]).set_index("id")
    assert frame.loc["tableS5-mnist-d2-fa_noise", "verdict"] == REPRODUCED  # 97.5 vs 97.76
    assert frame.loc["tableS5-mnist-d2-fa_noise", "ours"].startswith("97.50")  # not FA w/o's
    assert frame.loc["tableS5-mnist-d2-fa", "verdict"] == NOT_REPRODUCED  # 95.0 vs 97.26
    assert "-2.26 pp" in frame.loc["tableS5-mnist-d2-fa", "reason"]
    assert frame.loc["tableS5-stl10-d2-bp", "reason"] == TABLE_NOT_RUN
    assert frame.loc["tableS5-mnist-d5-bp", "reason"] == "not in this configuration"
    # every qualitative claim yields a row even with nothing run
    assert (frame["kind"] == "claim").sum() == len(paper_claims()["claims"])
    assert (frame["kind"] == "number").sum() == 5 * 4 * 4  # 3 methods + ΔACC, 5 datasets, 4 depths


def test_the_claims_list_covers_every_table_s5_number_and_the_spec_figures():
    claims = paper_claims()
    table = claims["table_s5"]["accuracy"]
    assert sum(len(v) for methods in table.values() for v in methods.values()) == 5 * 3 * 4
    figures = {c["figure"] for c in claims["claims"]}
    for needed in (
        "Fig 1e",
        "Fig 1f",
        "Fig 2b",
        "Fig 2c",
        "Fig 2e",
        "Fig 2g",
        "Fig S5",
        "Fig S9",
        "Fig S10",
        "Fig S11",
        "Fig 4b",
        "Fig 4c",
        "Fig 4f",
        "Fig S15",
        "Fig 4g,h",
        "Fig 5b",
        "Fig 5c",
        "Fig 6a",
        "Fig 6b",
        "Fig 6c",
    ):
        assert needed in figures, needed
