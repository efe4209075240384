"""Names of things in result paths: pure Python, importable by the Snakefile without torch."""

from __future__ import annotations

import re
from collections.abc import Sequence


def format_number(value: float) -> str:
    """Canonical short text for a number in names: 1.0 -> '1', 0.10 -> '0.1', 5e5 -> '500000'."""
    return f"{float(value):.10g}"


def noise_tag(distribution: str, mean: float, std: float, samples: int) -> str:
    """e.g. 'gaussian-mean0-std1-n500000'."""
    return f"{distribution}-mean{format_number(mean)}-std{format_number(std)}-n{int(samples)}"


# Values that result paths and wildcards spell out (the schema's enums are tested
# against these).
DISTRIBUTIONS = ("gaussian", "uniform")  # of the pretraining noise
INIT_SCHEMES = ("he_normal", "xavier_normal", "he_uniform")  # of W and B

NOISE_TAG_PATTERN = rf"({'|'.join(DISTRIBUTIONS)})-mean(-?[0-9.e+-]+)-std([0-9.e+-]+)-n(\d+)"


def parse_noise_tag(tag: str) -> tuple[str, float, float, int]:
    match = re.fullmatch(NOISE_TAG_PATTERN, tag)
    if not match:
        raise ValueError(
            f"cannot read noise tag {tag!r}; expected e.g. 'gaussian-mean0-std1-n500000'"
        )
    dist, mean, std, samples = match.groups()
    return dist, float(mean), float(std), int(samples)


# A noise pretraining under a rule other than FA (Algorithm 1's) carries the rule after
# its noise: 'gaussian-mean0-std1-n500000-dfa'. FA's tag is the noise alone, as before.
PRETRAINING_TAG_PATTERN = rf"{NOISE_TAG_PATTERN}(-[a-z]+)?"


def pretraining_tag(noise: str, rule: str = "fa") -> str:
    return noise if rule == "fa" else f"{noise}-{rule}"


def split_pretraining_tag(tag: str) -> tuple[str, str]:
    """'gaussian-mean0-std1-n500000-dfa' -> ('gaussian-mean0-std1-n500000', 'dfa')."""
    match = re.fullmatch(PRETRAINING_TAG_PATTERN, tag)
    if not match:
        raise ValueError(
            f"cannot read pretraining tag {tag!r}; expected a noise tag such as "
            "'gaussian-mean0-std1-n500000', optionally followed by '-<rule>'"
        )
    rule = match.group(match.re.groups)
    return (tag[: -len(rule)] if rule else tag), (rule[1:] if rule else "fa")


def dims_tag(dims: Sequence[int]) -> str:
    """[784, 100, 10] -> '784x100x10'."""
    return "x".join(str(int(d)) for d in dims)


def mlp_dims(input_dim: int, n_classes: int, depth: int, hidden: int = 100) -> list[int]:
    """Layer sizes of a `depth`-layer MLP: depth counts weight layers (2 -> [in, 100, out])."""
    if depth < 1:
        raise ValueError(f"depth must be >= 1 weight layer, got {depth}")
    return [input_dim] + [hidden] * (depth - 1) + [n_classes]
