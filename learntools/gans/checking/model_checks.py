"""Reading the models learners build in lessons 03 and 04: activations, ranges, blocks, layer tables.

The model check itself is learntools.core.ModuleProblem; its ``test`` builds a fresh model with
``learntools.core.build``, runs a probe with ``learntools.core.trace``, and reads the result with these.
"""

import torch

from learntools.core import Incorrect, describe, parameter_count
from learntools.core.models import leaves

__all__ = [
    "leaky_slope",
    "span",
    "first_foreign",
    "reject_foreign",
    "block_convolution",
    "check_norm_channels",
    "check_parameter_count",
    "tensor_output",
    "block_output",
]


def leaky_slope(before, after):
    """The slope an activation applied to negative inputs (after / before where before < -0.05), or None."""
    if before is None or after is None or before.numel() != after.numel():
        return None
    before, after = before.reshape(-1), after.reshape(-1)
    negative = before < -0.05
    if not negative.any():
        return None
    ratios = after[negative] / before[negative]
    return float(ratios.median())


def span(tensor):
    """'[-0.913, 0.877]': the range of a tensor's values, for messages."""
    return f"[{tensor.min().item():.3g}, {tensor.max().item():.3g}]"


# --------------------------------------------------------------------------- reading layers and outputs


def first_foreign(model, table):
    """(type name, message) for the first leaf layer matching a (types, message) row of ``table``, else None."""
    for layer in leaves(model):
        for kind, message in table:
            if isinstance(layer, kind):
                return type(layer).__name__, message
    return None


def reject_foreign(model, call, table):
    """Incorrect naming the first leaf layer of ``model`` that matches a (types, message) row of ``table``."""
    foreign = first_foreign(model, table)
    if foreign:
        raise Incorrect(f"`{call}` contains a {foreign[0]}: {foreign[1]}")


def block_convolution(layers, call, kind, in_channels, out_channels, missing):
    """The one layer of type ``kind`` (Conv2d, ConvTranspose2d) among a block's ``layers``, mapping
    ``in_channels`` to ``out_channels``; else Incorrect. ``missing`` ends the sentence when there is none."""
    name = kind.__name__
    convs = [m for m in layers if isinstance(m, kind)]
    if not convs:
        raise Incorrect(f"`{call}` has no {name}: {missing}")
    if len(convs) > 1:
        raise Incorrect(f"`{call}` has {len(convs)} {name} layers; a block has one.")
    conv = convs[0]
    if conv.in_channels != in_channels or conv.out_channels != out_channels:
        raise Incorrect(f"in `{call}` the {name} maps {conv.in_channels} channels to {conv.out_channels}; "
                        f"it should map in_channels = {in_channels} to out_channels = {out_channels}.")
    return conv


def check_norm_channels(norms, call, out_channels):
    """Incorrect when a block's BatchNorm2d (the first of ``norms``, if any) does not fit the convolution's output."""
    if norms and norms[0].num_features != out_channels:
        raise Incorrect(f"in `{call}` the BatchNorm2d has {norms[0].num_features} channels, but the convolution "
                        f"gives {out_channels}: use nn.BatchNorm2d(out_channels).")


def check_parameter_count(model, call, expected):
    """Incorrect when ``model`` does not have about ``expected`` trainable parameters (within 1%)."""
    count = parameter_count(model)
    if not 0.99 * expected <= count <= 1.01 * expected:
        raise Incorrect(f"`{call}` has {count:,} trainable parameters; this design has about {expected:,}: "
                        "check the kernel sizes and channel numbers.")


def tensor_output(run, what):
    """The forward pass's output tensor, or Incorrect with a sentence about what went wrong."""
    if run.error is not None:
        raise Incorrect(str(run.error))
    output = run.output
    if not isinstance(output, torch.Tensor):
        raise Incorrect(f"{what} returned {describe(output)}; it should return one tensor.")
    if output.device.type == "meta":
        raise Incorrect(f"{what} returned a tensor on the 'meta' device, which holds no values: compute it from the "
                        "input, on the input's device.")
    if not output.is_floating_point():
        raise Incorrect(f"{what} returned a tensor of {output.dtype}; it should return floating-point values.")
    if not torch.isfinite(output).all():
        raise Incorrect(f"{what} returned NaN or inf values: look for a division by zero or a log of zero in forward.")
    return output


def block_output(run, call, n_in, expected_shape, advice):
    """A block's output tensor when it has ``expected_shape``, or Incorrect with a sentence.

    The block got an ``n_in``×``n_in`` input; ``advice()`` says why its convolution gives the wrong size.
    """
    output = tensor_output(run, f"`{call}`")
    if tuple(output.shape) != expected_shape:
        h, w = expected_shape[-2:]
        if output.ndim == 4 and output.shape[1] == expected_shape[1]:
            raise Incorrect(f"`{call}` turns a {n_in}×{n_in} input into {output.shape[-2]}×{output.shape[-1]}, "
                            f"not {h}×{w}: {advice()}")
        raise Incorrect(f"`{call}` returned shape {tuple(output.shape)}; {expected_shape} was expected.")
    return output
