"""Naming a learner's mistake: compare a wrong answer with the answers that realistic mistakes give.

A mistake table is a list of rows (the value a mistake gives, the sentence that names it). These
helpers raise Incorrect with the sentence of the first row the learner's value matches, leaving out
rows that the right value matches too; they return None when no row fits. They are the table form
of a ``test=`` (learntools.core.known_mistakes is the same for a question's fixed answer).
"""

from learntools.core import Incorrect, known_mistakes, values_match

from .numbers import close


def _sentence(text):
    """End a diagnosis with a full stop."""
    return text if text.endswith((".", "?")) else text + "."


def name_mistake(got, expected, rows, rtol=1e-4, atol=1e-5):
    """Raise Incorrect naming the first (value, sentence) row that the array or tensor ``got`` matches."""
    telling = [(value, _sentence(message)) for value, message in rows
               if not values_match(value, expected, rtol, atol)]
    known_mistakes(telling, rtol, atol)(got)


def name_number_mistake(value, expected, rows, rtol=1e-4, atol=1e-5):
    """``name_mistake`` for one number: rows hold numbers (or one-element tensors)."""
    for candidate, message in rows:
        if close(value, float(candidate), rtol, atol) and not close(float(candidate), float(expected), rtol, atol):
            raise Incorrect(_sentence(message))
