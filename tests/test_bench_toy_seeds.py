"""bench/toy_gan_seeds.py, whose results lesson 01 quotes, reproduces its shipped numbers at small size."""

import json
import os
import subprocess
import sys

from lessons import build

SCRIPT = build.ROOT / "bench" / "toy_gan_seeds.py"
SHIPPED = build.ROOT / "bench" / "results" / "toy_gan_seeds.json"


def test_a_short_rerun_gives_the_shipped_mode_counts(tmp_path):
    out = tmp_path / "seeds.json"
    env = {**os.environ, "PYTHONPATH": str(build.ROOT)}
    result = subprocess.run([sys.executable, str(SCRIPT), "--seeds", "1", "--steps", "200", "--collapse-steps", "100",
                             "--out", str(out)], capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    short, shipped = json.loads(out.read_text())["runs"], json.loads(SHIPPED.read_text())["runs"]
    assert set(short) == set(shipped)
    for label, run in short.items():
        counts = run["modes"]["0"]  # seed 0: the mode counts at steps 0, 100, ...
        assert counts == shipped[label]["modes"]["0"][: len(counts)], label


def test_the_lesson_quotes_the_shipped_results():
    runs = json.loads(SHIPPED.read_text())["runs"]
    lesson = (build.ROOT / "lessons" / "01_what_is_a_gan.py").read_text(encoding="utf-8")
    least_squares, bce = runs["least-squares, 1 G step per D step"], runs["nonsaturating, 1 G step per D step"]
    collapse = runs["least-squares, 5 G steps per D step"]
    assert f"all 8 modes covered for {least_squares['seeds_with_8_at_end']} of the 8 seeds" in lesson
    assert f"for {bce['seeds_with_8_at_end']} of 8" in lesson
    assert collapse["max_ever"] <= 1 and "covered at most 1 mode at every check" in lesson
    finals = least_squares["final"] + bce["final"]
    assert f"covered {min(finals)} to {max(finals)} modes at step 1,500" in lesson.replace("\n# ", " ")
