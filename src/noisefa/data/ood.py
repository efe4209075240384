"""Out-of-distribution test sets (paper section 4.3, Fig 5, S17, S18).

- Transformed MNIST test images: translated (uniform within +-5% of the image size on x
  and y), scaled (uniform in [0.8, 1.2]) and rotated (uniform in +-25 degrees); three
  separate sets and their union. Parameters are drawn by torchvision's own
  `RandomAffine.get_params` under a fixed seed and applied with torchvision's `affine`,
  so every network is tested on the same images.
- USPS test digits resized from 16x16 to 28x28 (bilinear, antialiased); evaluated with
  MNIST's normalisation, since the networks were trained on MNIST.
"""

from __future__ import annotations

import numpy as np

from ..seeding import stream_seed

TRANSFORMS = ("translate", "scale", "rotate")
OOD_SETS = ("mnist_translate", "mnist_scale", "mnist_rotate", "mnist_union", "usps28")


def affine_ranges(kind: str, translate: float, scale: tuple[float, float], rotate: float) -> dict:
    """RandomAffine arguments for one kind of transformation."""
    if kind == "translate":
        return {"degrees": (0.0, 0.0), "translate": (translate, translate), "scale_ranges": None}
    if kind == "scale":
        return {"degrees": (0.0, 0.0), "translate": None, "scale_ranges": tuple(scale)}
    if kind == "rotate":
        return {"degrees": (-rotate, rotate), "translate": None, "scale_ranges": None}
    raise ValueError(f"unknown transformation {kind!r}; expected one of {TRANSFORMS}")


def transform_images(
    images: np.ndarray,
    kind: str,
    seed: int,
    translate: float = 0.05,
    scale: tuple[float, float] = (0.8, 1.2),
    rotate: float = 25.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Apply one random affine transformation per image; returns (images, parameters).

    Parameters per image: angle (deg), translation x, y (pixels), scale.
    """
    import torch
    import torchvision.transforms.v2.functional as TF
    from torchvision.transforms import InterpolationMode, RandomAffine

    ranges = affine_ranges(kind, translate, scale, rotate)
    size = list(images.shape[1:3])
    out = np.empty_like(images)
    params = np.empty((images.shape[0], 4))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(stream_seed(seed, "ood") + TRANSFORMS.index(kind))
        for i, image in enumerate(images):
            angle, (tx, ty), factor, shear = RandomAffine.get_params(
                ranges["degrees"], ranges["translate"], ranges["scale_ranges"], None, size
            )
            tensor = torch.from_numpy(np.ascontiguousarray(image))[None]
            moved = TF.affine(
                tensor,
                angle=angle,
                translate=[tx, ty],
                scale=factor,
                shear=list(shear),
                interpolation=InterpolationMode.BILINEAR,
            )
            out[i] = moved[0].numpy()
            params[i] = (angle, tx, ty, factor)
    return out, params


def resize_images(images: np.ndarray, side: int) -> np.ndarray:
    """Bilinear, antialiased resize of uint8 (N, H, W) images to (N, side, side)."""
    import torch
    import torchvision.transforms.v2.functional as TF

    tensor = torch.from_numpy(np.ascontiguousarray(images))[:, None].float()
    resized = TF.resize(
        tensor, [side, side], interpolation=TF.InterpolationMode.BILINEAR, antialias=True
    )
    return resized[:, 0].round().clamp(0, 255).to(torch.uint8).numpy()


def mnist_frame(images: np.ndarray, box: int = 20, side: int = 28, by_mass: bool = True):
    """Frame uint8 (N, H, W) digits as MNIST's were: scaled to fill a box x box square,
    padded to side x side and, with `by_mass`, shifted so that the centre of mass of the
    pixels sits at the image's centre (whole pixels; what leaves the image is lost).

    USPS digits fill their 16x16 frame, so `resize_images(usps, 28)` draws them larger
    than any MNIST digit; this is the alternative framing of docs/methods.md (Fig 5c).
    """
    from scipy import ndimage

    pad = (side - box) // 2
    framed = np.pad(
        resize_images(images, box), ((0, 0), (pad, side - box - pad), (pad, side - box - pad))
    )
    if not by_mass:
        return framed
    centre = (side - 1) / 2
    out = np.empty_like(framed)
    for i, image in enumerate(framed):
        cy, cx = ndimage.center_of_mass(image.astype(np.float64))
        shift = (round(centre - cy), round(centre - cx)) if image.any() else (0, 0)
        out[i] = ndimage.shift(image, shift, order=0, mode="constant", cval=0)
    return out
