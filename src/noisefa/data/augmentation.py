"""Training-time augmentation of colour images (the paper mentions none; `sensitivity`
tries the common CIFAR one): a left-right flip with probability 1/2 and a shift of up to
PAD pixels each way, the border filled with zeros (the channel mean once standardised).

Vectorised over a stacked ensemble's batch (networks x images); each network draws its
flips and shifts from its own generator, so a network sees the same images whatever
trains beside it.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F

AUGMENTATIONS = ("none", "flip-crop")
PAD = 4


def flip_crop(
    x: torch.Tensor, shape: tuple[int, int, int], gens: Sequence[torch.Generator]
) -> torch.Tensor:
    """x: (k, B, C*H*W), channel-major images of shape (C, H, W); network i draws from
    gens[i]. Returns a new tensor of x's shape."""
    k, b, features = x.shape
    c, h, w = shape
    if c * h * w != features:
        raise ValueError(f"images of shape {shape} hold {c * h * w} values, not {features}")
    if len(gens) != k:
        raise ValueError(f"{k} networks need {k} augmentation generators")
    device = x.device
    shifts = torch.cat(
        [torch.randint(0, 2 * PAD + 1, (b, 2), generator=g, device=g.device) for g in gens]
    ).to(device)
    flips = torch.cat([torch.randint(0, 2, (b,), generator=g, device=g.device) for g in gens]).to(
        device, torch.bool
    )
    padded = F.pad(x.reshape(k * b, c, h, w), (PAD, PAD, PAD, PAD))
    rows = shifts[:, :1] + torch.arange(h, device=device)  # (kB, H) in the padded image
    cols = shifts[:, 1:] + torch.arange(w, device=device)
    cols = torch.where(flips[:, None], cols.flip(-1), cols)  # flipping reverses the columns
    n = torch.arange(k * b, device=device)[:, None, None]
    out = padded[n, :, rows[:, :, None], cols[:, None, :]]  # (kB, H, W, C)
    return out.permute(0, 3, 1, 2).reshape(k, b, features)
