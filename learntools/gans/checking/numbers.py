"""Comparing numbers and tensors in checks: ``close``, with one tolerance rule for both."""

import torch


def close(a, b, rtol=1e-4, atol=1e-5):
    """|a - b| <= atol + rtol·|b|, for two numbers or two tensors.

    Tensors must hold as many values; a different shape with as many values (a trailing 1, say) is
    compared flattened. None never matches.
    """
    if a is None or b is None:
        return False
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        a, b = torch.as_tensor(a), torch.as_tensor(b)
        if a.shape != b.shape:
            if a.numel() != b.numel():
                return False
            a, b = a.reshape(-1), b.reshape(-1)
        return bool(torch.allclose(a.float(), b.float(), atol=atol, rtol=rtol))
    return abs(a - b) <= atol + rtol * abs(b)
