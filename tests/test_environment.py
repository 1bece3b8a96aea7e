"""environment.yml and binder/ agree with the pinned pip environment and with the package's needs."""

import pathlib
import re
import tomllib

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
CONDA_TO_PIP = {"pytorch": "torch"}  # conda-forge names that differ from PyPI's


def _normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def _constraints():
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[_normalise(name)] = version
    return pins


def _environment():
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def _conda_pins():
    pins = {}
    for entry in _environment()["dependencies"]:
        if isinstance(entry, str):
            name, _, rest = entry.partition("=")
            pins[_normalise(CONDA_TO_PIP.get(name, name))] = rest.split("=")[0]
    return pins


def _package_requirements(extras=("course",)):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements += project["optional-dependencies"][extra]
    return {_normalise(re.split(r"[<>=!~ \[;]", r, maxsplit=1)[0]) for r in requirements}


def test_environment_file_parses_and_uses_conda_forge_cpu_torch():
    environment = _environment()
    assert environment["name"] == "gan-workshop"
    assert environment["channels"][0] == "conda-forge"
    assert "pytorch=2.13.0=cpu_*" in environment["dependencies"]


def test_conda_versions_match_the_pip_pins():
    pins = _constraints()
    for name, version in _conda_pins().items():
        if name in ("python", "pip"):
            continue
        assert name in pins, f"{name} is in environment.yml but not pinned in constraints.txt"
        assert pins[name].split("+")[0] == version, f"{name}: environment.yml has {version}, constraints.txt {pins[name]}"


def test_no_dependency_of_the_package_is_missing():
    conda = set(_conda_pins())
    pins = set(_constraints())
    for requirement in _package_requirements(extras=("course",)):
        assert requirement in conda, f"environment.yml lacks {requirement}"
    for requirement in _package_requirements(extras=("course", "dev")):
        assert requirement in pins, f"constraints.txt lacks a pin for {requirement}"


def test_torch_is_pinned_to_the_cpu_wheel_version():
    assert _constraints()["torch"] == "2.13.0"


def test_binder_uses_the_same_environment_and_installs_the_package():
    binder = ROOT / "binder"
    assert (binder / "environment.yml").resolve() == (ROOT / "environment.yml").resolve()
    post_build = (binder / "postBuild").read_text()
    assert "pip install --no-deps" in post_build and "-e ." in post_build
    assert "@jupyter-widgets/jupyterlab-manager" in post_build and "@jupyter/nbgrader" in post_build
    assert (binder / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"
