"""The package's layout keeps its promises (docs/architecture.md): the reference GAN library never
imports the course's checks, the checker engine imports nothing from learntools.gans, and every
package's __init__ docstring is a map naming each of its modules and subpackages."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "learntools"
GANS = PACKAGE / "gans"

# The course's checks and their support: everything else under learntools/gans is the library
# (data, models, losses, training, evaluation, display, toy, runtime) or a tool on top of it
# (recipes, cli, __main__).
CHECK_MODULES = ("learntools.gans.checking",)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_check_module(name: str) -> bool:
    last = name.split(".")[2] if name.count(".") >= 2 else ""
    return (name.startswith("learntools.gans.ex") and last[2:].isdigit()) or any(
        name == check or name.startswith(check + ".") for check in CHECK_MODULES)


def imported_names(path: Path, source=None) -> set:
    """Every module `path` (or `source`, read as if it were `path`) imports, as absolute dotted
    names (`from a import b` counts a and a.b)."""
    tree = ast.parse(path.read_text(encoding="utf-8") if source is None else source, filename=str(path))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against this module's package
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module":
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                names.add(node.args[0].value)
    return names


def python_files(folder: Path):
    return sorted(path for path in folder.rglob("*.py") if "__pycache__" not in path.parts)


LIBRARY = [path for path in python_files(GANS) if not is_check_module(module_name(path))]
ENGINE = python_files(PACKAGE / "core")
PACKAGES = sorted(path.parent for path in PACKAGE.rglob("__init__.py") if "__pycache__" not in path.parts)


def test_the_layout_is_what_the_tests_assume():
    names = {module_name(path) for path in LIBRARY}
    assert {"learntools.gans.training.trainer", "learntools.gans.models.dcgan", "learntools.gans.cli"} <= names
    assert not any(is_check_module(name) for name in names)
    assert is_check_module("learntools.gans.ex5") and is_check_module("learntools.gans.checking.model_checks")
    assert not is_check_module("learntools.gans.evaluation")


@pytest.mark.parametrize("path", LIBRARY, ids=module_name)
def test_the_library_never_imports_the_checks(path):
    checks = sorted(name for name in imported_names(path) if is_check_module(name))
    assert not checks, f"{module_name(path)} imports the course's checks: {checks}"


@pytest.mark.parametrize("path", LIBRARY, ids=module_name)
def test_the_library_does_not_need_the_engine(path):
    engine = sorted(name for name in imported_names(path) if name.startswith("learntools.core"))
    assert not engine, f"{module_name(path)} imports the checker engine: {engine}"


@pytest.mark.parametrize("path", ENGINE, ids=module_name)
def test_the_engine_imports_nothing_from_gans(path):
    gans = sorted(name for name in imported_names(path) if name.startswith("learntools.gans"))
    assert not gans, f"{module_name(path)} imports {gans}"


def test_the_import_parser_sees_every_spelling():
    """The rules above are only as good as the parser: it must catch each way to import a check."""
    source = ("from learntools.gans import ex3\nimport learntools.gans.checking.model_checks\n"
              "from ..checking import stand_ins\nfrom .. import checking\n"
              "importlib.import_module('learntools.gans.ex9')\nfrom learntools.gans.models import dcgan\n")
    found = {name for name in imported_names(GANS / "models" / "probe.py", source) if is_check_module(name)}
    assert found == {"learntools.gans.ex3", "learntools.gans.checking.model_checks", "learntools.gans.checking",
                     "learntools.gans.checking.stand_ins", "learntools.gans.ex9"}


@pytest.mark.parametrize("folder", PACKAGES, ids=lambda folder: module_name(folder / "__init__.py"))
def test_every_package_docstring_is_a_map_of_its_modules(folder):
    docstring = ast.get_docstring(ast.parse((folder / "__init__.py").read_text(encoding="utf-8"))) or ""
    modules = [path.name for path in folder.glob("*.py") if path.name != "__init__.py"]
    subpackages = [f"{path.parent.name}/" for path in folder.glob("*/__init__.py")]
    missing = [name for name in sorted(modules + subpackages) if name not in docstring]
    assert not missing, f"{folder.relative_to(PACKAGE.parent)}/__init__.py's docstring does not name {missing}"
