"""String contracts between the registries and everything that spells their names:
the config schema, the wildcard constraints, noise tags, report sections, table titles
and the paper's claims. A name added to one place and not another fails here."""

from __future__ import annotations

import re

import yaml

from noisefa.catalogue import FIGURES
from noisefa.data.registry import DATASETS
from noisefa.learning.methods import METHODS
from noisefa.naming import DISTRIBUTIONS, INIT_SCHEMES, NOISE_TAG_PATTERN, noise_tag
from noisefa.paper import paper_claims
from noisefa.studies import SECTIONS, STUDIES
from noisefa.studies.benchmark import TABLES
from tests.conftest import REPO

SCHEMA = yaml.safe_load((REPO / "workflow" / "schemas" / "config.schema.yaml").read_text())


def enums(node, key=None) -> dict[str, list]:
    """Every enum in the schema, by the name of the property (or $def) that holds it."""
    found: dict[str, list] = {}
    if isinstance(node, dict):
        if "enum" in node:
            found.setdefault(key, []).append(node["enum"])
        for k, v in node.items():
            for name, values in enums(v, key if k in ("items", "properties") else k).items():
                found.setdefault(name, []).extend(values)
    return found


def test_schema_enums_are_the_registries():
    found = enums(SCHEMA)
    assert found["dataset"] == [list(DATASETS)]
    assert found["method"] == [list(METHODS)]
    assert all(
        values == list(DISTRIBUTIONS) for values in found["distribution"] + found["distributions"]
    )
    assert all(values == list(INIT_SCHEMES) for values in found["init"] + found["inits"])


def test_schema_has_one_block_per_registered_study():
    assert set(SCHEMA["properties"]["studies"]["properties"]) == set(STUDIES)


def test_noise_tags_match_the_wildcard_pattern():
    for distribution in DISTRIBUTIONS:
        for mean, std in ((0, 1), (-0.5, 0.1), (0, 0), (1e-5, 2.5)):
            assert re.fullmatch(NOISE_TAG_PATTERN, noise_tag(distribution, mean, std, 500000))
    assert not re.fullmatch(NOISE_TAG_PATTERN, "laplace-mean0-std1-n10")


def test_figures_have_one_owner_and_a_known_section():
    declared = [f.id for study in STUDIES.values() for f in study.figures]
    assert len(declared) == len(set(declared)) == len(FIGURES)
    assert {f.section for f in FIGURES.values()} <= set(SECTIONS.values())
    assert all(FIGURES[f].study == name for name, s in STUDIES.items() for f in s.figure_ids)


def test_every_claim_names_a_registered_study_and_one_of_its_figures():
    for claim in paper_claims()["claims"]:
        check = claim["check"]
        assert check["study"] in STUDIES, claim["id"]
        figure = check.get("where", {}).get("figure")
        if figure:  # the statistics rows are labelled by the figure they test
            owned = STUDIES[check["study"]].figure_ids + tuple(TABLES)
            assert figure in owned, claim["id"]


def test_wildcard_constraints_are_built_from_the_registries():
    common = (REPO / "workflow" / "rules" / "common.smk").read_text()
    block = common[common.index("wildcard_constraints:") :].split("\n\n")[0]
    literal = re.findall(r'^\s+(\w+)="[^"]*",$', block, flags=re.M)
    # only patterns with no registry behind them are written out
    assert set(literal) <= {"split", "dims", "seed", "depth", "variant"}, literal
    for name in ("dataset", "method", "study", "figure", "init", "table", "noise", "ood_set"):
        assert re.search(rf"^\s+{name}=", block, flags=re.M), name
    assert set(TABLES) == {"table1", "tableS5"}
