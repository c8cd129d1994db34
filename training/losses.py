"""Segmentation losses: BCE + soft Dice or soft Tversky (K = 1) and CE + soft Dice (K > 1)."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from training.data import IGNORE_INDEX


def soft_dice_loss(prob: torch.Tensor, target: torch.Tensor, eps: float = 1.0) -> torch.Tensor:
    """1 - mean over images and channels of the soft Dice; ``prob``/``target`` ``[B,K,H,W]``."""
    inter = (prob * target).sum((2, 3))
    denom = prob.sum((2, 3)) + target.sum((2, 3))
    return 1 - ((2 * inter + eps) / (denom + eps)).mean()


def soft_tversky_loss(prob: torch.Tensor, target: torch.Tensor, alpha: float, beta: float,
                      eps: float = 1.0) -> torch.Tensor:
    """1 - mean over images and channels of the soft Tversky index TP / (TP + alpha FP + beta FN).
    ``beta > alpha`` charges a missed lesion pixel more than a false one: the cure for a timid model.
    ``alpha = beta = 0.5`` is the soft Dice."""
    tp = (prob * target).sum((2, 3))
    fp = (prob * (1 - target)).sum((2, 3))
    fn = ((1 - prob) * target).sum((2, 3))
    return 1 - ((tp + eps) / (tp + alpha * fp + beta * fn + eps)).mean()


LOSS_NAMES = ("dice", "tversky")


def distilled_target(target: torch.Tensor, teacher_logits: torch.Tensor, weight: float) -> torch.Tensor:
    """Knowledge distillation for K = 1: ``(1 - weight) * truth + weight * teacher probability``.

    BCE is linear in its target, so BCE against this blend is exactly ``(1 - w) BCE(truth) + w BCE(teacher)``:
    the student also learns where a stronger model is unsure (soft boundaries), not only the polygon masks."""
    return torch.lerp(target.float(), torch.sigmoid(teacher_logits.float()), weight)


class SegLoss(nn.Module):
    """``BCE + Dice`` (or ``BCE + Tversky``) for K = 1 (soft targets allowed), ``CE + Dice`` for K > 1.

    Computed in fp32 whatever the autocast dtype of the logits.
    """

    def __init__(self, num_classes: int, dice_weight: float = 1.0, overlap: str = "dice",
                 tversky_alpha: float = 0.3, tversky_beta: float = 0.7) -> None:
        super().__init__()
        if overlap not in LOSS_NAMES:
            raise ValueError(f"unknown overlap loss {overlap!r} (one of {', '.join(LOSS_NAMES)})")
        if overlap == "tversky" and num_classes != 1:
            raise ValueError("the Tversky loss is implemented for binary models (K = 1) only")
        self.num_classes = num_classes
        self.dice_weight = dice_weight
        self.overlap = overlap
        self.alpha, self.beta = tversky_alpha, tversky_beta

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        logits = logits.float()
        if self.num_classes == 1:
            bce = F.binary_cross_entropy_with_logits(logits, target)
            prob = torch.sigmoid(logits)
            if self.overlap == "tversky":
                return bce + self.dice_weight * soft_tversky_loss(prob, target, self.alpha, self.beta)
            return bce + self.dice_weight * soft_dice_loss(prob, target)
        ce = F.cross_entropy(logits, target, ignore_index=IGNORE_INDEX)
        valid = (target != IGNORE_INDEX).unsqueeze(1).float()
        onehot = F.one_hot(target.clamp(max=self.num_classes - 1), self.num_classes).permute(0, 3, 1, 2).float()
        prob = logits.softmax(1) * valid
        return ce + self.dice_weight * soft_dice_loss(prob, onehot * valid)
