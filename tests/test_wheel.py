"""The pip package: it ships every lesson's solutions file and no hidden test (learners can read
site-packages; hidden tests stay in nbgrader/hidden_tests/)."""

import zipfile

import pytest

from lessons import build

pytestmark = pytest.mark.slow  # builds the wheel (about half a minute)


def _texts(wheel):
    with zipfile.ZipFile(wheel) as archive:
        return {name: archive.read(name).decode("utf-8", errors="replace") for name in archive.namelist()}


def test_wheel_ships_the_solutions_files(wheel):
    names = set(_texts(wheel))
    for source in build.lesson_sources():
        module = build._parse(source)[2].__name__
        expected = build.solutions_path(module).relative_to(build.ROOT).as_posix()
        assert expected in names, f"{expected} is missing from the wheel"


def test_wheel_holds_no_hidden_test(wheel):
    texts = _texts(wheel)
    assert not [name for name in texts if "hidden_tests" in name or name.startswith("nbgrader/")]
    assert not [name for name, text in texts.items() if "hidden_q" in text or "HIDDEN TESTS" in text]
    # Guard the guard: the hidden tests the wheel must not hold do exist, and say "hidden_q".
    assert sorted(build.HIDDEN_TESTS.glob("ex*.py")) and "def hidden_q" in (build.HIDDEN_TESTS / "ex2.py").read_text()
