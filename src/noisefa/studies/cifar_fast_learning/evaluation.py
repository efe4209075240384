"""Fig S5, S6: the trajectory evaluation of Fig 2d-g, on the CIFAR-10 networks."""

from noisefa.studies.trajectory.evaluation import evaluate  # noqa: F401
