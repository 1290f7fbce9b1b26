#!/usr/bin/python3
"""The learning rate of each epoch under PyTorch's StepLR, CosineAnnealingLR and ReduceLROnPlateau.

TestSchedule checks vecprop's Schedule against these lines (/usr/bin/python3 bench/peers/torch_schedules.py):
name, then the rate of epochs 1..10 (base rate 0.1, the scheduler stepped once after each epoch).
Plateau watches the losses in LOSSES.
"""
import torch

LOSSES = [1.0, 0.9, 0.9, 0.9, 0.9, 0.85, 0.84999, 0.85, 0.85, 0.5]


def rates(make, losses=None):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=0.1)
    sched = make(opt)
    out = []
    for epoch in range(10):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        if losses is None:
            sched.step()
        else:
            sched.step(losses[epoch])
    return out


CASES = [
    ("step:every=3,gamma=0.5", lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5)),
    ("step:every=1,gamma=0.9", lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=1, gamma=0.9)),
    ("cosine", lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10)),
]

if __name__ == "__main__":
    for name, make in CASES:
        print(name, " ".join(repr(r) for r in rates(make)))
    for patience, factor in [(2, 0.5), (0, 0.1), (3, 0.2)]:
        name = "plateau:patience=%d,factor=%s" % (patience, factor)
        make = lambda o: torch.optim.lr_scheduler.ReduceLROnPlateau(o, patience=patience, factor=factor)
        print(name, " ".join(repr(r) for r in rates(make, LOSSES)))
