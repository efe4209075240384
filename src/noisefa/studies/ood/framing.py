"""Fig 5c under MNIST's framing of the USPS digits: a sensitivity of Fig 5c (issue 34).

The paper's USPS set (`usps28`, its Fig S18) resizes the 16x16 digits to 28x28, so they
fill the frame; MNIST's digits sit in a 20x20 box, centred by mass, inside 28x28. The
ood study tests the same trained networks on both framings, so a reader sees how much
of Fig 5c's result is the preprocessing (docs/methods.md, "Where the record differs").
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from noisefa.analysis.claims import NOT_RUN
from noisefa.data.loading import Tensors, read_staged, to_tensors
from noisefa.data.ood import mnist_frame
from noisefa.keys import BASE
from noisefa.studies.sensitivity.robustness import column_entry

# test-set name -> framing of the 16x16 digits; `usps28` (the paper's) is an OOD set
FRAMINGS = {
    "usps_box20": lambda images: mnist_frame(images, by_mass=False),
    "usps_box20_mass": mnist_frame,
}


def framed_usps(data_dir: Path, mean, std) -> dict[str, Tensors]:
    """USPS test in each of MNIST's framings, scaled as the networks' MNIST inputs."""
    images, labels = read_staged(data_dir, "usps", "test")
    return {name: to_tensors(frame(images), labels, mean, std) for name, frame in FRAMINGS.items()}


def framing_robustness(check: dict, judge: Callable[[dict], str]) -> str:
    """The claims table's robustness entry of a claim tested on `usps28` (Fig 5c): its
    verdict in the paper's framing (the base) beside its verdict on the same networks in
    each of MNIST's framings. `judge` gives a check's verdict. A framing the ood study has
    not tested (a tree evaluated before it) is left out; with none, there is no entry."""
    verdicts = {BASE: judge(check)} | {
        name: judge({**check, "where": {**check["where"], "test_set": name}}) for name in FRAMINGS
    }
    return column_entry({k: v for k, v in verdicts.items() if v != NOT_RUN})
