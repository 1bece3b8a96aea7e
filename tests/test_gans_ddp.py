"""DistributedDataParallel smoke test: two CPU processes (gloo) under torchrun.

Checks that both processes start from and stay at the same weights (with BatchNorm in G and D,
and D's two forwards before one backward), that only rank 0 writes the checkpoint, that it holds
each process's random state, and that resuming works; WGAN-GP's gradient penalty included.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch

REPO = Path(__file__).resolve().parents[1]

WORKER = textwrap.dedent('''
    import gc, os, sys
    import torch, torch.distributed as dist
    from torch import nn
    from learntools.gans.data import Batches
    from learntools.gans.training import GANTrainer, gaussian_noise, load_checkpoint

    class TinyGenerator(nn.Module):
        def __init__(self):
            super().__init__()
            self.net = nn.Sequential(nn.Linear(4, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 16), nn.Tanh())
        def forward(self, z):
            return self.net(z).view(-1, 1, 4, 4)  # (N, 1, 4, 4)

    class TinyDiscriminator(nn.Module):
        def __init__(self):
            super().__init__()
            self.net = nn.Sequential(nn.Flatten(), nn.Linear(16, 16), nn.BatchNorm1d(16), nn.LeakyReLU(0.2), nn.Linear(16, 1))
        def forward(self, x):
            return self.net(x)  # (N, 1)

    def same_on_all_ranks(model):
        for p in model.parameters():
            copies = [torch.empty_like(p) for _ in range(dist.get_world_size())]
            dist.all_gather(copies, p.detach())
            if not all(torch.equal(copies[0], c) for c in copies):
                return False
        return True

    out = sys.argv[1]
    rank = int(os.environ["RANK"])
    images = torch.rand(32, 1, 4, 4, generator=torch.Generator().manual_seed(0)) * 2 - 1
    for loss in ("nonsaturating", "wgan-gp"):
        torch.manual_seed(rank)  # different initial weights on purpose: DDP starts all from rank 0's
        trainer = GANTrainer(TinyGenerator(), TinyDiscriminator(), Batches(images, batch_size=8, seed=rank),
                             gaussian_noise(4), loss=loss, device="cpu", seed=0)
        assert trainer.world_size == 2 and trainer.rank == rank
        assert type(trainer.D).__name__ == "DistributedDataParallel"
        trainer.fit(steps=3, progress=False)
        assert same_on_all_ranks(trainer.generator) and same_on_all_ranks(trainer.discriminator), loss
        assert trainer.history[-1]["step"] == 3

        path = os.path.join(out, loss + ".pt")
        trainer.save_checkpoint(path)
        state = load_checkpoint(path)
        assert state["step"] == 3 and len(state["random_state"]) == 2
        trainer.load_checkpoint(path).fit(seconds=0.2, progress=False)  # a time budget: all stop together
        assert same_on_all_ranks(trainer.generator), loss
        del trainer
    gc.collect()  # free the DDP wrappers before their process group
    dist.destroy_process_group()
    print(f"rank {rank} ok")
''')


@pytest.mark.timeout(180)
def test_two_cpu_processes_train_in_step_under_torchrun(tmp_path):
    if not torch.distributed.is_available():
        pytest.skip("this PyTorch build has no torch.distributed")
    worker = tmp_path / "worker.py"
    worker.write_text(WORKER)
    environment = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
               str(worker), str(tmp_path)]
    result = subprocess.run(command, cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=170)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "rank 0 ok" in output and "rank 1 ok" in output
    assert sorted(p.name for p in tmp_path.glob("*.pt")) == ["nonsaturating.pt", "wgan-gp.pt"]
