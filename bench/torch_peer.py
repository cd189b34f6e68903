#!/usr/bin/python3
"""PyTorch peer for the side-by-side benchmark.

The same network and settings as our trainer and the book's train_neuralnet.py, written the ordinary PyTorch
way: 784-H-10 Affine-ReLU-Affine, W ~ N(0, 0.01^2), b = 0, mean cross-entropy (F.cross_entropy on the logits),
autograd, torch.optim.SGD (lr 0.1, no momentum), mini-batches of 100 drawn with replacement (torch.randint).
Only the training steps are timed (batch draw + forward + backward + update); there is no extra forward pass
for logging (the step's own loss is read with .item()) and train/test accuracy are computed once, after the
timed loop. CPU only.

Prints progress to stderr and one JSON summary line to stdout.
"""
import argparse
import gzip
import json
import math
import os
import resource
import struct
import sys
import time

import torch
import torch.nn.functional as F


# ---------------------------------------------------------------- data (IDX)

def read_idx(path, magic):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    got, n = struct.unpack(">II", raw[:8])
    if got != magic:
        raise ValueError(f"{path}: magic {got}, expected {magic}")
    if magic == 2051:  # images: n, rows, cols, then n*rows*cols bytes
        rows, cols = struct.unpack(">II", raw[8:16])
        data = torch.frombuffer(bytearray(raw[16:]), dtype=torch.uint8)
        if data.numel() != n * rows * cols:
            raise ValueError(f"{path}: {data.numel()} bytes, expected {n * rows * cols}")
        return data.reshape(n, rows * cols)
    data = torch.frombuffer(bytearray(raw[8:]), dtype=torch.uint8)  # labels
    if data.numel() != n:
        raise ValueError(f"{path}: {data.numel()} labels, expected {n}")
    return data


def find(data_dir, name):
    for candidate in (name + ".gz", name):
        path = os.path.join(data_dir, candidate)
        if os.path.exists(path):
            return path
    raise FileNotFoundError(f"{os.path.join(data_dir, name)}(.gz) not found")


def load_split(data_dir, prefix, dtype):
    x = read_idx(find(data_dir, f"{prefix}-images-idx3-ubyte"), 2051)
    y = read_idx(find(data_dir, f"{prefix}-labels-idx1-ubyte"), 2049)
    if len(x) != len(y):
        raise ValueError(f"{prefix}: {len(x)} images but {len(y)} labels")
    return x.to(dtype) / 255.0, y.long()


# ------------------------------------------------------------- what ran

def loaded_blas():
    """The BLAS/OpenMP libraries really mapped into this process (Debian picks libblas.so.3 through
    update-alternatives, so torch's build config alone does not tell)."""
    a = torch.ones(64, 64, dtype=torch.float64)
    (a @ a).sum().item()  # make sure BLAS is loaded
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                parts = line.split()
                path = parts[-1] if len(parts) >= 6 else ""
                name = os.path.basename(path).lower()
                if any(k in name for k in ("blas", "lapack", "mkl", "blis", "gomp", "libomp", "iomp")):
                    libs.add(os.path.realpath(path))
    except OSError:
        pass
    return sorted(libs)


def build_info():
    """BLAS, LAPACK and parallel settings from torch.__config__.show() and parallel_info()."""
    show = torch.__config__.show()
    info = {}
    for key in ("BLAS_INFO", "LAPACK_INFO", "USE_OPENMP", "USE_MKLDNN"):
        i = show.find(key + "=")
        if i >= 0:
            info[key.lower()] = show[i + len(key) + 1:].split(",")[0].strip()
    for line in show.splitlines():
        if "OpenMP" in line and "a.k.a" in line:
            info["openmp"] = line.strip(" -")
        if "CPU capability usage" in line:
            info["cpu_capability"] = line.split(":", 1)[1].strip()
    for line in torch.__config__.parallel_info().splitlines():
        if line.startswith("ATen parallel backend"):
            info["parallel_backend"] = line.split(":", 1)[1].strip()
    return info


# ------------------------------------------------------------------- train

def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=os.path.join(here, "..", "data", "mnist-10k"))
    ap.add_argument("--steps", type=int, default=10000)
    ap.add_argument("--dtype", choices=("float64", "float32"), default="float64")
    ap.add_argument("--batch-size", type=int, default=100)
    ap.add_argument("--lr", type=float, default=0.1)
    ap.add_argument("--hidden", type=int, default=50)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=None,
                    help="torch.set_num_threads(N); default: torch's own choice")
    args = ap.parse_args()
    if args.steps < 1 or args.batch_size < 1 or args.hidden < 1:
        ap.error("--steps, --batch-size and --hidden must be positive")

    if args.threads is not None:
        torch.set_num_threads(args.threads)
    dtype = getattr(torch, args.dtype)
    x_train, y_train = load_split(args.data, "train", dtype)
    x_test, y_test = load_split(args.data, "t10k", dtype)
    libs = loaded_blas()

    g = torch.Generator().manual_seed(args.seed)
    inputs, classes = x_train.shape[1], 10
    w1 = (0.01 * torch.randn(inputs, args.hidden, generator=g, dtype=dtype)).requires_grad_()
    b1 = torch.zeros(args.hidden, dtype=dtype, requires_grad=True)
    w2 = (0.01 * torch.randn(args.hidden, classes, generator=g, dtype=dtype)).requires_grad_()
    b2 = torch.zeros(classes, dtype=dtype, requires_grad=True)
    params = [w1, b1, w2, b2]
    opt = torch.optim.SGD(params, lr=args.lr)

    def predict(x):
        return F.relu(x @ w1 + b1) @ w2 + b2

    train_size = x_train.shape[0]
    loss = float("nan")
    t0 = time.perf_counter()
    for i in range(args.steps):
        idx = torch.randint(0, train_size, (args.batch_size,), generator=g)  # with replacement
        x, t = x_train[idx], y_train[idx]
        out = F.cross_entropy(predict(x), t)
        opt.zero_grad(set_to_none=True)
        out.backward()
        opt.step()
        loss = out.item()
        if not math.isfinite(loss):
            raise SystemExit(f"training diverged at step {i}: loss {loss}")
        if (i + 1) % 1000 == 0:
            print(f"step {i + 1:6d}  loss {loss:.4f}", file=sys.stderr, flush=True)
    seconds = time.perf_counter() - t0

    with torch.no_grad():
        train_acc = float((predict(x_train).argmax(1) == y_train).to(torch.float64).mean())
        test_acc = float((predict(x_test).argmax(1) == y_test).to(torch.float64).mean())
    print(f"{args.steps} steps in {seconds:.3f} s: {1000 * seconds / args.steps:.3f} ms/step, "
          f"train {train_acc:.4f}, test {test_acc:.4f}", file=sys.stderr, flush=True)

    print(json.dumps({
        "impl": f"torch-{args.dtype}",
        "steps": args.steps,
        "ms_per_step": 1000.0 * seconds / args.steps,
        "train_accuracy": train_acc,
        "test_accuracy": test_acc,
        "seconds": seconds,
        "final_loss": loss,
        "torch_version": torch.__version__,
        "num_threads": torch.get_num_threads(),
        "num_interop_threads": torch.get_num_interop_threads(),
        "blas": ", ".join(libs) or "no BLAS library mapped",
        "build": build_info(),
        "env": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS") if os.environ.get(k)},
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1),
        "train_size": train_size,
        "test_size": int(x_test.shape[0]),
        "batch_size": args.batch_size,
        "lr": args.lr,
        "hidden": args.hidden,
        "seed": args.seed,
    }), flush=True)


if __name__ == "__main__":
    main()
