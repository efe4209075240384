"""Numbers the paper reports, to set beside ours (Table S5 and its ΔACC rows, %).

These are the paper's values, not measurements: they appear only in columns named
`paper_*` and in the claims report.
"""

from __future__ import annotations

DATASET_TITLES = {
    "mnist": "MNIST",
    "fashion_mnist": "F-MNIST",
    "cifar10": "CIFAR-10",
    "cifar100": "CIFAR-100",
    "stl10": "STL-10",
    "kmnist": "KMNIST",
}

# TABLE_S5[dataset][method] = [(mean, sd) for depth 2, 3, 4, 5]
TABLE_S5 = {
    "mnist": {
        "bp": [(97.82, 0.03), (97.86, 0.04), (97.80, 0.16), (97.71, 0.18)],
        "fa": [(97.26, 0.07), (96.95, 0.12), (96.80, 0.20), (95.58, 0.15)],
        "fa_noise": [(97.76, 0.07), (97.56, 0.09), (97.29, 0.24), (97.03, 0.04)],
    },
    "fashion_mnist": {
        "bp": [(88.87, 0.03), (88.76, 0.09), (88.55, 0.00), (88.50, 0.13)],
        "fa": [(87.47, 0.25), (87.38, 0.20), (86.25, 0.76), (83.80, 2.22)],
        "fa_noise": [(88.26, 0.07), (88.40, 0.02), (87.87, 0.13), (87.70, 0.21)],
    },
    "cifar10": {
        "bp": [(54.01, 0.20), (53.75, 0.22), (53.16, 0.20), (52.32, 0.03)],
        "fa": [(50.54, 0.22), (47.34, 0.83), (45.98, 0.33), (39.07, 2.85)],
        "fa_noise": [(53.58, 0.12), (52.38, 0.05), (51.54, 0.28), (50.46, 0.81)],
    },
    "cifar100": {
        "bp": [(24.55, 0.10), (24.71, 0.04), (24.54, 0.08), (24.29, 0.13)],
        "fa": [(20.17, 0.30), (17.17, 0.54), (14.56, 0.13), (8.22, 1.36)],
        "fa_noise": [(24.45, 0.10), (22.76, 0.42), (18.69, 0.65), (13.33, 1.54)],
    },
    "stl10": {
        "bp": [(42.72, 0.20), (43.00, 0.28), (42.87, 0.08), (42.56, 0.22)],
        "fa": [(36.21, 0.91), (35.04, 0.92), (36.74, 0.24), (31.50, 5.10)],
        "fa_noise": [(41.01, 0.16), (41.52, 0.15), (41.38, 0.14), (39.04, 0.59)],
    },
}

# DELTA_ACC[dataset] = [(mean, sd) of the paired fa_noise - fa difference, depths 2..5]
DELTA_ACC = {
    "mnist": [(0.49, 0.06), (0.61, 0.11), (0.48, 0.28), (1.45, 0.19)],
    "fashion_mnist": [(0.79, 0.31), (1.02, 0.19), (1.62, 0.86), (3.90, 2.35)],
    "cifar10": [(3.04, 0.20), (5.04, 0.82), (5.55, 0.09), (11.39, 2.48)],
    "cifar100": [(4.28, 0.38), (5.58, 0.18), (4.14, 0.52), (5.11, 1.31)],
    "stl10": [(4.81, 0.86), (6.49, 1.03), (4.64, 0.35), (7.54, 5.37)],
}


def table_s5(dataset: str, method: str, depth: int) -> tuple[float, float] | None:
    values = TABLE_S5.get(dataset, {}).get(method)
    return values[depth - 2] if values and 2 <= depth <= 5 else None


def delta_acc(dataset: str, depth: int) -> tuple[float, float] | None:
    values = DELTA_ACC.get(dataset)
    return values[depth - 2] if values and 2 <= depth <= 5 else None
