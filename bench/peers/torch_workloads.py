#!/usr/bin/env python3
"""The benchmark workloads of vecprop, timed in PyTorch on the CPU, for a side-by-side run.

What it times, each as the median of single timed calls after a warm-up:
  * one training step of W1-W4 (sigmoid layers, or ReLU hidden layers with --activation relu, half-squared error averaged over the batch, SGD
    lr 0.1, biases trained; the same widths and batches as vecprop's TrainingBench), twice:
      autograd  nn.Linear layers, loss.backward(), torch.optim.SGD
      manual    the backprop a careful user writes by hand: torch.no_grad(), buffers allocated
                once, addmm/addmm_ into them, the sigmoid derivative from the outputs
  * the products of vecprop's GemmBench on OpenBLAS: mult (numpy.matmul, C = A·B), forward
    (torch.addmm, C = X·Wᵀ + b) and rankK (torch addmm_, W += α·Δᵀ·X), at n = 1024 and at the
    shapes W3 and W4 train with.
in float64 (f64) and float32 (f32), on 1 and 2 threads. With 2 threads two set-ups run, torch's
own 2 threads over 2 OpenBLAS threads ("torch2+blas2") and 1 torch thread over 2 OpenBLAS
threads ("torch1+blas2"); "best" is the faster of the two.

OPENBLAS_CORETYPE forces an OpenBLAS kernel (often a slower one than the CPU can run); when it is
set, the script runs itself again without it, and it prints which kernel OpenBLAS chose
(threadpoolctl's "architecture").

Needs: python3-torch python3-numpy python3-threadpoolctl (Debian: PyTorch 1.13 on OpenBLAS 0.3.21).

    python3 bench/peers/torch_workloads.py                      # everything, text
    python3 bench/peers/torch_workloads.py --workloads W3 --precision f64 --threads 1
    python3 bench/peers/torch_workloads.py --format json > torch.json   # what `vecprop bench --peers` reads
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time

if os.environ.get("OPENBLAS_CORETYPE") is not None and os.environ.get("VECPROP_PEER_REEXEC") is None:
    # the kernel must be chosen before OpenBLAS loads: run again without the override
    env = dict(os.environ)
    forced = env.pop("OPENBLAS_CORETYPE")
    env["VECPROP_PEER_REEXEC"] = forced
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

try:
    import numpy as np
    import torch
    from threadpoolctl import threadpool_info, threadpool_limits
except ImportError as e:  # pragma: no cover - depends on the machine
    sys.stderr.write("torch_workloads.py: %s; install python3-torch python3-numpy python3-threadpoolctl\n" % e)
    sys.exit(3)

WORKLOADS = {
    "W1": ([2, 2, 2], 1),
    "W2": ([1024, 1024, 1024], 1),
    "W3": ([784, 1024, 1024, 10], 128),
    "W4": ([4096, 4096], 256),
}
DTYPES = {"f64": torch.float64, "f32": torch.float32}
LR = 0.1


def openblas():
    for lib in threadpool_info():
        if lib.get("internal_api") == "openblas":
            return {"version": lib.get("version"), "architecture": lib.get("architecture"),
                    "threading": lib.get("threading_layer"), "filepath": lib.get("filepath")}
    return None


def setups(threads):
    """(name, torch threads, OpenBLAS threads) for a thread count."""
    if threads == 1:
        return [("torch1+blas1", 1, 1)]
    return [("torch%d+blas%d" % (threads, threads), threads, threads), ("torch1+blas%d" % threads, 1, threads)]


def timed(fn, seconds, min_calls=5):
    """Median and count of single timed calls of fn over about seconds, after a warm-up of a third of that."""
    end = time.perf_counter() + seconds / 3
    fn()
    while time.perf_counter() < end:
        fn()
    samples = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end or len(samples) < min_calls:
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples), len(samples)


def worked_example(dtype):
    """The worked example's 2-2-2 network (vecprop's WorkedExample): W (out x in), b, input and target."""
    w1 = torch.tensor([[0.25, 0.25], [0.15, 0.20]], dtype=dtype)
    w2 = torch.tensor([[0.30, 0.35], [0.40, 0.35]], dtype=dtype)
    b1 = torch.tensor([0.4, 0.4], dtype=dtype)
    b2 = torch.tensor([0.7, 0.7], dtype=dtype)
    x = torch.tensor([[0.02, 0.04]], dtype=dtype)
    t = torch.tensor([[0.5, 0.9]], dtype=dtype)
    return [w1, w2], [b1, b2], x, t


def network(workload, dtype):
    widths, batch = WORKLOADS[workload]
    if workload == "W1":
        return worked_example(dtype)
    g = torch.Generator().manual_seed(1)
    ws, bs = [], []
    for fan_in, fan_out in zip(widths, widths[1:]):
        bound = 1.0 / fan_in ** 0.5
        ws.append((torch.rand(fan_out, fan_in, generator=g, dtype=torch.float64) * 2 - 1).mul_(bound).to(dtype))
        bs.append((torch.rand(fan_out, generator=g, dtype=torch.float64) * 2 - 1).mul_(bound).to(dtype))
    x = torch.rand(batch, widths[0], generator=g, dtype=torch.float64).to(dtype)
    t = torch.rand(batch, widths[-1], generator=g, dtype=torch.float64).to(dtype)
    return ws, bs, x, t


def autograd_step(workload, dtype, activation="sigmoid"):
    ws, bs, x, t = network(workload, dtype)
    layers = []
    for l, (w, b) in enumerate(zip(ws, bs)):
        lin = torch.nn.Linear(w.shape[1], w.shape[0]).to(dtype)
        with torch.no_grad():
            lin.weight.copy_(w)
            lin.bias.copy_(b)
        hidden = l + 1 < len(ws)
        layers += [lin, torch.nn.ReLU() if hidden and activation == "relu" else torch.nn.Sigmoid()]
    net = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(net.parameters(), lr=LR)

    def step():
        opt.zero_grad(set_to_none=True)
        out = net(x)
        loss = 0.5 * (out - t).pow(2).sum(dim=1).mean()
        loss.backward()
        opt.step()
        return loss
    return step


def sigmoid_deriv(out, into):
    """out · (1 - out) into a buffer, as out - out²: two passes, no temporary."""
    torch.mul(out, out, out=into)
    return torch.sub(out, into, out=into)


def manual_step(workload, dtype, activation="sigmoid"):
    ws, bs, x, t = network(workload, dtype)
    relu = activation == "relu"
    masks = [torch.empty(x.shape[0], w.shape[0], dtype=torch.bool) for w in ws]
    n = x.shape[0]
    nets = [torch.empty(n, w.shape[0], dtype=dtype) for w in ws]
    outs = [torch.empty(n, w.shape[0], dtype=dtype) for w in ws]
    deltas = [torch.empty(n, w.shape[0], dtype=dtype) for w in ws]
    derivs = [torch.empty(n, w.shape[0], dtype=dtype) for w in ws]
    sums = [torch.empty(w.shape[0], dtype=dtype) for w in ws]
    scale = -LR / n

    @torch.no_grad()
    def step():
        inp = x
        for l, (w, b) in enumerate(zip(ws, bs)):
            torch.addmm(b, inp, w.t(), out=nets[l])
            if relu and l + 1 < len(ws):
                torch.clamp_min(nets[l], 0, out=outs[l])
            else:
                torch.sigmoid(nets[l], out=outs[l])
            inp = outs[l]
        last = len(ws) - 1
        out = outs[last]
        # delta = (out - t) · out · (1 - out)
        torch.sub(out, t, out=deltas[last])
        loss = 0.5 * deltas[last].pow(2).sum() / n
        deltas[last].mul_(sigmoid_deriv(out, derivs[last]))
        for l in range(last, -1, -1):
            if l > 0:
                # delta below through W before its update, times out·(1 - out)
                torch.mm(deltas[l], ws[l], out=deltas[l - 1])
                if relu:
                    deltas[l - 1].mul_(torch.gt(nets[l - 1], 0, out=masks[l - 1]))
                else:
                    deltas[l - 1].mul_(sigmoid_deriv(outs[l - 1], derivs[l - 1]))
            inp = x if l == 0 else outs[l - 1]
            ws[l].addmm_(deltas[l].t(), inp, alpha=scale)
            torch.sum(deltas[l], dim=0, out=sums[l])
            bs[l].add_(sums[l], alpha=scale)
        return loss
    return step


def gemm_cases(selected):
    """(name, m, n, k): the products at n = 1024 and the shapes W3 and W4 train with."""
    cases = []
    for op in ("mult", "forward", "rankK"):
        cases.append((op, "1024", 1024, 1024, 1024))
    if "W3" in selected:
        cases += [("forward", "W3", 128, 1024, 784), ("forward", "W3", 128, 1024, 1024),
                  ("mult", "W3", 128, 1024, 1024),
                  ("rankK", "W3", 1024, 784, 128), ("rankK", "W3", 1024, 1024, 128)]
    if "W4" in selected:
        cases += [("forward", "W4", 256, 4096, 4096), ("rankK", "W4", 4096, 4096, 256)]
    return cases


def gemm_call(op, m, n, k, dtype):
    g = torch.Generator().manual_seed(3)
    rand = lambda *shape: (torch.rand(*shape, generator=g, dtype=torch.float64) * 2 - 1).to(dtype)
    if op == "mult":
        a, b = rand(m, k).numpy(), rand(k, n).numpy()
        c = np.empty((m, n), dtype=a.dtype)
        return lambda: np.matmul(a, b, out=c)
    if op == "forward":
        x, w, bias = rand(m, k), rand(n, k), rand(n)
        c = torch.empty(m, n, dtype=dtype)
        return lambda: torch.addmm(bias, x, w.t(), out=c)
    d, x = rand(k, m), rand(k, n)
    w = rand(m, n)
    # a tiny alpha keeps W near where it is over many calls; alpha 0 would let torch skip the product
    return lambda: w.addmm_(d.t(), x, alpha=-1e-9)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--workloads", default="W1,W2,W3,W4")
    p.add_argument("--precision", default="f64,f32")
    p.add_argument("--threads", default="1,2")
    p.add_argument("--modes", default="autograd,manual")
    p.add_argument("--activation", choices=("sigmoid", "relu"), default="sigmoid",
                   help="the hidden layers' activation (the output stays sigmoid), as TrainingBench's activation")
    p.add_argument("--seconds", type=float, default=3.0, help="measured seconds per case (default 3)")
    p.add_argument("--no-steps", action="store_true", help="products only")
    p.add_argument("--no-gemm", action="store_true", help="training steps only")
    p.add_argument("--format", choices=("text", "json"), default="text")
    args = p.parse_args()
    workloads = [w for w in args.workloads.split(",") if w]
    for w in workloads:
        if w not in WORKLOADS:
            p.error("workload %s: W1, W2, W3 or W4" % w)
    precisions = [q for q in args.precision.split(",") if q]
    for q in precisions:
        if q not in DTYPES:
            p.error("precision %s: f64 or f32" % q)
    threads = [int(t) for t in args.threads.split(",") if t]
    modes = [m for m in args.modes.split(",") if m]
    for m in modes:
        if m not in ("autograd", "manual"):
            p.error("mode %s: autograd or manual" % m)

    info = {"peer": "pytorch", "torch": torch.__version__, "numpy": np.__version__, "python": platform.python_version(),
            "openblas": openblas(), "openblas_coretype_unset": os.environ.get("VECPROP_PEER_REEXEC"),
            "steps": [], "gemm": []}
    text = args.format == "text"
    if text:
        ob = info["openblas"] or {}
        print("PyTorch %s, numpy %s, OpenBLAS %s, kernel %s%s" % (
            info["torch"], info["numpy"], ob.get("version"), ob.get("architecture"),
            " (OPENBLAS_CORETYPE=%s unset for this run)" % info["openblas_coretype_unset"]
            if info["openblas_coretype_unset"] else ""), flush=True)
    torch.set_grad_enabled(True)
    if not args.no_steps:
        for w in workloads:
            for q in precisions:
                for th in threads:
                    for mode in modes:
                        for name, tt, bt in setups(th):
                            torch.set_num_threads(tt)
                            with threadpool_limits(limits=bt, user_api="blas"):
                                step = (autograd_step if mode == "autograd" else manual_step)(w, DTYPES[q],
                                                                                              args.activation)
                                median, calls = timed(step, args.seconds)
                            row = {"workload": w, "precision": q, "threads": th, "mode": mode, "setup": name,
                                   "activation": args.activation,
                                   "median_ms": median * 1e3, "calls": calls}
                            info["steps"].append(row)
                            if text:
                                print("step %-3s %s %-7s %d thread%s %-8s %-13s %10.4f ms  (%d calls)" % (
                                    w, q, args.activation, th, "" if th == 1 else "s", mode, name, median * 1e3,
                                    calls), flush=True)
    if not args.no_gemm:
        for op, shape, m, n, k in gemm_cases(workloads):
            for q in precisions:
                for th in threads:
                    with threadpool_limits(limits=th, user_api="blas"):
                        torch.set_num_threads(1)
                        median, calls = timed(gemm_call(op, m, n, k, DTYPES[q]), args.seconds / 2)
                    gflops = 2.0 * m * n * k / median / 1e9
                    info["gemm"].append({"op": op, "shape": shape, "m": m, "n": n, "k": k, "precision": q,
                                         "threads": th, "median_ms": median * 1e3, "gflops": gflops,
                                         "calls": calls})
                    if text:
                        print("gemm %-7s %-4s m=%-4d n=%-4d k=%-4d %s %d thread%s %8.3f ms %7.1f GFLOP/s" % (
                            op, shape, m, n, k, q, th, "" if th == 1 else "s", median * 1e3, gflops), flush=True)
    if not text:
        json.dump(info, sys.stdout, indent=1)
        print()


if __name__ == "__main__":
    main()
