#!/usr/bin/env python3
"""One WGAN-GP critic update of the reference toy critic in PyTorch, timed the way
`tandem bench ops` times Tandem's: the 2-512-512-512-1 ReLU critic on 256 real and
256 generated points, the gradient penalty (lambda 0.1) with a double backward,
one Adam(1e-4, betas 0.5/0.9) step. Prints one JSON line.

    python bench/peer_critic_update.py [--repetitions 20] [--threads 1]
Needs: pip install torch
"""
import argparse, json, time

import torch
import torch.nn as nn

ap = argparse.ArgumentParser()
ap.add_argument("--repetitions", type=int, default=20)
ap.add_argument("--threads", type=int, default=1)
args = ap.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(1)

critic = nn.Sequential(nn.Linear(2, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
                       nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 1))
optimizer = torch.optim.Adam(critic.parameters(), lr=1e-4, betas=(0.5, 0.9))
real, fake = torch.randn(256, 2), torch.randn(256, 2)


def update():
    optimizer.zero_grad(set_to_none=False)
    alpha = torch.rand(256, 1)
    points = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    grad = torch.autograd.grad(critic(points).sum(), points, create_graph=True)[0]
    penalty = ((grad.norm(2, dim=1) - 1) ** 2).mean()
    loss = critic(fake).mean() - critic(real).mean() + 0.1 * penalty
    loss.backward()
    optimizer.step()


for _ in range(3):
    update()
start = time.perf_counter()
for _ in range(args.repetitions):
    update()
seconds = (time.perf_counter() - start) / args.repetitions
print(json.dumps({"impl": "pytorch", "bench": "critic_update", "version": torch.__version__, "threads": args.threads,
                  "ms": seconds * 1e3}))
