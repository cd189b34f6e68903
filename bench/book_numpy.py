#!/usr/bin/python3
"""NumPy peer for the side-by-side benchmark.

A compact, self-contained re-implementation of "Deep Learning from Scratch",
chapter 5 (train_neuralnet.py + TwoLayerNet + common/layers.py): a 784-H-10
Affine-Relu-Affine-SoftmaxWithLoss network trained by backprop and plain SGD on
mini-batches drawn with replacement, with the book's extra loss forward after
every update and a train/test accuracy evaluation once per "epoch".

Prints progress to stderr and one JSON summary line to stdout.
"""
import argparse
import gzip
import json
import math
import os
import struct
import sys
import time

import numpy as np


# ---------------------------------------------------------------- data (IDX)

def read_idx(path, magic):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    got, n = struct.unpack(">II", raw[:8])
    if got != magic:
        raise ValueError(f"{path}: magic {got}, expected {magic}")
    if magic == 2051:  # images: n, rows, cols, then n*rows*cols bytes
        rows, cols = struct.unpack(">II", raw[8:16])
        data = np.frombuffer(raw, dtype=np.uint8, offset=16)
        if data.size != n * rows * cols:
            raise ValueError(f"{path}: {data.size} bytes, expected {n * rows * cols}")
        return data.reshape(n, rows * cols)
    data = np.frombuffer(raw, dtype=np.uint8, offset=8)  # labels
    if data.size != n:
        raise ValueError(f"{path}: {data.size} labels, expected {n}")
    return data


def load_split(data_dir, prefix):
    x = read_idx(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte.gz"), 2051)
    y = read_idx(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte.gz"), 2049)
    if len(x) != len(y):
        raise ValueError(f"{prefix}: {len(x)} images but {len(y)} labels")
    x = x.astype(np.float64) / 255.0
    t = np.zeros((len(y), 10), dtype=np.float64)
    t[np.arange(len(y)), y] = 1.0
    return x, t


# ------------------------------------------------------ layers (book, ch. 5)

class Relu:
    def forward(self, x):
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dout[self.mask] = 0
        return dout


class Affine:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = dout.sum(axis=0)
        return dout @ self.W.T


def softmax(x):
    x = x - x.max(axis=-1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=-1, keepdims=True)


def cross_entropy_error(y, t):
    if t.size == y.size:  # one-hot -> label indices
        t = t.argmax(axis=1)
    n = y.shape[0]
    return -np.sum(np.log(y[np.arange(n), t] + 1e-7)) / n


class SoftmaxWithLoss:
    def forward(self, x, t):
        self.t = t
        self.y = softmax(x)
        return cross_entropy_error(self.y, t)

    def backward(self, dout=1):
        return (self.y - self.t) * dout / self.t.shape[0]


class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {
            "W1": weight_init_std * np.random.randn(input_size, hidden_size),
            "b1": np.zeros(hidden_size),
            "W2": weight_init_std * np.random.randn(hidden_size, output_size),
            "b2": np.zeros(output_size),
        }
        p = self.params
        self.layers = [Affine(p["W1"], p["b1"]), Relu(), Affine(p["W2"], p["b2"])]
        self.last_layer = SoftmaxWithLoss()

    def predict(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def loss(self, x, t):
        return self.last_layer.forward(self.predict(x), t)

    def accuracy(self, x, t):
        y = self.predict(x).argmax(axis=1)
        return float(np.sum(y == t.argmax(axis=1)) / x.shape[0])

    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.last_layer.backward(1)
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        a1, a2 = self.layers[0], self.layers[2]
        return {"W1": a1.dW, "b1": a1.db, "W2": a2.dW, "b2": a2.db}


# ------------------------------------------------------------- BLAS report

def blas_info():
    """Which BLAS numpy really loaded (Debian switches libblas.so.3 through
    update-alternatives, so the build config alone does not tell)."""
    np.dot(np.ones((64, 64)), np.ones((64, 64)))  # make sure BLAS is loaded
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                name = os.path.basename(path).lower()
                if any(k in name for k in ("blas", "mkl", "blis", "atlas")):
                    libs.add(os.path.realpath(path))
    except OSError:
        pass
    text = " ".join(sorted(libs)).lower()
    if "openblas" in text:
        kind = "openblas"
    elif "mkl" in text:
        kind = "mkl"
    elif "blis" in text:
        kind = "blis"
    elif "atlas" in text:
        kind = "atlas"
    elif libs:
        kind = "reference"
    else:
        kind = "unknown"
    return f"{kind} ({', '.join(sorted(libs)) or 'no BLAS library mapped'}; numpy {np.__version__})"


# ------------------------------------------------------------------- train

def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=os.path.join(here, "..", "data", "mnist-10k"))
    ap.add_argument("--steps", type=int, default=10000)
    ap.add_argument("--batch-size", type=int, default=100)
    ap.add_argument("--lr", type=float, default=0.1)
    ap.add_argument("--hidden", type=int, default=50)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    x_train, t_train = load_split(args.data, "train")
    x_test, t_test = load_split(args.data, "t10k")
    blas = blas_info()

    np.random.seed(args.seed)
    net = TwoLayerNet(x_train.shape[1], args.hidden, t_train.shape[1])
    train_size = x_train.shape[0]
    iter_per_epoch = max(math.ceil(train_size / args.batch_size), 1)

    losses = []
    train_acc = test_acc = None
    eval_seconds = 0.0

    def evaluate(step):
        nonlocal train_acc, test_acc, eval_seconds
        e0 = time.perf_counter()
        train_acc = net.accuracy(x_train, t_train)
        test_acc = net.accuracy(x_test, t_test)
        eval_seconds += time.perf_counter() - e0
        print(f"step {step:6d}  loss {losses[-1]:.4f}  train acc {train_acc:.4f}  "
              f"test acc {test_acc:.4f}", file=sys.stderr, flush=True)

    t0 = time.perf_counter()
    for i in range(args.steps):
        batch_mask = np.random.choice(train_size, args.batch_size)
        x_batch, t_batch = x_train[batch_mask], t_train[batch_mask]
        grad = net.gradient(x_batch, t_batch)
        for key in ("W1", "b1", "W2", "b2"):
            net.params[key] -= args.lr * grad[key]
        losses.append(float(net.loss(x_batch, t_batch)))
        if i % iter_per_epoch == 0 or i == args.steps - 1:
            evaluate(i + 1)
    seconds = time.perf_counter() - t0

    print(json.dumps({
        "impl": "numpy",
        "blas": blas,
        "threads": os.environ.get("OPENBLAS_NUM_THREADS") or None,
        "steps": args.steps,
        # Training time only, as our trainer reports it; the accuracy evaluations are in eval_seconds.
        "ms_per_step": 1000.0 * (seconds - eval_seconds) / max(args.steps, 1),
        "wall_ms_per_step": 1000.0 * seconds / max(args.steps, 1),
        "train_accuracy": train_acc,
        "test_accuracy": test_acc,
        "seconds": seconds,
        "eval_seconds": eval_seconds,
        "final_loss": losses[-1] if losses else None,
        "train_size": train_size,
        "test_size": int(x_test.shape[0]),
        "batch_size": args.batch_size,
        "lr": args.lr,
        "hidden": args.hidden,
        "seed": args.seed,
    }), flush=True)


if __name__ == "__main__":
    main()
