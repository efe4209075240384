"""Out-of-distribution sets: seeded, label-preserving, within the paper's ranges."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from noisefa.cli import make_ood
from noisefa.data.ood import mnist_frame, resize_images, transform_images


def digits(n=40, seed=0):
    rng = np.random.default_rng(seed)
    images = np.zeros((n, 28, 28), np.uint8)
    images[:, 8:20, 12:16] = rng.integers(150, 256, (n, 12, 4))  # a bar in the middle
    return images


@pytest.mark.parametrize("kind", ["translate", "scale", "rotate"])
def test_transforms_are_seeded_and_within_range(kind):
    images = digits()
    a, params = transform_images(images, kind, seed=0)
    b, _ = transform_images(images, kind, seed=0)
    c, _ = transform_images(images, kind, seed=1)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    angle, tx, ty, scale = params.T
    if kind == "translate":
        assert np.abs(np.concatenate([tx, ty])).max() <= round(0.05 * 28)
        assert np.all(angle == 0) and np.all(scale == 1)
    if kind == "scale":
        assert scale.min() >= 0.8 and scale.max() <= 1.2 and np.ptp(scale) > 0.2
    if kind == "rotate":
        assert np.abs(angle).max() <= 25 and np.ptp(angle) > 25
    assert not np.array_equal(a, images)


def test_rotation_by_90_degrees_turns_a_vertical_bar_horizontal():
    image = digits(1)
    out, _ = transform_images(image, "rotate", 0, rotate=90.0)
    # almost any angle in +-90 changes the bar's extent; compare ink spread on the axes
    ink = out[0] > 100
    assert ink.any() and not np.array_equal(ink, image[0] > 100)


def test_usps_resize():
    small = np.zeros((3, 16, 16), np.uint8)
    small[:, 4:12, 6:10] = 255
    big = resize_images(small, 28)
    assert big.shape == (3, 28, 28) and big.dtype == np.uint8 and big.max() == 255


def test_cli_builds_union_of_the_three_sets(staged_data):
    make_ood.main(["--set", "mnist_union", "--data-dir", str(staged_data), "--seed", "0"])
    make_ood.main(["--set", "mnist_rotate", "--data-dir", str(staged_data), "--seed", "0"])
    with (
        np.load(staged_data / "ood" / "mnist_union.npz") as union,
        np.load(staged_data / "ood" / "mnist_rotate.npz") as rot,
    ):
        assert union["images"].shape == (30000, 28, 28)
        assert np.array_equal(union["images"][20000:], rot["images"])  # rotate is the third part
        with np.load(staged_data / "mnist" / "test.npz") as test:
            assert np.array_equal(union["labels"][:10000], test["labels"])


def test_mnist_framing_puts_a_digit_in_a_20px_box_centred_by_mass():
    from scipy import ndimage

    digits = np.zeros((2, 16, 16), dtype=np.uint8)
    digits[0] = 255  # fills its frame, as USPS digits do
    digits[1, :, :6] = 255  # a stroke at the left edge
    boxed = mnist_frame(digits, by_mass=False)
    assert boxed.shape == (2, 28, 28)
    assert boxed[0, :4].max() == 0 and boxed[0, :, 24:].max() == 0  # a 4-pixel margin
    assert (boxed[0, 4:24, 4:24] == 255).all()
    centred = mnist_frame(digits)
    for image in centred:
        cy, cx = ndimage.center_of_mass(image.astype(float))
        assert abs(cy - 13.5) <= 0.5 and abs(cx - 13.5) <= 0.5
    assert centred[1].sum() == boxed[1].sum()  # shifted within the image, nothing lost


def test_usps_in_mnists_framings_is_reported_under_fig5c_but_not_as_the_papers_test():
    from types import SimpleNamespace

    import pandas as pd

    from noisefa.studies.ood.framing import FRAMINGS
    from noisefa.studies.ood.statistics import statistics

    rng = np.random.default_rng(0)
    rows = [
        {"measure": "ood_acc", "item": item, "method": method, "seed": seed, "value": v}
        for item in ["mnist_rotate", "usps28", *FRAMINGS]
        for method in ["fa", "fa_noise"]
        for seed, v in enumerate(rng.uniform(0.2, 0.8, 5))
    ]
    stats = statistics(SimpleNamespace(evaluation=pd.DataFrame(rows)))
    figures = stats.groupby("test_set")["figure"].unique().map(list).to_dict()
    assert figures == {"mnist_rotate": ["fig5b"], **dict.fromkeys(["usps28", *FRAMINGS], ["fig5c"])}
    papers = stats[stats["paper"] != ""].groupby("test_set").size()
    assert set(papers.index) == {"mnist_rotate", "usps28"}  # one Student's row each
    assert (papers == 1).all()


def test_framed_usps_is_the_real_test_digits_in_a_20px_box(mirror, tmp_path):
    from noisefa.data.staging import stage_split
    from noisefa.studies.ood.framing import framed_usps

    stage_split(
        "usps",
        "test",
        tmp_path / "usps" / "test.npz",
        tmp_path / "usps" / "test.json",
        [mirror],
        tmp_path / ".torchvision" / "usps-test",
        download=False,
    )
    mean, std = [0.1307], [0.3081]
    framed = framed_usps(tmp_path, mean, std)
    assert set(framed) == {"usps_box20", "usps_box20_mass"}
    pixels = {k: (d.x * std[0] + mean[0]).reshape(-1, 28, 28) for k, d in framed.items()}
    box, by_mass = pixels["usps_box20"], pixels["usps_box20_mass"]
    assert box.shape == by_mass.shape == (2007, 28, 28)
    assert len(framed["usps_box20"].y) == 2007
    outside = torch.ones(28, 28, dtype=torch.bool)
    outside[4:24, 4:24] = False
    assert box[:, outside].abs().max() < 1e-5  # nothing outside the centred 20px box
    assert (box.amax(dim=(1, 2)) > 0.3).all()  # every digit keeps its ink
    # centring by mass moves the box, inside the frame: the ink is the same
    assert torch.allclose(by_mass.sum(dim=(1, 2)), box.sum(dim=(1, 2)), rtol=1e-4)
    assert not torch.equal(by_mass, box)


def test_fig5c_is_fragile_when_mnists_framing_turns_its_verdict():
    from noisefa.studies.ood.framing import framing_robustness

    check = {"kind": "test", "study": "ood", "where": {"test_set": "usps28"}, "expect": "higher"}

    def judge(verdicts):
        return lambda c: verdicts[c["where"]["test_set"]]

    same = dict.fromkeys(["usps28", "usps_box20", "usps_box20_mass"], "inconclusive")
    assert framing_robustness(check, judge(same)) == "robust (inconclusive under all 3 settings)"
    turned = {**same, "usps_box20_mass": "reproduced"}
    assert framing_robustness(check, judge(turned)) == (
        "fragile (inconclusive at base): flips under usps_box20_mass (reproduced)"
    )
    untested = {**same, "usps_box20": "not run", "usps_box20_mass": "not run"}
    assert framing_robustness(check, judge(untested)) == ""  # evaluated before the framings
