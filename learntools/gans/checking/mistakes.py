"""Naming a learner's mistake: compare a wrong answer with the answers that realistic mistakes give.

A mistake table is a list of (the value a mistake gives, the sentence that names it). The first row
the learner's value matches, where the right value does not match that row too, names the mistake.
"""

from learntools.core import values_match

from .numbers import close


def _sentence(text):
    """End a diagnosis with a full stop."""
    return text if text.endswith((".", "?")) else text + "."


def named_mistake(got, expected, candidates, rtol=1e-4, atol=1e-5):
    """The sentence of the first (value, message) row of ``candidates`` that the array or tensor ``got``
    matches and ``expected`` does not; None when there is none."""
    for candidate, message in candidates:
        if values_match(got, candidate, rtol, atol) and not values_match(candidate, expected, rtol, atol):
            return _sentence(message)
    return None


def named_number_mistake(value, expected, candidates, rtol=1e-4, atol=1e-5):
    """``named_mistake`` for one number: rows hold numbers (or one-element tensors)."""
    for candidate, message in candidates:
        if close(value, float(candidate), rtol, atol) and not close(float(candidate), float(expected), rtol, atol):
            return _sentence(message)
    return None
