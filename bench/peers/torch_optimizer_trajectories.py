#!/usr/bin/python3
"""The worked example's 2-2-2 sigmoid network trained 5 steps by each of PyTorch's optimizers.

TestOptimizers checks vecprop's Sgd and Adam against these trajectories. Run with Debian's
PyTorch (/usr/bin/python3 bench/peers/torch_optimizer_trajectories.py); it prints one line per
optimizer and step: name, step, then w1..w8, b1, b2 (each layer's bias per unit, h1 h2 o1 o2)
in double precision, and the same for float32 below "float32".
"""
import torch

W1 = [[0.25, 0.25], [0.15, 0.20]]
B1 = [0.4, 0.4]
W2 = [[0.30, 0.35], [0.40, 0.35]]
B2 = [0.7, 0.7]
X = [[0.02, 0.04]]
T = [[0.5, 0.9]]

CASES = [
    ("sgd_wd", lambda p: torch.optim.SGD(p, lr=0.5, weight_decay=0.1)),
    ("momentum_wd", lambda p: torch.optim.SGD(p, lr=0.5, momentum=0.9, weight_decay=0.1)),
    ("nesterov", lambda p: torch.optim.SGD(p, lr=0.5, momentum=0.9, nesterov=True)),
    ("nesterov_wd", lambda p: torch.optim.SGD(p, lr=0.5, momentum=0.8, nesterov=True, weight_decay=0.1)),
    ("adam", lambda p: torch.optim.Adam(p, lr=0.1)),
    ("adam_wd", lambda p: torch.optim.Adam(p, lr=0.1, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    ("adamw", lambda p: torch.optim.AdamW(p, lr=0.1)),
    ("adamw_wd", lambda p: torch.optim.AdamW(p, lr=0.1, betas=(0.85, 0.95), eps=1e-7, weight_decay=0.3)),
    ("momentum_clip", lambda p: torch.optim.SGD(p, lr=0.5, momentum=0.9)),
    ("adam_clip", lambda p: torch.optim.Adam(p, lr=0.1)),
]
# clip_grad_norm_(max_norm) before each step: a norm below the gradient's (about 0.03 at the start)
CLIP = {"momentum_clip": 0.01, "adam_clip": 0.02}


def run(dtype):
    for name, make in CASES:
        w1 = torch.tensor(W1, dtype=dtype, requires_grad=True)
        b1 = torch.tensor(B1, dtype=dtype, requires_grad=True)
        w2 = torch.tensor(W2, dtype=dtype, requires_grad=True)
        b2 = torch.tensor(B2, dtype=dtype, requires_grad=True)
        x = torch.tensor(X, dtype=dtype)
        t = torch.tensor(T, dtype=dtype)
        opt = make([w1, b1, w2, b2])
        for step in range(1, 6):
            opt.zero_grad()
            h = torch.sigmoid(x @ w1.T + b1)
            o = torch.sigmoid(h @ w2.T + b2)
            loss = (0.5 * (t - o) ** 2).sum(dim=1).mean()
            loss.backward()
            if name in CLIP:
                torch.nn.utils.clip_grad_norm_([w1, b1, w2, b2], CLIP[name])
            opt.step()
            values = w1.flatten().tolist() + w2.flatten().tolist() + b1.tolist() + b2.tolist()
            print(name, step, " ".join(repr(float(v)) for v in values))


if __name__ == "__main__":
    print("torch", torch.__version__)
    run(torch.float64)
    print("float32")
    run(torch.float32)
