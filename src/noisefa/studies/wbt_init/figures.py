"""Fig S10: initialising W to B makes FA learn like BP (CIFAR-10)."""

from __future__ import annotations

import matplotlib.pyplot as plt

from noisefa.figures.style import (
    FigureInputs,
    accuracy_label,
    layer_name,
    lookup_p,
    method_bands,
    p_text,
)

METHODS = ["bp", "fa", "fa_noise", "fa_wbt"]


def figS10(inputs: FigureInputs):
    c = inputs.collected
    hist = c.histories
    fig, (ax_angle, ax_val) = plt.subplots(1, 2, figsize=(8.4, 3.0))
    angles = hist[hist["split"] == "val"]
    present = [m for m in METHODS if m in set(hist["method"])]
    # BP sends the error through W^T: its B plays no part
    method_bands(ax_angle, angles, "angle_1", [m for m in present if m != "bp"])
    method_bands(ax_val, angles, "acc", present)
    ax_angle.axhline(90, color="black", ls="--", lw=0.8)
    ax_angle.set(
        xlabel="Data training epoch",
        ylabel=f"Angle W-B, {layer_name(1, 2)} (deg)",
        title="(a) alignment (FA methods; BP uses no B)",
    )
    p = lookup_p(
        inputs.stats,
        "figS10",
        "fa_wbt vs bp",
        "independent t (Student)",
        "AUC of validation accuracy",
    )
    ax_val.set(
        xlabel="Data training epoch",
        ylabel=accuracy_label("validation"),
        title=f"(b) W = B init vs BP, AUC: {p_text(p)}",
    )
    ax_val.legend(fontsize=7, loc="lower right")
    return fig
