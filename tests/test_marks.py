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
