"""A learner's answers for tests/test_core_safety.py, in a file of their own (see that module)."""

import torch


def floods_then_answers(x):
    for line in range(500):
        print("learner output", line)
    return x


def hangs(x):
    while True:
        pass


def sets_float64_then_answers(x):
    torch.set_default_dtype(torch.float64)
    return x


class HangingEq(float):
    def __eq__(self, other):
        while True:
            pass

    __hash__ = float.__hash__


class RaisingFloat:
    def __float__(self):
        raise RuntimeError("hostile")
