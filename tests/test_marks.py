"""Figure footnotes: the tests and n behind the marks, and marks against the paper."""

from __future__ import annotations

import pandas as pd

from noisefa.figures import marks


def row(p, mean_a, mean_b, train_size=400):
    return {
        "figure": "fig4f", "comparison": "fa_noise vs fa", "measure": "generalization error",
        "group_a": "fa_noise", "group_b": "fa", "unit": "networks",
        "test": "independent t (Student)",
        "n_a": 10, "n_b": 10.0, "mean_a": mean_a, "mean_b": mean_b, "diff": mean_a - mean_b,
        "p": p, "train_size": train_size,
    }  # fmt: skip


def test_footnote_names_test_and_n_and_flags_an_effect_opposite_to_the_paper():
    marks.reset()
    marks.record(pd.DataFrame([row(0.2, 0.05, 0.08, 100), row(1e-4, 0.09, 0.05, 400)]))
    note = marks.footnote()
    assert note.startswith("Marks: Student t, n = 10 + 10 networks (two-sided)")
    # Fig 4f's claim: lower with noise; at 400 images it is significantly higher
    assert "opposite to the paper's claim: fa_noise vs fa (train_size 400)" in note
    assert "train_size 100" not in note  # NS is not a contradiction
    marks.reset()
    assert marks.footnote() == ""


def test_a_claim_about_a_figure_without_a_figure_key_still_gets_its_caveat():
    """Fig 5c's claim selects USPS rows by test set, not by figure: on USPS the effect
    runs opposite to the paper's. The caveat follows the claim's paired design."""
    usps = {
        **row(0.047, 0.258, 0.299),
        "figure": "fig5c",
        "test_set": "usps28",
        "measure": "accuracy on usps28",
        "train_size": None,
    }
    paired = {**usps, "test": "paired t", "p": 0.106}
    marks.reset()
    marks.record(pd.DataFrame([usps, paired]))
    note = marks.footnote("fig5c")
    opposite = "not significant: fa_noise vs fa (test_set usps28), paired t p = 0.11"
    assert opposite in note
    assert "Significant in the direction" not in note  # the paired t decides, as in claims
    assert "opposite" not in marks.footnote("fig2b")  # a claim about another figure


def test_fig6b_draws_each_path_in_epoch_order():
    from types import SimpleNamespace

    import matplotlib

    matplotlib.use("Agg")
    from noisefa.studies.adaptation.figures import fig6b

    items = [str(i) for i in range(12)]  # as text: "10" sorts before "2"
    rows = []
    for stage, dataset, method in [("noise", "", "fa_noise"), ("data", "mnist", "fa"),
                                   ("data", "mnist", "fa_noise")]:  # fmt: skip
        for item in sorted(items):
            for measure, value in (("pc1", float(item)), ("pc2", 2.0 * float(item))):
                rows.append({"seed": 0, "stage": stage, "dataset": dataset, "method": method,
                             "item": item, "measure": measure, "value": value,
                             "depth": 2, "layer": 1})  # fmt: skip
    feedback = {"seed": 0, "stage": "feedback", "dataset": "", "method": "fa_noise", "item": "B",
                "value": 0.0, "depth": 2, "layer": 1}  # fmt: skip
    rows += [{**feedback, "measure": m} for m in ("pc1", "pc2")]
    table = pd.DataFrame(rows)
    fig = fig6b(SimpleNamespace(collected=SimpleNamespace(evaluation=table)))
    paths = [line.get_xdata() for line in fig.axes[0].lines if len(line.get_xdata()) == 12]
    assert len(paths) == 3
    for x in paths:
        assert list(x) == sorted(x)


def test_every_band_and_bar_states_its_n_and_bands_stay_in_the_measures_range():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from noisefa.figures.style import bar_with_points, mean_sd_band

    marks.reset()
    fig, ax = plt.subplots()
    # a loss near 0 with a large spread: mean - sd would go below 0
    frame = pd.DataFrame({"epoch": [0, 0, 0, 1, 1, 1], "loss": [0.01, 0.02, 0.9, 0.0, 0.01, 0.8]})
    mean_sd_band(ax, frame, "epoch", "loss", "blue")
    lower = ax.collections[0].get_paths()[0].vertices[:, 1]
    assert lower.min() >= 0
    bar_with_points(ax, ["a", "b"], {"a": [1.0, 2.0, 3.0], "b": [2.0, 2.5]}, {"a": "k", "b": "k"})
    note = marks.footnote()
    assert "Bands: mean +- 1 sd over n = 3 networks per point; cut at the measure's range." in note
    assert "Bars: mean +- 1 sd over n = 2-3 networks per bar" in note
    plt.close("all")
