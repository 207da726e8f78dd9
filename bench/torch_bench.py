#!/usr/bin/python3
"""PyTorch CPU peer of the DL4J training benchmark (bench/train.sh): the same two networks, Adam, cross-entropy.

Run with Debian's interpreter and package (the pyenv python3 on PATH does not see dist-packages):
    apt-get install -y python3-torch libopenblas0-pthread
    /usr/bin/python3 bench/torch_bench.py --arch paper-cnn --batches 5
libopenblas0-pthread switches the system BLAS from the reference one to OpenBLAS (the BLAS family ND4J uses);
without it PyTorch trains about 2x slower here (shared/notes/stack.md, 4c).

Input: uniform random 48x48x1 faces and random labels. A CNN's CPU time does not depend on the pixel values, and
Debian's python has no Parquet reader for the preprocessed tensors.
Timing as TrainBench: one optimiser step (zero_grad, forward, loss, backward, step) per batch, median of --batches
after --warmup; inference under no_grad/eval at the batch size (median) and at batch 1 (median and p90 after 10
untimed). Prints one last line "torch-bench: {json}".
"""
import argparse
import json
import math
import os
import statistics
import sys
import time

import torch
from torch import nn

# Learnable parameters; DL4J's numParams() is 1,920 higher for vgg-bn (it also stores BN's running statistics).
EXPECTED_PARAMS = {"paper-cnn": 10_914_823, "vgg-bn": 1_174_439}


def paper_cnn(classes=7):
    """Table 3 of the paper (model/.../PaperCnn.java): conv128-pool-conv256-pool-conv512-flatten-dense128-dense7."""
    return nn.Sequential(
        nn.Conv2d(1, 128, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(128, 256, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(256, 512, 3, padding=1), nn.ReLU(),
        nn.Flatten(),                       # 12 x 12 x 512 = 73,728
        nn.Linear(73_728, 128), nn.ReLU(),
        nn.Linear(128, classes),            # softmax is inside CrossEntropyLoss
    )


def vgg_bn(classes=7):
    """model/.../VggBn.java: 4 stages of [conv3x3 (no bias)-BN-ReLU] x 2 (32/64/128/256), max-pool per stage,
    global average pool, dropout 0.3, dense."""
    layers, c_in = [], 1
    for c in (32, 64, 128, 256):
        for _ in range(2):
            layers += [nn.Conv2d(c_in, c, 3, padding=1, bias=False), nn.BatchNorm2d(c), nn.ReLU()]
            c_in = c
        layers.append(nn.MaxPool2d(2))      # 48 -> 24 -> 12 -> 6 -> 3
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.3), nn.Linear(256, classes)]
    return nn.Sequential(*layers)


ARCHS = {"paper-cnn": paper_cnn, "vgg-bn": vgg_bn}


def quantile(values, q):
    """Nearest rank, as TrainBench.quantile."""
    s = sorted(values)
    return s[max(0, min(len(s) - 1, math.ceil(q * len(s)) - 1))]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--arch", choices=sorted(ARCHS), default="paper-cnn")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--batches", type=int, default=5, help="timed training batches")
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--infer-batches", type=int, default=5)
    p.add_argument("--latency-samples", type=int, default=50)
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (this machine: 2 cores)")
    a = p.parse_args()
    if min(a.batch, a.batches, a.infer_batches, a.latency_samples, a.threads) < 1 or a.warmup < 0:
        p.error("counts must be >= 1 (warmup >= 0)")

    torch.manual_seed(42)
    torch.set_num_threads(a.threads)
    net = ARCHS[a.arch]()
    params = sum(t.numel() for t in net.parameters() if t.requires_grad)
    if params != EXPECTED_PARAMS[a.arch]:
        sys.exit(f"{a.arch}: {params} parameters, expected {EXPECTED_PARAMS[a.arch]}: the model no longer mirrors DL4J's")
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.rand(a.batch, 1, 48, 48)
    y = torch.randint(0, 7, (a.batch,))

    net.train()
    step_s = []
    for i in range(a.warmup + a.batches):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()
        if i >= a.warmup:
            step_s.append(time.perf_counter() - t0)

    net.eval()
    infer_s, lat_ms = [], []
    with torch.no_grad():
        net(x)
        for _ in range(a.infer_batches):
            t0 = time.perf_counter()
            net(x)
            infer_s.append(time.perf_counter() - t0)
        one = x[:1].clone()
        for _ in range(10):
            net(one)
        for _ in range(a.latency_samples):
            t0 = time.perf_counter()
            net(one)
            lat_ms.append((time.perf_counter() - t0) * 1e3)

    fit = statistics.median(step_s)
    blas = os.path.realpath("/etc/alternatives/libblas.so.3-x86_64-linux-gnu")  # Debian's torch uses the system libblas
    out = {
        "arch": a.arch, "params": params, "batch": a.batch, "warmup": a.warmup, "batches": a.batches,
        "threads": torch.get_num_threads(), "torch": torch.__version__,
        "trainSecondsPerBatch": round(fit, 4), "trainImagesPerSecond": round(a.batch / fit, 1),
        "inferImagesPerSecond": round(a.batch / statistics.median(infer_s), 1),
        "latencyMsMedian": round(quantile(lat_ms, 0.5), 2), "latencyMsP90": round(quantile(lat_ms, 0.9), 2),
        "mkldnn": torch.backends.mkldnn.is_available(), "systemBlas": blas,
    }
    print("torch-bench: " + json.dumps(out, separators=(",", ":")))


if __name__ == "__main__":
    main()
