#!/usr/bin/env python3
"""Per-shape matrix-product benchmark for NumPy (whatever BLAS it is linked to): the same products, shapes and
timing rule as bench/Products (best of --rounds rounds of --repeats calls), one JSON line per product."""
import argparse
import json
import time

import numpy as np

BATCH, INPUTS, HIDDEN, CLASSES = 100, 784, 50, 10


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=2000)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    x = rng.random((BATCH, INPUTS))
    w1, b1 = rng.standard_normal((INPUTS, HIDDEN)), rng.standard_normal(HIDDEN)
    z = rng.standard_normal((BATCH, HIDDEN))
    w2, b2 = rng.standard_normal((HIDDEN, CLASSES)), rng.standard_normal(CLASSES)
    d_hidden = rng.standard_normal((BATCH, HIDDEN))
    d_logits = rng.standard_normal((BATCH, CLASSES))

    # The book's Affine layer: forward x·W + b; backward dW = xᵀ·dOut, db = Σ dOut, dx = dOut·Wᵀ.
    products = [
        ("L1 forward x·W1+b1", "[100,784]·[784,50]", 2 * BATCH * INPUTS * HIDDEN, lambda: np.dot(x, w1) + b1),
        ("L1 dW1 = xᵀ·dOut", "[784,100]·[100,50]", 2 * INPUTS * BATCH * HIDDEN,
         lambda: (np.dot(x.T, d_hidden), np.sum(d_hidden, axis=0))),
        ("L2 forward z·W2+b2", "[100,50]·[50,10]", 2 * BATCH * HIDDEN * CLASSES, lambda: np.dot(z, w2) + b2),
        ("L2 dW2 = zᵀ·dOut", "[50,100]·[100,10]", 2 * HIDDEN * BATCH * CLASSES,
         lambda: (np.dot(z.T, d_logits), np.sum(d_logits, axis=0))),
        ("L2 backward dW2 and dx = dOut·W2ᵀ", "[50,100]·[100,10] + [100,10]·[10,50]", 4 * BATCH * CLASSES * HIDDEN,
         lambda: (np.dot(z.T, d_logits), np.sum(d_logits, axis=0), np.dot(d_logits, w2.T))),
    ]
    for name, shape, flops, product in products:
        for _ in range(args.repeats // 4):
            product()
        best = float("inf")
        for _ in range(args.rounds):
            start = time.perf_counter()
            for _ in range(args.repeats):
                product()
            best = min(best, (time.perf_counter() - start) / args.repeats * 1e6)
        print(json.dumps({"impl": "numpy", "product": name, "shape": shape, "us": round(best, 2),
                          "gflops": round(flops / (best * 1e3), 2)}), flush=True)


if __name__ == "__main__":
    main()
