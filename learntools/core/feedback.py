"""What a check says, and how it is shown: coloured HTML in notebooks, plain text in a terminal."""

import dataclasses
import html
import os
import re
import sys

CORRECT = "correct"
INCORRECT = "incorrect"
NOT_ATTEMPTED = "not_attempted"
INFO = "info"  # thought questions: nothing to check
CHECKER_ERROR = "checker_error"  # a bug in the course, never the learner's fault

_LABELS = {
    CORRECT: ("Correct", "#2e7d32", "#e8f5e9"),
    INCORRECT: ("Incorrect", "#c62828", "#ffebee"),
    NOT_ATTEMPTED: ("Not attempted yet", "#8a6d00", "#fff8e1"),
    INFO: ("Thought question", "#1565c0", "#e3f2fd"),
    CHECKER_ERROR: ("Could not check", "#6a1b9a", "#f3e5f5"),
    "hint": ("Hint", "#1565c0", "#e3f2fd"),
    "solution": ("Solution", "#37474f", "#eceff1"),
}


@dataclasses.dataclass(frozen=True)
class Outcome:
    """The result of a check: a status and the sentence(s) explaining it."""

    status: str
    message: str = ""

    @property
    def passed(self):
        return self.status == CORRECT

    def text(self):
        label = _LABELS[self.status][0]
        return f"{label}: {self.message}" if self.message else label


class Incorrect(Exception):
    """Raised inside a check: the answer is wrong, and ``str(error)`` says why."""


class NotAttempted(Exception):
    """Raised inside a check: the answer is still the blank, or not defined."""


def grading_mode():
    """True under nbgrader autograding: failed checks must raise, and nothing may go to stderr."""
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def test_mode():
    """True when notebooks should run their short versions (tests, nbgrader): WORKSHOP_TEST_MODE=1."""
    value = os.environ.get("WORKSHOP_TEST_MODE", "").strip().lower()
    return value in {"1", "true", "yes", "on"} or grading_mode()


# --------------------------------------------------------------------------- rendering


def _inline_markup(text):
    """Escape HTML, then render `code` spans and **bold**."""
    escaped = html.escape(text)
    escaped = re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)
    escaped = re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", escaped)
    return escaped.replace("\n", "<br>")


def _html_block(kind, message, code=None):
    label, colour, background = _LABELS[kind]
    body = _inline_markup(message) if message else ""
    if code is not None:
        body += (
            f'<pre style="margin:6px 0 0 0;padding:6px;background:#fafafa;border:1px solid #ddd;'
            f'white-space:pre-wrap">{html.escape(code)}</pre>'
        )
    separator = ": " if message else ""
    return (
        f'<div class="learntools-{kind}" style="border-left:4px solid {colour};background:{background};'
        f'padding:6px 10px;margin:4px 0;color:#212121">'
        f'<span style="color:{colour};font-weight:bold">{label}</span>{separator}{body}</div>'
    )


def _plain_block(kind, message, code=None):
    label = _LABELS[kind][0]
    text = f"{label}: {message}" if message else label
    if code is not None:
        text += "\n" + "\n".join("    " + line for line in code.splitlines())
    return text


def _in_notebook():
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def show(kind, message, code=None):
    """Show a message: rich HTML (with a plain-text fallback) in a notebook, plain text elsewhere."""
    plain = _plain_block(kind, message, code)
    if _in_notebook():
        from IPython.display import display

        display({"text/html": _html_block(kind, message, code), "text/plain": plain}, raw=True)
    else:
        print(plain, file=sys.stdout)
