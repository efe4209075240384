"""Claims: verdict logic on hand-made results, and the claims list covers the SPEC."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from noisefa.analysis.claims import (
    CHECKS,
    CONTRADICTED,
    INCONCLUSIVE,
    NOT_RUN,
    REPRODUCED,
    Results,
    check_test,
    claim_ids,
    evaluate_claims,
    to_markdown,
)
from noisefa.analysis.statistics import independent_t, one_sample_t, paired_t
from noisefa.analysis.tables import not_run
from noisefa.paper import paper_claims


def write_stats(folder, study, rows):
    (folder / "stats").mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(folder / "stats" / f"{study}.csv", index=False)


def row(result, **extra):
    """A statistics row as the studies write it, from one of our test functions."""
    return {
        "figure": "fig2b",
        "comparison": "fa_noise vs fa",
        "measure": "AUC of test accuracy",
        "depth": 2,
        "unit": "networks",
        **result,
        **extra,
    }


def verdict_of(tmp_path, result, expect, margin=None, study="fast_learning"):
    write_stats(tmp_path, study, [row(result)])
    spec = {"study": study, "where": {"depth": 2}, "expect": expect, "test": result["test"]}
    if margin is not None:
        spec["margin"] = margin
    return check_test(spec, Results(tmp_path, [study]), 0.05)


RNG = np.random.default_rng(0)
HIGH = RNG.normal(0.90, 0.01, 10)
LOW = RNG.normal(0.80, 0.01, 10)


@pytest.mark.parametrize(
    "a, b, expect, verdict",
    [
        (HIGH, LOW, "higher", REPRODUCED),
        (LOW, HIGH, "higher", CONTRADICTED),  # a significant reversal
        (HIGH, LOW, "lower", CONTRADICTED),
        (HIGH, LOW, "different", REPRODUCED),
        ([0.90, 0.95], [0.80, 0.92], "higher", INCONCLUSIVE),  # a big effect with n = 2
        (HIGH[:3] + [0.0, 0.05, -0.05], HIGH[:3], "higher", INCONCLUSIVE),  # no effect
    ],
)
def test_difference_claims_have_three_verdicts(tmp_path, a, b, expect, verdict):
    found = verdict_of(tmp_path, independent_t(a, b), expect)
    assert found["verdict"] == verdict, found["reason"]


def test_an_underpowered_effect_says_direction_n_and_the_networks_needed(tmp_path):
    found = verdict_of(tmp_path, independent_t([0.90, 0.95], [0.80, 0.92]), "higher")
    assert found["verdict"] == INCONCLUSIVE
    assert found["reason"].startswith("direction as claimed, NS; n = 2+2; ~")
    assert "networks per group needed for 80% power" in found["reason"]
    assert found["effect"].startswith("g = ") and "[" in found["difference"]


def test_no_difference_claims_need_equivalence_within_the_margin(tmp_path):
    same = RNG.normal(90.0, 0.2, 100)  # tight: CI well inside +-2 degrees
    found = verdict_of(tmp_path, one_sample_t(same, 90.0), "same", margin=2.0)
    assert found["verdict"] == REPRODUCED and "TOST" in found["reason"]
    wide = RNG.normal(90.0, 10.0, 5)  # NS, but the CI is far wider than the margin
    found = verdict_of(tmp_path, one_sample_t(wide, 90.0), "same", margin=2.0)
    assert found["verdict"] == INCONCLUSIVE, found["reason"]
    far = RNG.normal(80.0, 0.5, 20)  # significant and the whole CI beyond the margin
    found = verdict_of(tmp_path, one_sample_t(far, 90.0), "same", margin=2.0)
    assert found["verdict"] == CONTRADICTED and "beyond the margin" in found["reason"]
    near = RNG.normal(89.3, 0.3, 50)  # significant, yet inside the margin: equivalent
    found = verdict_of(tmp_path, one_sample_t(near, 90.0), "same", margin=2.0)
    assert found["verdict"] == REPRODUCED


def test_paired_rows_use_d_z(tmp_path):
    found = verdict_of(tmp_path, paired_t(HIGH, LOW), "higher")
    assert found["verdict"] == REPRODUCED and found["effect"].startswith("d_z = ")


def test_all_rows_must_hold_and_most_needs_a_majority(tmp_path):
    write_stats(
        tmp_path,
        "generalization",
        [
            row(independent_t(LOW, HIGH), train_size=100),
            row(independent_t(LOW, HIGH), train_size=400),
            row(independent_t([0.85, 0.9], [0.8, 0.88]), train_size=1600),
        ],
    )
    results = Results(tmp_path, ["generalization"])
    spec = {
        "study": "generalization",
        "design": "independent",
        "where": {"train_size": {"gt": 50}},
        "expect": "lower",
    }
    found = check_test(spec, results, 0.05)
    assert found["verdict"] == INCONCLUSIVE and "train_size=1600" in found["ours"]
    assert found["reason"].startswith("2 of 3 results as claimed; 1 inconclusive")
    assert check_test({**spec, "quantifier": "most"}, results, 0.05)["verdict"] == REPRODUCED
    reversed_ = {**spec, "expect": "higher"}  # two significant reversals of three
    assert check_test(reversed_, results, 0.05)["verdict"] == CONTRADICTED
    assert check_test({**reversed_, "quantifier": "most"}, results, 0.05)["verdict"] == CONTRADICTED


def test_missing_studies_and_results_are_not_run_with_a_reason(tmp_path):
    spec = {"study": "ood", "design": "independent", "where": {}, "expect": "higher"}
    found = check_test(spec, Results(tmp_path, []), 0.05)
    assert found == {"verdict": NOT_RUN, "reason": "study ood not in this configuration"}
    write_stats(tmp_path, "ood", [row(independent_t(HIGH, LOW))])
    found = check_test({**spec, "where": {"test_set": "usps28"}}, Results(tmp_path, ["ood"]), 0.05)
    assert found["verdict"] == NOT_RUN and "test_set" in found["reason"]


def test_the_report_opens_with_counts_and_says_when_it_is_underpowered(tmp_path):
    frame = evaluate_claims(tmp_path, [])
    text = to_markdown(frame, {"fast_learning": 3, "benchmark": 3})
    first = text.splitlines()[2]
    every = len(claim_ids())  # every claim of paper_claims.yaml, none of them measured
    assert first.startswith(f"**0 reproduced, 0 contradicted, 0 inconclusive, {every} not run")
    assert "fewer networks than the paper in 1 studies (fast_learning 3 of 10)" in text
    assert "PRESET=offline" in text
    assert "fewer networks" not in to_markdown(frame, {"fast_learning": 10})


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
        {  # far off, but too variable to tell
            "dataset": "mnist",
            "depth": 3,
            "row": "BP",
            "n": 3,
            "mean": 95.0,
            "sd": 3.0,
            "status": "measured",
            "note": "",
        },
        {  # far off, but trained on fewer images than the paper
            "dataset": "cifar10",
            "depth": 2,
            "row": "BP",
            "n": 3,
            "mean": 40.0,
            "sd": 0.1,
            "status": "measured",
            "note": "subset: 3000 of 50000 training images",
        },
        {
            "dataset": "stl10",
            "depth": 2,
            "row": "BP",
            "n": 0,
            "mean": float("nan"),
            "sd": float("nan"),
            "status": not_run("stl10"),
            "note": "",
        },
    ]
    pd.DataFrame(cells).to_csv(tmp_path / "tables" / "tableS5.csv", index=False)
    frame = evaluate_claims(tmp_path, ["benchmark"]).set_index("id")
    assert frame.loc["tableS5-mnist-d2-fa_noise", "verdict"] == REPRODUCED  # 97.5 vs 97.76
    assert frame.loc["tableS5-mnist-d2-fa_noise", "ours"].startswith("97.50")  # not FA w/o's
    assert frame.loc["tableS5-mnist-d2-fa", "verdict"] == CONTRADICTED  # 95.0 vs 97.26
    assert "ours - paper = -2.26 [" in frame.loc["tableS5-mnist-d2-fa", "reason"]
    assert frame.loc["tableS5-mnist-d3-bp", "verdict"] == INCONCLUSIVE
    assert frame.loc["tableS5-cifar10-d2-bp", "verdict"] == "inconclusive (subset)"
    assert frame.loc["tableS5-stl10-d2-bp", "reason"] == "not run: STL-10 not available"
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


# -- the written verdict rule (issue 33): design, Holm within the claim, TOST for Table S5,
# validated inputs ---------------------------------------------------------------------


def test_every_test_claim_declares_a_design_its_rows_have():
    from noisefa.analysis.claims import DESIGNS

    for claim in paper_claims()["claims"]:
        check = claim["check"]
        if check["kind"] == "test":
            assert check.get("design") in DESIGNS, claim["id"]
            if check["design"] == "paired":
                # Page's trend test blocks by seed, as a paired test does
                assert check.get("test", "paired t") in ("paired t", "Page's L trend"), claim["id"]


def test_a_paired_design_and_an_unpaired_one_disagree(tmp_path):
    """Ten seeds whose between-seed spread swamps a small, consistent effect: paired,
    noise helps in every seed (reproduced); Student's t sees only the spread (NS)."""
    base = RNG.normal(0.85, 0.03, 10)
    noise = base + 0.004 + RNG.normal(0, 0.001, 10)
    rows = [row(independent_t(noise, base)), row(paired_t(noise, base))]
    write_stats(tmp_path, "fast_learning", rows)
    results = Results(tmp_path, ["fast_learning"])
    spec = {"study": "fast_learning", "where": {"depth": 2}, "expect": "higher"}
    paired = check_test({**spec, "design": "paired"}, results, 0.05)
    unpaired = check_test({**spec, "design": "independent"}, results, 0.05)
    assert paired["verdict"] == REPRODUCED
    assert unpaired["verdict"] == INCONCLUSIVE


def test_holm_over_the_claims_rows_can_flip_a_verdict(tmp_path):
    """Two settings at p = 0.03 and 0.04: each alone is significant; Holm over the
    claim's two rows makes both 0.06, so "every setting" is no longer shown."""
    from noisefa.analysis.claims import family_holm

    base = paired_t(HIGH, LOW)
    rows = [{**row(base), "p": 0.03}, {**row(base), "p": 0.04, "depth": 3}]
    assert family_holm(pd.DataFrame(rows))["p_family"].tolist() == pytest.approx([0.06, 0.06])
    write_stats(tmp_path, "fast_learning", rows)
    results = Results(tmp_path, ["fast_learning"])
    spec = {"study": "fast_learning", "design": "paired", "expect": "higher"}
    both = check_test(spec, results, 0.05)
    alone = check_test({**spec, "where": {"depth": 3}}, results, 0.05)
    assert alone["verdict"] == REPRODUCED and both["verdict"] == INCONCLUSIVE
    assert "0 of 2 results as claimed" in both["reason"]


def test_the_power_sentence_plans_at_the_familys_holm_level(tmp_path):
    """A large effect at n = 3 is NS after Holm over 38 tests; planning at alpha = 0.05
    would name fewer networks than were run, planning at 0.05 / 38 names more."""
    from noisefa.analysis.claims import family_holm, judge

    a = [0.90, 0.93, 0.91]
    b = [0.85, 0.875, 0.865]
    base = paired_t(a, b)
    assert base["n_power80"] <= 3  # the old sentence: "~2 networks needed"
    rows = family_holm(pd.DataFrame([{**row(base), "depth": d} for d in range(38)]))
    assert rows["family_size"].tolist() == [38] * 38
    r = rows.iloc[0]
    found = judge({**r, "p": r["p_family"]}, "higher", 0.05)
    assert found.verdict == INCONCLUSIVE and found.n_needed > 3
    assert f"~{int(found.n_needed)} networks needed for 80% power" in found.reason
    assert "alpha = 0.05/38 (Holm over 38 tests)" in found.reason
    alone = judge({**row(paired_t([0.90, 0.95], [0.80, 0.92])), "family_size": 1}, "higher", 0.05)
    assert "Holm" not in alone.reason  # a family of one plans at alpha itself


def test_table_s5_numbers_need_tost_within_the_margin():
    from noisefa.analysis.claims import judge_number

    # within 1 pp and tight: equivalence shown
    passed = judge_number(97.5, 0.05, 3, 97.6, 0.05, 1.0, 0.05, False)
    assert passed.verdict == REPRODUCED and "TOST" in passed.reason
    # the point estimate within 1 pp, but too noisy to show it: no longer reproduced
    noisy = judge_number(97.0, 0.8, 3, 97.5, 0.6, 1.0, 0.05, False)
    assert noisy.verdict == INCONCLUSIVE
    # wholly beyond the margin: contradicted; significant but not wholly beyond: not
    assert judge_number(90.0, 0.1, 3, 95.0, 0.1, 1.0, 0.05, False).verdict == CONTRADICTED
    straddle = judge_number(93.82, 0.7, 3, 96.0, 0.7, 1.0, 0.05, False)
    assert straddle.verdict == INCONCLUSIVE and straddle.welch["ci_high"] > -1.0
    assert straddle.welch["p"] < 0.05  # significant against 0, not beyond the margin


def test_delta_acc_margin_is_relative_to_the_papers_effect():
    from noisefa.analysis.claims import judge_number, number_margin

    margin, reason = number_margin("ΔACC (w/ - w/o)", 0.49, 1.0)
    assert margin == pytest.approx(0.25) and "half the paper's" in reason
    assert number_margin("BP", 97.0, 1.0)[0] == 1.0
    # the record's MNIST 2-layer ΔACC: 0.02 +- 0.15 against the paper's 0.49 +- 0.06
    vanished = judge_number(0.02, 0.15, 3, 0.49, 0.06, margin, 0.05, False)
    assert vanished.verdict != REPRODUCED


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("p", -0.5, "is not a probability in [0, 1]"),
        ("p", 1.5, "is not a probability in [0, 1]"),
        ("n_a", 2.5, "is not a count"),
        ("diff", float("inf"), "is not finite"),
        ("p", "low", "'low' is not a number"),
    ],
)
def test_a_bad_number_is_named_by_file_row_and_column(tmp_path, column, value, message):
    from noisefa.errors import ResultError

    good = row(paired_t(HIGH, LOW))
    write_stats(tmp_path, "fast_learning", [good, {**good, column: value}])
    with pytest.raises(ResultError) as error:
        Results(tmp_path, ["fast_learning"]).stats("fast_learning")
    assert "fast_learning.csv, row 3, column " + column in str(error.value)
    assert message in str(error.value)


def test_a_paired_row_of_unequal_groups_is_refused(tmp_path):
    from noisefa.errors import ResultError

    bad = {**row(paired_t(HIGH, LOW)), "n_b": 9}
    write_stats(tmp_path, "fast_learning", [bad])
    with pytest.raises(ResultError, match="paired test of 10 against 9"):
        Results(tmp_path, ["fast_learning"]).stats("fast_learning")


def test_a_one_sided_claim_is_tested_one_sided(tmp_path):
    """ "No closer" (Fig 2g): a farther result shows the claim one-sided, though a
    two-sided equivalence test calls the same difference beyond its margin."""
    farther = paired_t(LOW, HIGH)  # a - b = -0.1: a is not above b
    assert verdict_of(tmp_path, farther, "at_most", margin=0.05)["verdict"] == REPRODUCED
    assert verdict_of(tmp_path, farther, "same", margin=0.05)["verdict"] == CONTRADICTED
    closer = paired_t(HIGH, LOW)  # a - b = +0.1, wholly above +0.05
    assert verdict_of(tmp_path, closer, "at_most", margin=0.05)["verdict"] == CONTRADICTED


def test_a_margin_states_its_power_and_an_underpowered_one_says_so(tmp_path):
    """Fig 1e per neuron: 100 neurons at sd 17 degrees cannot show +-2 degrees (TOST power
    ~0); per network (10 networks, sd 2.6) +-3 degrees has 90%."""
    from noisefa.analysis.claims import margin_power

    neurons = {"n_a": 100, "se_diff": 17.3 / 10, "test": "one-sample t"}
    assert margin_power(neurons, 2.0, 0.05)[0] < 0.05
    networks = {"n_a": 10, "se_diff": 2.64 / np.sqrt(10), "test": "one-sample t"}
    assert margin_power(networks, 3.0, 0.05)[0] == pytest.approx(0.90, abs=0.02)
    found = verdict_of(tmp_path, one_sample_t(RNG.normal(91.5, 17.3, 100), 90.0), "same", 2.0)
    assert "underpowered by design" in found["reason"]


def test_fig4b_near_chance_can_fail_on_an_untrained_network(tmp_path):
    """The redesigned Fig 4b claim (each network's mean |read-out - 1/10|, one-sided
    below 0.03) passes for noise-trained networks and fails for untrained ones, which the
    old test (the mean read-out, 1/10 by construction) could not tell apart."""
    claim = next(c for c in paper_claims()["claims"] if c["id"] == "fig4b-trained-chance")
    spec = claim["check"]
    trained = RNG.normal(0.023, 0.001, 10)
    untrained = RNG.normal(0.090, 0.009, 10)
    for group_b, expected in ((trained, REPRODUCED), (untrained, CONTRADICTED)):
        result = paired_t(untrained, group_b)
        write_stats(
            tmp_path, "spectrum", [row(result, figure="fig4b", measure=spec["where"]["measure"])]
        )
        found = CHECKS["summary_test"](spec, Results(tmp_path, ["spectrum"]), 0.05)
        assert found["verdict"] == expected, found


def test_a_contrast_of_two_rows_tests_their_differences_against_each_other(tmp_path):
    big = paired_t(HIGH, LOW)  # +0.1
    small = paired_t(HIGH, HIGH - 0.02 + RNG.normal(0, 0.001, 10))  # +0.02
    write_stats(tmp_path, "trajectory", [row(big, comparison="x"), row(small, comparison="y")])
    spec = {"study": "trajectory", "design": "paired", "first": {"comparison": "x"},
            "second": {"comparison": "y"}, "labels": ["x", "y"], "expect": "higher"}  # fmt: skip
    results = Results(tmp_path, ["trajectory"])
    assert CHECKS["contrast"](spec, results, 0.05)["verdict"] == REPRODUCED
    assert CHECKS["contrast"]({**spec, "expect": "lower"}, results, 0.05)["verdict"] == (
        CONTRADICTED
    )
