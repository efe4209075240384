"""Fig S5, S6: the trajectory evaluation of Fig 2d-g, on the CIFAR-10 networks."""

from .trajectory import evaluate  # noqa: F401
