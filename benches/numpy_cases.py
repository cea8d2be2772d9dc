"""Times numpy on the operations `gpuwise estimate` models, as a notebook would run them.

Run by benches/estimate_accuracy.py with the Python that has numpy: reads a JSON list of cases
on stdin, prints one JSON object per case. Every case is timed in each of `rounds` rounds, the
cases interleaved so that all see the same machine load: per round two warm-up calls, then calls
until at least 5 runs and 0.2 s were timed. Each case's time is its least disturbed round's
median (the lowest): on a shared machine other work only ever slows a round down. The highest
round's median is kept beside it.
"""

import json
import statistics
import sys
import time

import numpy as np


def build(case, rng):
    """The call to time for `case`, on random data in the case's dtype."""
    op, shape, dtype = case["op"], case["shape"], np.dtype(case["dtype"])

    def array(*dims):
        return rng.standard_normal(dims).astype(dtype)

    if op == "matmul":
        m, n, k = shape
        a, b = array(m, k), array(k, n)
        return lambda: a @ b
    if op == "dense":
        batch, inputs, outputs = shape
        x, w, bias = array(batch, inputs), array(inputs, outputs), array(outputs)
        return lambda: np.maximum(x @ w + bias, 0)
    if op == "fft":
        if case.get("real"):
            x = array(*shape)
            return (lambda: np.fft.rfft(x)) if len(shape) == 1 else (lambda: np.fft.rfft2(x))
        x = (array(*shape) + 1j * array(*shape)).astype(np.result_type(dtype, np.complex64))
        return (lambda: np.fft.fft(x)) if len(shape) == 1 else (lambda: np.fft.fft2(x))
    if op == "elementwise":
        (elements,) = shape
        x, y = array(elements), array(elements)
        expressions = {"x + y": lambda: x + y, "x * 2 + 1": lambda: x * 2 + 1}
        return expressions[case["expression"]]
    if op == "reduction":
        (elements,) = shape
        x = array(elements)
        return lambda: x.sum()
    raise ValueError(f"unknown op {op}")


def main():
    cases = json.load(sys.stdin)
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    rng = np.random.default_rng(0)
    calls = [build(case, rng) for case in cases]
    medians = [[] for _ in cases]
    for _ in range(rounds):
        for call, kept in zip(calls, medians):
            call()
            call()
            samples = []
            while len(samples) < 5 or (sum(samples) < 0.2 and len(samples) < 200):
                start = time.perf_counter()
                call()
                samples.append(time.perf_counter() - start)
            kept.append(statistics.median(samples))
    for kept in medians:
        print(json.dumps({"seconds": min(kept), "high": max(kept), "numpy": np.__version__}))


if __name__ == "__main__":
    main()
