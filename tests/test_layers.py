"""The package's layers import downwards only: the engine (learntools.core) imports nothing of the course,
and the reference GAN library imports neither the lesson checks (learntools.gans.exN) nor their support
(learntools.gans.checking)."""

import ast
import pathlib
import re

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "learntools"
CHECKS = re.compile(r"learntools\.gans\.(checking|ex\d+)(\.|$)")


def _imported_modules(path):
    """Every module a file imports (absolute names; relative imports resolved against its package)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def _is_check_module(path):
    relative = path.relative_to(PACKAGE / "gans")
    return relative.parts[0] == "checking" or (len(relative.parts) == 1 and relative.stem.startswith("ex"))


def _library_files():
    return [path for path in sorted((PACKAGE / "gans").rglob("*.py")) if not _is_check_module(path)]


@pytest.mark.parametrize("path", sorted((PACKAGE / "core").rglob("*.py")), ids=lambda p: p.name)
def test_the_engine_imports_nothing_of_the_course(path):
    assert not [name for name in _imported_modules(path) if name.startswith("learntools.gans")]


@pytest.mark.parametrize("path", _library_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_library_never_imports_the_checks(path):
    assert not [name for name in _imported_modules(path) if CHECKS.match(name)]


def test_the_layer_test_sees_both_sides():
    assert any(path.name == "dcgan.py" or path.name == "models.py" for path in _library_files())
    assert any(_is_check_module(path) for path in (PACKAGE / "gans").rglob("*.py"))
