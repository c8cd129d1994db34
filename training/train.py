"""Train a segmentation model on an images/masks folder pair.

Example (the first of the shipped model's three commands; all three are in training/README.md and its card):

    nohup setsid /usr/bin/python3 -m training.train --data ../shared/datasets/isic2017 --model segnetr_t \
        --epochs 18 --low-res-epochs 4 --crop-epochs 8 --batch-size 16 --lr 2e-3 --seed 0 --threads 2 \
        --no-select --out training/runs/final_a > training/runs/final_a.log 2>&1 &

``--data DIR`` must hold ``train/`` and ``val/`` (names configurable), each with
``images/`` and ``masks/``. A checkpoint (model, optimizer, schedule, RNG, history) is
written every epoch, and every ``--save-every`` steps within one, to ``OUT/last.pt``, and the best-by-val-Dice
weights to ``OUT/best.pt``; ``--resume`` continues from ``OUT/last.pt`` (or a given path) with the same schedule and
the same random draws, mid-epoch included, so a stopped session loses minutes, not an epoch.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
from torch import nn

from training.allocator import keep_freed_memory
from training.checkpoint import (commands_of, load_checkpoint, load_file, merged_commands, recorded_command,
                                 save_checkpoint)
from training.data import (AugmentConfig, augment_batch, downsample_batch, epoch_order, holdout_of_split,
                           lesion_fractions, normalize, preload_split, random_crop_batch, to_targets)
from training.losses import LOSS_NAMES, SegLoss, distilled_target
from training.metrics import LARGE_LESION_FRACTION, evaluate_split, summary_line, summary_metrics
from training.models import create_model
from training.models.segnetr import SegNetr
from training.tta import VIEW_NAMES, tta_views, with_views


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="folder with train/ and val/ (each images/ + masks/)")
    p.add_argument("--out", required=True, help="run folder for checkpoints and history")
    p.add_argument("--train-split", default="train")
    p.add_argument("--val-split", default="val")
    p.add_argument("--holdout", type=int, default=0,
                   help="select on N images held out of the train split (a seeded draw, --holdout-seed) instead of "
                        "the val split, which is then not read at all; the model trains on the rest")
    p.add_argument("--holdout-seed", type=int, default=0)
    p.add_argument("--select-full-only", action="store_true",
                   help="score the selection set only after full-resolution epochs (low-res and crop epochs never "
                        "win it, and scoring 300 images costs about as much as training a low-res epoch on 1 thread)")
    p.add_argument("--no-select", action="store_true",
                   help="no selection set: train on the whole train split, never read val, and keep the last "
                        "epoch (best.pt is rewritten every epoch); the final run of the selection protocol")
    p.add_argument("--model", default="segnetr_t", help="registered model name")
    p.add_argument("--width", type=int, default=None, help="override the config's width C")
    p.add_argument("--partition", type=int, default=8, help="window/grid size P")
    p.add_argument("--interaction", default="attention", choices=["attention", "mlp"])
    p.add_argument("--num-classes", type=int, default=1, help="K (1 = binary)")
    p.add_argument("--size", type=int, default=256, help="square training/inference side")
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--low-res-epochs", type=int, default=0,
                   help="first N epochs at size/--low-res-factor (cheap epochs)")
    p.add_argument("--low-res-factor", type=int, default=2)
    p.add_argument("--crop-epochs", type=int, default=0,
                   help="next N epochs on random (size/--low-res-factor)^2 crops of the full-size images: "
                        "as cheap as low-res epochs but at the deployment scale")
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--min-lr", type=float, default=1e-5)
    p.add_argument("--weight-decay", type=float, default=0.05)
    p.add_argument("--warmup-steps", type=int, default=100)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--loss", default="dice", choices=LOSS_NAMES,
                   help="overlap term added to BCE: soft Dice, or soft Tversky (see --tversky-beta)")
    p.add_argument("--tversky-alpha", type=float, default=0.3, help="Tversky weight of false positives")
    p.add_argument("--tversky-beta", type=float, default=0.7, help="Tversky weight of false negatives")
    p.add_argument("--scale-min", type=float, default=0.75, help="random zoom range of the affine augmentation")
    p.add_argument("--scale-max", type=float, default=1.25)
    p.add_argument("--big-lesion-weight", type=int, default=1,
                   help="draw train images whose lesion covers more than 40 %% of the image this many times as often "
                        "(an epoch keeps its length; 1 = a plain shuffle)")
    p.add_argument("--also-weight", default=None, metavar="FILE",
                   help="a list of train image names (file stems, one a line, # comments) drawn --big-lesion-weight "
                        "times as often too, e.g. those the model a fine-tune starts from scores worst on train")
    p.add_argument("--zoom-in-p", type=float, default=0.0,
                   help="share of samples zoomed so their lesion fills 70-100%% of the frame (binary masks)")
    p.add_argument("--threads", type=int, default=2, help="torch intra-op threads")
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"],
                   help="where the forward and backward passes run (augmentation stays on the CPU, so a run's "
                        "random draws do not depend on it)")
    p.add_argument("--no-bf16", action="store_true", help="disable bf16 autocast")
    p.add_argument("--no-channels-last", action="store_true")
    p.add_argument("--limit-train", type=int, default=None, help="use the first N train images")
    p.add_argument("--limit-val", type=int, default=None)
    p.add_argument("--steps-per-epoch", type=int, default=None, help="cap steps (smoke tests)")
    p.add_argument("--log-every", type=int, default=25, help="progress line every N steps (0 = off)")
    p.add_argument("--save-every", type=int, default=25,
                   help="also write the resumable OUT/last.pt every N steps within an epoch (0 = at epoch ends "
                        "only); resuming from it replays the uninterrupted run")
    p.add_argument("--teacher", default=None,
                   help="distil from this checkpoint (K = 1): the target becomes (1 - w) * truth + w * the "
                        "teacher's probability on the same augmented batch, w = --distill-weight")
    p.add_argument("--distill-weight", type=float, default=0.5, help="w of --teacher, in (0, 1]")
    p.add_argument("--teacher-tta", type=tta_views, default=(), metavar="VIEWS",
                   help="the teacher's probability is that of its logits averaged over these flipped views "
                        f"({', '.join(VIEW_NAMES)}; training.tta), as an export with --tta would ship it")
    p.add_argument("--init", default=None,
                   help="start from these model weights (best.pt/last.pt) with a fresh optimizer and schedule")
    p.add_argument("--resume", nargs="?", const="auto", default=None,
                   help="resume from OUT/last.pt (or the given checkpoint)")
    return p.parse_args(argv)


def seed_everything(seed: int) -> None:
    """Fix Python, NumPy and torch seeds."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def build_model(args: argparse.Namespace) -> nn.Module:
    """Model from the registry with the CLI overrides."""
    kw: Dict[str, Any] = {"num_classes": args.num_classes}
    if args.model.startswith("segnetr"):
        kw.update(partition=args.partition, interaction=args.interaction, img_size=args.size)
        if args.width is not None:
            kw["width"] = args.width
    return create_model(args.model, **kw)


def check_run_sizes(model: nn.Module, args: argparse.Namespace) -> None:
    """Fail now, not after an epoch, if a resolution the run feeds ``model`` (full, and the low-res/crop side when
    those epochs are asked for) does not tile into a SegNetr's groups (``ValueError``)."""
    if isinstance(model, SegNetr):
        model.check_input(args.size, args.size)
        if args.low_res_epochs or args.crop_epochs:
            model.check_input(args.size // args.low_res_factor, args.size // args.low_res_factor)


def also_weighted(args: argparse.Namespace, names: Sequence[str]) -> Optional[torch.Tensor]:
    """``--also-weight``'s images as a boolean per train image (None without it). Refuses, naming the file, names
    that are not train images and a list that would change nothing (``--big-lesion-weight`` 1)."""
    if args.also_weight is None:
        return None
    if args.big_lesion_weight < 2:
        raise SystemExit(f"train: --also-weight {args.also_weight} needs --big-lesion-weight 2 or more")
    with open(args.also_weight, encoding="utf-8") as f:
        wanted = {line.split("#", 1)[0].strip() for line in f} - {""}
    unknown = sorted(wanted - set(names))
    if unknown:
        raise SystemExit(f"train: --also-weight {args.also_weight}: {len(unknown)} name(s) are not train images "
                         f"(first: {unknown[0]})")
    return torch.tensor([name in wanted for name in names])


def load_teacher(args: argparse.Namespace, device: torch.device) -> Tuple[Optional[nn.Module], List[str]]:
    """The frozen ``--teacher`` network (eval mode) and the commands that made it; ``(None, [])`` without one.
    Refuses, naming the file, what cannot be distilled: K > 1, a multi-class teacher, a weight outside (0, 1]."""
    if args.teacher is None:
        if args.teacher_tta:
            raise SystemExit("train: --teacher-tta needs --teacher")
        return None, []
    if args.num_classes != 1:
        raise SystemExit(f"train: --teacher distils binary models only (--num-classes {args.num_classes})")
    if not 0 < args.distill_weight <= 1:
        raise SystemExit(f"train: --distill-weight {args.distill_weight} must be in (0, 1]")
    if not os.path.isfile(args.teacher):
        raise SystemExit(f"train: --teacher {args.teacher}: no such checkpoint file")
    teacher, ck = load_checkpoint(args.teacher)
    classes = ck["config"].get("num_classes", 1)
    if classes != 1:
        raise SystemExit(f"train: --teacher {args.teacher} has {classes} classes; only a binary one can teach")
    check_run_sizes(teacher, args)  # it sees every batch the student does
    if not args.no_channels_last:
        teacher = teacher.to(memory_format=torch.channels_last)
    views = f", views {','.join(args.teacher_tta)}" if args.teacher_tta else ""
    print(f"distilling from {args.teacher} with weight {args.distill_weight}{views}", flush=True)
    return with_views(teacher.to(device).requires_grad_(False), args.teacher_tta), commands_of(ck)


def param_groups(model: nn.Module, weight_decay: float) -> List[Dict[str, Any]]:
    """No weight decay on norms and biases (1-D parameters)."""
    decay, no_decay = [], []
    for _, p in model.named_parameters():
        (no_decay if p.ndim <= 1 else decay).append(p)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


def cosine_lambda(total: int, warmup: int, base_lr: float, min_lr: float):
    """Linear warm-up then cosine decay to ``min_lr`` over ``total`` steps (as an LR factor)."""
    def f(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        t = min(1.0, (step - warmup) / max(1, total - warmup))
        return (min_lr + 0.5 * (base_lr - min_lr) * (1 + math.cos(math.pi * t))) / base_lr
    return f


def model_config(model: nn.Module, args: argparse.Namespace) -> Dict[str, Any]:
    """Constructor arguments needed to rebuild the model from a checkpoint."""
    cfg: Dict[str, Any] = {"name": args.model, "num_classes": args.num_classes}
    if hasattr(model, "width"):
        cfg.update(width=model.width, partition=model.partition, interaction=model.interaction,
                   img_size=model.img_size)
    return cfg


def main(argv: Optional[List[str]] = None) -> Dict[str, Any]:
    args = parse_args(argv)
    keep_freed_memory()  # full-resolution steps were 1.6x slower re-faulting freed blocks (training/allocator.py)
    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)  # denormals in late training slowed steps several-fold
    os.makedirs(args.out, exist_ok=True)
    seed_everything(args.seed)

    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise SystemExit("train: --device cuda, but torch sees no CUDA device")
    torch.backends.cudnn.benchmark = device.type == "cuda"  # fixed input sizes: let cuDNN pick its kernels once
    model = build_model(args).to(device)
    check_run_sizes(model, args)
    t0 = time.time()
    if args.holdout and args.no_select:
        raise SystemExit("train: --holdout and --no-select exclude each other")
    if args.big_lesion_weight < 1:
        raise SystemExit(f"train: --big-lesion-weight {args.big_lesion_weight} must be at least 1")
    if args.save_every < 0:
        raise SystemExit(f"train: --save-every {args.save_every} must be 0 (epoch ends only) or more")
    teacher, teacher_commands = load_teacher(args, device)
    train_dir = os.path.join(args.data, args.train_split)
    held: Optional[List[str]] = None
    if args.holdout:
        held = holdout_of_split(train_dir, args.holdout, args.holdout_seed, args.limit_train)
    train = preload_split(train_dir, args.size, args.num_classes, limit=args.limit_train, exclude=held)
    if held is not None:
        val = preload_split(train_dir, args.size, args.num_classes, keep_full=True, limit=args.limit_train,
                            include=held)
        selection = f"{len(held)} images held out of {args.train_split} (seed {args.holdout_seed})"
    elif args.no_select:
        val, selection = None, "none (last epoch kept)"
    else:
        val = preload_split(os.path.join(args.data, args.val_split), args.size, args.num_classes,
                            keep_full=True, limit=args.limit_val)
        selection = f"{args.val_split} split"
    print(f"data: {len(train.names)} train, selection on {selection}, loaded in {time.time() - t0:.0f}s",
          flush=True)

    channels_last = not args.no_channels_last
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    use_bf16 = not args.no_bf16
    opt = torch.optim.AdamW(param_groups(model, args.weight_decay), lr=args.lr)
    n = len(train.names)
    steps_per_epoch = n // args.batch_size
    if args.steps_per_epoch:
        steps_per_epoch = min(steps_per_epoch, args.steps_per_epoch)
    total = steps_per_epoch * args.epochs
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, cosine_lambda(total, min(args.warmup_steps, total // 10 + 1), args.lr, args.min_lr))
    loss_fn = SegLoss(args.num_classes, overlap=args.loss, tversky_alpha=args.tversky_alpha,
                      tversky_beta=args.tversky_beta)
    gen = torch.Generator().manual_seed(args.seed)
    history: List[Dict[str, Any]] = []
    start_epoch, best = 0, -1.0
    partial: Optional[Dict[str, Any]] = None
    commands: List[str] = []

    if args.init:  # fine-tuning: weights only; a new cosine schedule starts here
        init = load_file(args.init)
        model.load_state_dict(init["model"])
        commands = commands_of(init)
        print(f"initialised weights from {args.init}", flush=True)
    ckpt_path = os.path.join(args.out, "last.pt") if args.resume == "auto" else args.resume
    if ckpt_path:
        ck = load_file(ckpt_path)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["optimizer"])
        sched.load_state_dict(ck["scheduler"])
        gen.set_state(ck["generator"])
        torch.set_rng_state(ck["torch_rng"])
        start_epoch, best, history = ck["epoch"] + 1, ck["best_dice"], ck["history"]
        partial = ck.get("partial")  # saved within epoch start_epoch + 1: its order and progress so far
        commands = commands_of(ck)
        where = f"epoch {start_epoch + 1} step {partial['step']}" if partial else f"epoch {start_epoch + 1}"
        print(f"resumed from {ckpt_path} at {where} (best val Dice {best:.4f})", flush=True)

    aug = AugmentConfig(scale=(args.scale_min, args.scale_max), zoom_in_p=args.zoom_in_p)
    fractions = lesion_fractions(train.masks)
    also = also_weighted(args, train.names)
    cmd = recorded_command("training.train", sys.argv[1:] if argv is None else argv)
    # every invocation that shaped these weights, in order (a teacher's chain first: it ran before this one)
    commands = [*merged_commands(teacher_commands, commands), cmd]

    def resumable(done_epoch: int) -> Dict[str, Any]:
        """Everything a resumed run needs to go on as this one would, after epoch index ``done_epoch``."""
        return {"model": model.state_dict(), "optimizer": opt.state_dict(), "scheduler": sched.state_dict(),
                "generator": gen.get_state(), "torch_rng": torch.get_rng_state(), "epoch": done_epoch,
                "best_dice": best, "history": history, "args": vars(args), "config": model_config(model, args),
                "command": cmd, "commands": commands}

    for epoch in range(start_epoch, args.epochs):
        model.train()
        mode = ("low" if epoch < args.low_res_epochs
                else "crop" if epoch < args.low_res_epochs + args.crop_epochs else "full")
        factor = args.low_res_factor if mode == "low" else 1
        crop = args.size // args.low_res_factor if mode == "crop" else 0
        if partial is not None:  # the generator's state already follows this order's draw and the steps done
            perm, first_step = partial["perm"], partial["step"]
            te, loss_sum = time.time() - partial["seconds"], partial["loss_sum"]
            partial = None
        else:
            perm, first_step = epoch_order(fractions, args.big_lesion_weight, LARGE_LESION_FRACTION, gen, also), 0
            te, loss_sum = time.time(), 0.0
        for step in range(first_step, steps_per_epoch):
            idx = perm[step * args.batch_size:(step + 1) * args.batch_size]
            img = train.images[idx].float() / 255.0
            tgt = to_targets(train.masks[idx], args.num_classes)
            img, tgt = augment_batch(img, tgt, aug, gen, args.num_classes)
            img, tgt = downsample_batch(img, tgt, factor, args.num_classes)
            if crop:
                img, tgt = random_crop_batch(img, tgt, crop, gen)
            x, tgt = normalize(img).to(device, non_blocking=True), tgt.to(device, non_blocking=True)
            if channels_last:
                x = x.contiguous(memory_format=torch.channels_last)
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=use_bf16):
                if teacher is not None:
                    with torch.no_grad():
                        tgt = distilled_target(tgt, teacher(x), args.distill_weight)
                logits = model(x)
            loss = loss_fn(logits, tgt)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            loss_sum += loss.item()
            if args.log_every and (step + 1) % args.log_every == 0:
                print(f"  epoch {epoch + 1} step {step + 1}/{steps_per_epoch} loss {loss_sum / (step + 1):.4f} "
                      f"{(step + 1) * args.batch_size / (time.time() - te):.1f} img/s", flush=True)
            if args.save_every and (step + 1) % args.save_every == 0 and step + 1 < steps_per_epoch:
                save_checkpoint(os.path.join(args.out, "last.pt"), {
                    **resumable(epoch - 1),
                    "partial": {"step": step + 1, "perm": perm, "loss_sum": loss_sum, "seconds": time.time() - te}})
        train_time = time.time() - te
        rec: Dict[str, Any] = {"epoch": epoch + 1, "res": crop or args.size // factor, "mode": mode,
                               "loss": loss_sum / steps_per_epoch, "lr": opt.param_groups[0]["lr"],
                               "img_per_s": steps_per_epoch * args.batch_size / train_time}
        if val is not None and (mode == "full" or not args.select_full_only):
            rows = evaluate_split(model, val.images, val.full_masks or [], channels_last=channels_last)
            m = summary_metrics(rows)
            rec.update(val_dice=m["dice"], val_iou=m["iou"], val_precision=m["precision"], val_recall=m["recall"],
                       val_dice_small=m["dice_small"], val_dice_large=m["dice_large"], val_area_ratio=m["area_ratio"],
                       selection=selection)
            report = f"selection: {summary_line(rows)}"
            improved = m["dice"] > best
            best = max(best, m["dice"])
        elif val is not None:
            m, report, improved = {}, "selection set not scored (not a full-resolution epoch)", False
        else:
            m, report, improved = {}, "no selection set", True  # the protocol keeps the last epoch
        rec["epoch_s"] = time.time() - te
        history.append(rec)
        save_checkpoint(os.path.join(args.out, "last.pt"), resumable(epoch))
        if improved:
            save_checkpoint(os.path.join(args.out, "best.pt"),
                            {"model": model.state_dict(), "epoch": epoch, "val": m if val is not None else None,
                             "selection": selection, "args": vars(args),
                             "config": model_config(model, args), "command": cmd, "commands": commands,
                             "history": history})
        print(f"epoch {epoch + 1}/{args.epochs} {mode} res {rec['res']} loss {rec['loss']:.4f} "
              f"{report} lr {rec['lr']:.2e} "
              f"{rec['img_per_s']:.1f} img/s {rec['epoch_s']:.0f}s{' *best' if improved else ''}", flush=True)
        with open(os.path.join(args.out, "history.json"), "w") as f:
            json.dump(history, f, indent=1)
    return {"best_dice": best, "history": history}


if __name__ == "__main__":
    main()
