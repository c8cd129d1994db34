"""Image/mask folder pairs, in-memory preloading and batched tensor augmentation.

A split is a folder with ``images/`` (jpg/png) and ``masks/`` (png with the same stem).
Masks are binary (0/255 or 0/1) for K = 1 or class indices for K > 1 (values >= K are
ignored as ``IGNORE_INDEX``). Everything is decoded once and kept as uint8 tensors: the
2000 ISIC images at 256x256 take ~400 MB, and decoding per epoch would cost CPU the
2-core machine needs for the forward/backward pass.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

IMAGE_EXTS = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff")
IGNORE_INDEX = 255
# ImageNet statistics on the 0..1 scale (the model card records them explicitly).
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)


def list_pairs(split_dir: str) -> List[Tuple[str, str]]:
    """``(image_path, mask_path)`` pairs of ``split_dir/images`` and ``split_dir/masks``, sorted."""
    img_dir, mask_dir = os.path.join(split_dir, "images"), os.path.join(split_dir, "masks")
    masks = {os.path.splitext(f)[0]: f for f in os.listdir(mask_dir) if f.lower().endswith(IMAGE_EXTS)}
    pairs: List[Tuple[str, str]] = []
    for f in sorted(os.listdir(img_dir)):
        stem, ext = os.path.splitext(f)
        if ext.lower() not in IMAGE_EXTS:
            continue
        m = masks.get(stem) or masks.get(stem + "_segmentation")
        if m is None:
            raise FileNotFoundError(f"no mask for {f} in {mask_dir}")
        pairs.append((os.path.join(img_dir, f), os.path.join(mask_dir, m)))
    if not pairs:
        raise FileNotFoundError(f"no images in {img_dir}")
    return pairs


def load_image(path: str) -> np.ndarray:
    """RGB uint8 ``[H, W, 3]``."""
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def load_mask(path: str, num_classes: int) -> np.ndarray:
    """uint8 ``[H, W]``: {0, 1} for K = 1 (any value > 0 of a 0/1 mask or > 127 of a 0/255
    mask is foreground), class indices for K > 1 (out-of-range -> ``IGNORE_INDEX``)."""
    with Image.open(path) as im:
        m = np.asarray(im.convert("L") if im.mode not in ("L", "P", "I", "I;16") else im)
    m = m.astype(np.int64)
    if num_classes == 1:
        return (m > (127 if m.max() > 1 else 0)).astype(np.uint8)
    out = np.where((m >= 0) & (m < num_classes), m, IGNORE_INDEX)
    return out.astype(np.uint8)


def resize_image(img: np.ndarray, size: Tuple[int, int]) -> np.ndarray:
    """Bilinear resize to ``(H, W)`` (the runtime squashes, it does not crop or pad)."""
    return np.asarray(Image.fromarray(img).resize((size[1], size[0]), Image.BILINEAR))


def resize_mask(mask: np.ndarray, size: Tuple[int, int]) -> np.ndarray:
    """Nearest-neighbour resize of a label mask to ``(H, W)``."""
    return np.asarray(Image.fromarray(mask).resize((size[1], size[0]), Image.NEAREST))


@dataclass
class SplitTensors:
    """A preloaded split: resized images/masks plus the original-resolution masks."""

    names: List[str]
    images: torch.Tensor          # uint8 [N, 3, S, S]
    masks: torch.Tensor           # uint8 [N, S, S]
    full_masks: Optional[List[torch.Tensor]]  # uint8 [H, W] each, original size


def holdout_names(names: Sequence[str], count: int, seed: int) -> List[str]:
    """The ``count`` names of a split set aside for model selection: a seeded draw that depends only on the
    set of names (not on their order or on the machine), so every run of a protocol holds out the same images."""
    if not 0 <= count < len(names):
        raise ValueError(f"--holdout {count} must be at least 0 and less than the {len(names)} images of the split")
    ordered = sorted(names)
    picked = np.random.RandomState(seed).permutation(len(ordered))[:count]
    return sorted(ordered[i] for i in picked)


def holdout_of_split(split_dir: str, count: int, seed: int, limit: Optional[int] = None) -> List[str]:
    """``holdout_names`` over the images of ``split_dir`` (the first ``limit`` of them, as ``preload_split`` takes):
    training and evaluation call this one function, so they hold out the same images."""
    return holdout_names([split_stem(ip) for ip, _ in list_pairs(split_dir)[:limit]], count, seed)


def lesion_fractions(masks: torch.Tensor) -> torch.Tensor:
    """Share of the valid (not ignored) pixels of each ``[N, H, W]`` mask that is lesion (any class above
    background): the truth area that ``training.metrics`` splits its size groups by."""
    valid = (masks != IGNORE_INDEX).flatten(1)
    lesion = (masks > 0).flatten(1) & valid
    return lesion.sum(1).float() / valid.sum(1).clamp(min=1).float()


def epoch_order(fractions: torch.Tensor, big_weight: int, big_fraction: float,
                gen: torch.Generator, also: Optional[torch.Tensor] = None) -> torch.Tensor:
    """The order in which one epoch draws the training images: a shuffle of all ``N`` when ``big_weight`` is 1
    (exactly ``torch.randperm``, so earlier runs replay), else a shuffle of a pool where every image whose lesion
    covers more than ``big_fraction`` appears ``big_weight`` times, cut to ``N`` so that an epoch costs the same.
    Users' lesions fill the frame more often than the train split's, and the model under-segmented those.
    ``also``: a boolean per image; those images are drawn ``big_weight`` times as often too (once, if also big).
    Without it the order is what it was before it existed, so earlier runs replay."""
    n = fractions.numel()
    if big_weight < 1:
        raise ValueError(f"--big-lesion-weight {big_weight} must be at least 1")
    if big_weight == 1:
        return torch.randperm(n, generator=gen)
    weighted = fractions > big_fraction if also is None else (fractions > big_fraction) | also
    big = torch.nonzero(weighted).flatten()
    pool = torch.cat([torch.arange(n), big.repeat(big_weight - 1)])
    return pool[torch.randperm(pool.numel(), generator=gen)][:n]


def split_stem(image_path: str) -> str:
    """The name an image is known by in reports and hold-out lists: its file name without extension."""
    return os.path.splitext(os.path.basename(image_path))[0]


def preload_split(split_dir: str, size: int, num_classes: int, keep_full: bool = False,
                  limit: Optional[int] = None, include: Optional[Sequence[str]] = None,
                  exclude: Optional[Sequence[str]] = None) -> SplitTensors:
    """Decode and resize a whole split into memory (``limit`` takes the first N, for tests; ``include`` /
    ``exclude`` keep or drop images by name, for a hold-out slice)."""
    pairs = list_pairs(split_dir)[:limit]
    if include is not None:
        keep = set(include)
        pairs = [p for p in pairs if split_stem(p[0]) in keep]
    if exclude is not None:
        drop = set(exclude)
        pairs = [p for p in pairs if split_stem(p[0]) not in drop]
    n = len(pairs)
    images = torch.empty((n, 3, size, size), dtype=torch.uint8)
    masks = torch.empty((n, size, size), dtype=torch.uint8)
    full: Optional[List[torch.Tensor]] = [] if keep_full else None
    for i, (ip, mp) in enumerate(pairs):
        img, mask = load_image(ip), load_mask(mp, num_classes)
        images[i] = torch.from_numpy(resize_image(img, (size, size)).copy()).permute(2, 0, 1)
        masks[i] = torch.from_numpy(resize_mask(mask, (size, size)).copy())
        if full is not None:
            full.append(torch.from_numpy(mask.copy()))
    names = [split_stem(ip) for ip, _ in pairs]
    return SplitTensors(names, images, masks, full)


def normalize(x: torch.Tensor) -> torch.Tensor:
    """uint8 or 0..1 float ``[N,3,H,W]`` -> mean/std normalised float32."""
    if x.dtype == torch.uint8:
        x = x.float() / 255.0
    mean = torch.tensor(MEAN, dtype=x.dtype).view(1, 3, 1, 1)
    std = torch.tensor(STD, dtype=x.dtype).view(1, 3, 1, 1)
    return (x - mean) / std


@dataclass
class AugmentConfig:
    """Augmentation strengths (probabilities and ranges)."""

    flip: bool = True
    rot90: bool = True
    scale: Tuple[float, float] = (0.75, 1.25)
    shift: float = 0.1
    affine_p: float = 0.7
    brightness: float = 0.2
    contrast: float = 0.2
    saturation: float = 0.2
    jitter_p: float = 0.8
    # Lesion-centred zoom-in: with this probability the view is scaled so that the lesion's bounding box fills
    # ``zoom_fill`` of the frame (at most ``zoom_max``x), centred on the lesion. Users' lesions often fill most of
    # the image; ISIC's train split has few such views, and the model under-segmented them.
    zoom_in_p: float = 0.0
    zoom_fill: Tuple[float, float] = (0.7, 1.0)
    zoom_max: float = 3.0


def augment_batch(img: torch.Tensor, mask: torch.Tensor, cfg: AugmentConfig,
                  gen: torch.Generator, num_classes: int) -> Tuple[torch.Tensor, torch.Tensor]:
    """Augment a batch on the fly.

    Args:
        img: float ``[B,3,S,S]`` on 0..1. mask: float ``[B,1,S,S]`` (binary) or long ``[B,S,S]``.
    Returns the augmented pair; binary masks become soft (bilinear) targets under scale/shift.
    """
    b = img.shape[0]
    binary = num_classes == 1
    m = mask if binary else mask.unsqueeze(1).float()
    out_i, out_m = [], []
    for i in range(b):  # flips/rot90 are per-sample views: cheap
        xi, mi = img[i], m[i]
        if cfg.flip and torch.rand(1, generator=gen).item() < 0.5:
            xi, mi = xi.flip(-1), mi.flip(-1)
        if cfg.flip and torch.rand(1, generator=gen).item() < 0.5:
            xi, mi = xi.flip(-2), mi.flip(-2)
        if cfg.rot90 and xi.shape[-1] == xi.shape[-2]:
            k = int(torch.randint(0, 4, (1,), generator=gen).item())
            xi, mi = torch.rot90(xi, k, (-2, -1)), torch.rot90(mi, k, (-2, -1))
        out_i.append(xi)
        out_m.append(mi)
    img, m = torch.stack(out_i), torch.stack(out_m)

    # Scale/shift as one batched affine warp; reflection padding keeps lesion statistics.
    apply = torch.rand(b, generator=gen) < cfg.affine_p
    s = torch.empty(b).uniform_(math.log(cfg.scale[0]), math.log(cfg.scale[1]), generator=gen).exp()
    t = torch.empty(b, 2).uniform_(-cfg.shift, cfg.shift, generator=gen) * 2
    s = torch.where(apply, s, torch.ones_like(s))
    t = torch.where(apply[:, None], t, torch.zeros_like(t))
    if cfg.zoom_in_p > 0 and binary:
        s, t = _lesion_zoom(m, s, t, cfg, gen)
    theta = torch.zeros(b, 2, 3)
    theta[:, 0, 0] = 1 / s
    theta[:, 1, 1] = 1 / s
    theta[:, :, 2] = t
    grid = F.affine_grid(theta, list(img.shape), align_corners=False)
    img = F.grid_sample(img, grid, mode="bilinear", padding_mode="reflection", align_corners=False)
    m = F.grid_sample(m, grid, mode="bilinear" if binary else "nearest", padding_mode="reflection",
                      align_corners=False)

    # Colour jitter: brightness, contrast, saturation (per sample).
    jit = (torch.rand(b, generator=gen) < cfg.jitter_p).float().view(b, 1, 1, 1)

    def rnd(r: float) -> torch.Tensor:
        return 1 + (torch.empty(b).uniform_(-r, r, generator=gen).view(b, 1, 1, 1)) * jit

    img = img * rnd(cfg.brightness)
    mean = img.mean((1, 2, 3), keepdim=True)
    img = (img - mean) * rnd(cfg.contrast) + mean
    gray = (img * torch.tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)).sum(1, keepdim=True)
    img = (img - gray) * rnd(cfg.saturation) + gray
    img = img.clamp(0, 1)
    if not binary:
        m = m.squeeze(1).round().long()
    return img, m


def _lesion_zoom(m: torch.Tensor, s: torch.Tensor, t: torch.Tensor, cfg: AugmentConfig,
                 gen: torch.Generator) -> Tuple[torch.Tensor, torch.Tensor]:
    """Replace the scale ``s`` and shift ``t`` (affine_grid units: -1..1 spans the frame) of a random
    ``cfg.zoom_in_p`` share of the batch by a zoom that makes the lesion's bounding box fill a random
    ``cfg.zoom_fill`` fraction of the frame's longer side, centred on the box. Images without a lesion keep theirs."""
    b, _, hgt, wid = m.shape
    pick = torch.rand(b, generator=gen) < cfg.zoom_in_p
    fill = torch.empty(b).uniform_(cfg.zoom_fill[0], cfg.zoom_fill[1], generator=gen)
    s, t = s.clone(), t.clone()
    for i in range(b):
        if not pick[i]:
            continue
        fg = m[i, 0] > 0.5
        rows, cols = fg.any(1).nonzero(), fg.any(0).nonzero()
        if rows.numel() == 0:
            continue
        y0, y1 = rows[0].item(), rows[-1].item() + 1
        x0, x1 = cols[0].item(), cols[-1].item() + 1
        extent = max((y1 - y0) / hgt, (x1 - x0) / wid)
        zoom = min(cfg.zoom_max, max(1.0, fill[i].item() / extent))
        s[i] = zoom
        # Output coordinate u samples input u / zoom + t: centring the box puts its centre at u = 0.
        t[i, 0] = (x0 + x1) / wid - 1
        t[i, 1] = (y0 + y1) / hgt - 1
    return s, t


def to_targets(masks: torch.Tensor, num_classes: int) -> torch.Tensor:
    """uint8 ``[B,S,S]`` -> float ``[B,1,S,S]`` (K = 1) or long ``[B,S,S]`` (K > 1)."""
    if num_classes == 1:
        return masks.float().unsqueeze(1)
    return masks.long()


def downsample_batch(img: torch.Tensor, target: torch.Tensor, factor: int,
                     num_classes: int) -> Tuple[torch.Tensor, torch.Tensor]:
    """Average-pool a batch by ``factor`` for cheap low-resolution epochs (soft binary targets,
    nearest for index masks)."""
    if factor == 1:
        return img, target
    img = F.avg_pool2d(img, factor)
    if num_classes == 1:
        target = F.avg_pool2d(target, factor)
    else:
        target = target[:, ::factor, ::factor]
    return img, target


def random_crop_batch(img: torch.Tensor, target: torch.Tensor, crop: int,
                      gen: torch.Generator) -> Tuple[torch.Tensor, torch.Tensor]:
    """An independent random ``crop x crop`` window per sample (image ``[B,3,S,S]``, target
    ``[B,1,S,S]`` or ``[B,S,S]``): training at the full-size pixel scale for a fraction of the cost."""
    s = img.shape[-1]
    ys = torch.randint(0, s - crop + 1, (img.shape[0],), generator=gen).tolist()
    xs = torch.randint(0, s - crop + 1, (img.shape[0],), generator=gen).tolist()
    imgs = torch.stack([im[..., y:y + crop, x:x + crop] for im, y, x in zip(img, ys, xs)])
    tgts = torch.stack([t[..., y:y + crop, x:x + crop] for t, y, x in zip(target, ys, xs)])
    return imgs, tgts
