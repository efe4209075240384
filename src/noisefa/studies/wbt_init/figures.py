"""Fig S10: initialising W to B makes FA learn like BP (CIFAR-10)."""

from __future__ import annotations

import matplotlib.pyplot as plt

from noisefa.figures.style import (
    METHOD_COLORS,
    FigureInputs,
    accuracy_label,
    layer_name,
    lookup_p,
    mean_sd_band,
    method_label,
    p_text,
)

METHODS = ["bp", "fa", "fa_noise", "fa_wbt"]


def figS10(inputs: FigureInputs):
    c = inputs.collected
    hist = c.histories
    fig, (ax_angle, ax_val) = plt.subplots(1, 2, figsize=(8.4, 3.0))
    angles = hist[hist["split"] == "val"]
    for m in METHODS:
        if m in set(hist["method"]):
            if m != "bp":  # BP sends the error through W^T: its B plays no part
                mean_sd_band(
                    ax_angle,
                    angles[angles["method"] == m],
                    "epoch",
                    "angle_1",
                    METHOD_COLORS[m],
                    method_label(m),
                )
            mean_sd_band(
                ax_val,
                angles[angles["method"] == m],
                "epoch",
                "acc",
                METHOD_COLORS[m],
                method_label(m),
                scale=100,
            )
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
