"""Training in several processes under `torchrun`, with DistributedDataParallel (lesson 06's extra).

GANTrainer asks here who it is (`rank_and_size`), wraps G and D (`wrap`), gathers each process's
random state into a checkpoint (`gather_from_all_ranks`), and makes every process stop at the same
step (`all_agree_to_stop`). In one process each of these does nothing.

    torchrun --nproc_per_node=2 -m learntools.gans train dcgan --steps 1000
"""

from __future__ import annotations

import os

import torch
import torch.distributed as dist
from torch import nn

__all__ = ["rank_and_size", "wrap", "gather_from_all_ranks", "all_agree_to_stop", "barrier"]


def rank_and_size():
    """(rank, world size): (0, 1) normally; under torchrun, joins the process group once."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    if world_size <= 1:
        return 0, 1
    if not dist.is_available():
        raise RuntimeError("WORLD_SIZE > 1 but this PyTorch build has no torch.distributed.")
    dist.init_process_group(backend="nccl" if torch.cuda.is_available() else "gloo")
    return dist.get_rank(), dist.get_world_size()


def wrap(model: nn.Module, device: torch.device):
    """DistributedDataParallel: same starting weights (rank 0's), gradients averaged after each
    backward, so every process takes the same optimizer step.

    BatchNorm buffers (running mean and variance) are synced once at the start and then kept per
    process: copying rank 0's into every process before each of a step's several forwards would
    cost a broadcast each time, and they matter only in eval mode (rank 0's are the ones saved).
    No find_unused_parameters: every parameter of G and of D gets a gradient in each backward.
    """
    from torch.nn.parallel import DistributedDataParallel

    device_ids = [device.index] if device.type == "cuda" else None
    try:
        return DistributedDataParallel(model, device_ids=device_ids, forward_sync_buffers=False)
    except TypeError:  # PyTorch before 2.13 names it broadcast_buffers
        return DistributedDataParallel(model, device_ids=device_ids, broadcast_buffers=False)


def gather_from_all_ranks(value, world_size: int) -> list:
    """[value of rank 0, value of rank 1, ...]; every process must call it."""
    if world_size == 1:
        return [value]
    gathered = [None] * world_size
    dist.all_gather_object(gathered, value)
    return gathered


def all_agree_to_stop(wants_to_stop: bool, world_size: int, device) -> bool:
    """Under torchrun every process must stop at the same step, or the others would hang:
    stop when any one wants to."""
    if world_size == 1:
        return wants_to_stop
    flag = torch.tensor([1.0 if wants_to_stop else 0.0], device=device)
    dist.all_reduce(flag, op=dist.ReduceOp.MAX)
    return bool(flag.item())


def barrier(world_size: int) -> None:
    """Wait for every process (nothing to wait for in one process)."""
    if world_size > 1:
        dist.barrier()
