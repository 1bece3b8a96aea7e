"""Sentences of the lessons that state results of their own runs, checked against the executed solution
notebooks (issue 13: numbers in prose come from the run). Each test names the sentence it guards."""

import json
import re
from pathlib import Path

import pytest

SOLUTIONS = Path(__file__).resolve().parent.parent / "solutions"


def printed(lesson: str) -> str:
    """Everything the executed solution notebook of `lesson` (e.g. "09") printed, as one text."""
    path = next(SOLUTIONS.glob(f"{lesson}_*.ipynb"))
    notebook = json.loads(path.read_text())
    parts = []
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            text = output.get("text") or output.get("data", {}).get("text/plain", "")
            parts.append("".join(text) if isinstance(text, list) else text)
    return "\n".join(parts)


def test_01_collapse_stays_low_while_turn_taking_spreads():
    """"The 'modes covered' curve stays low ... with D and G taking turns, the points spread over most or all of the 8 modes"."""
    text = printed("01")
    ranges = dict(re.findall(r"(\d) G steps? per D step: modes covered ranged from \d+ to (\d+) of 8", text))
    lasts = dict(re.findall(r"(\d) G steps? per D step: modes covered ranged from \d+ to \d+ of 8 over the recorded "
                            r"steps; (\d+) at the last one", text))
    assert set(ranges) == {"1", "5"}, text[-2000:]
    assert int(ranges["5"]) <= 2
    assert int(lasts["1"]) >= 6


def test_04_untrained_logits_are_close_to_zero():
    """"Before training, every logit is close to 0 ... so sigmoid(logit) ≈ 0.5 for every image"."""
    low, high = map(float, re.search(r"before training, D's logits run from (\S+) to (\S+)\n", printed("04")).groups())
    assert -0.5 < low <= high < 0.5


def test_08_generator_draws_the_asked_digit_most_of_the_time():
    """"After a minute or two of training the generator draws the asked-for digit most of the time, far above chance"."""
    mean = float(re.search(r"Per-class accuracy after \d+ steps: mean ([\d.]+)%", printed("08")).group(1))
    assert mean > 50


def test_09_every_model_gets_the_same_number_of_steps():
    """"Every model of this lesson gets the same budget, `steps` training steps" (the table prints them)."""
    text = printed("09")
    steps = [int(n) for n in re.findall(r"^(?:encoder-decoder \(L1\)|U-Net \(L1\)|U-Net \(L2\)|pix2pix \(U-Net \+ PatchGAN\))"
                                        r"\s+(\d+)\s+\d+\s", text, flags=re.M)]
    assert len(steps) == 4 and len(set(steps)) == 1, steps


def test_09_the_printed_winners_are_the_tables_winners():
    """The thought question's answer says "read the winners from the printed line under the table": check that line."""
    text = printed("09")
    rows = {m[0].strip(): (float(m[1]), float(m[2]), float(m[3])) for m in re.findall(
        r"^((?:encoder-decoder|U-Net|pix2pix)[^\n]*?)\s+\d+\s+\d+\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+[\d.]+%$", text,
        flags=re.M)}
    assert len(rows) == 4, rows
    line = re.search(r"Among the trained models: lowest L1 (.+); highest PSNR (.+); lowest Fréchet distance (.+)\.", text)
    assert line.group(1) == min(rows, key=lambda n: rows[n][0])
    assert line.group(2) == max(rows, key=lambda n: rows[n][1])
    assert line.group(3) == min(rows, key=lambda n: rows[n][2])


def test_10_the_judge_reads_real_digits_and_more_blur_than_the_loss_classifier():
    """The judge reads real held-out digits; "the judge ... reads most of the upsampled ones; the course's
    classifier ... refuses many" (the bicubic row of the SRGAN table)."""
    text = printed("10")
    real = re.search(r"^real digits\s+0\.000\s+-\s+([\d.]+)%\s+([\d.]+)%$", text, flags=re.M)
    assert real and float(real.group(1)) >= 96
    bicubic = re.search(r"^bicubic upsampling\s+[\d.]+\s+[\d.]+\s+([\d.]+)%\s+([\d.]+)%$", text, flags=re.M)
    judge, loss_classifier = float(bicubic.group(1)), float(bicubic.group(2))
    assert judge > 50 and loss_classifier < judge


def test_09_the_unet_beats_the_encoder_decoder():
    """Summary: "A U-Net ... detail goes across instead of through the bottleneck, and held-out L1/PSNR improve"."""
    rows = dict(re.findall(r"^(encoder-decoder \(L1\)|U-Net \(L1\))\s+\d+ steps in \d+ s: held-out (L1 [\d.]+, PSNR [\d.]+)",
                           printed("09"), flags=re.M))
    l1 = {name: float(text.split()[1].rstrip(",")) for name, text in rows.items()}
    psnr = {name: float(text.split()[3]) for name, text in rows.items()}
    assert l1["U-Net (L1)"] < l1["encoder-decoder (L1)"] and psnr["U-Net (L1)"] > psnr["encoder-decoder (L1)"]


def test_14_the_measures_pass_their_tests_and_the_comparison_says_what_the_text_says():
    """Lesson 14: "thicken must make every digit measure thicker"; "the measured slant should rise by about k";
    the thought answer: without GAN-CLS the judge reads the asked digit hardly more often than chance, with it
    most of the time; the "thick" rows measure thinner than the real thick third; the noise changes little."""
    text = printed("14")
    assert re.search(r"thicken\(\): thicker for 100\.0% of the 4000 digits", text)
    for k, change in re.findall(r"shear by ([+-][\d.]+): the measured slant changes by ([+-][\d.]+)", text):
        assert abs(float(change) - float(k)) < 0.02
    with_cls = re.search(r"with GAN-CLS ([\d.]+)% to ([\d.]+)%", text)
    without = re.search(r"without ([\d.]+)% to ([\d.]+)% \(chance 10%\)", text)
    assert float(with_cls.group(1)) > 60 and float(without.group(2)) < 25
    thick_rows = re.findall(r"of the 'thick' rows ([\d.]+) px \(the real digits' thick third starts at ([\d.]+) px\)", text)
    assert len(thick_rows) == 2 and all(float(row) < float(start) for row, start in thick_rows)
    spreads = [float(s) for s in re.findall(r"same caption: images differ by ([\d.]+) per pixel", text)]
    real = float(re.search(r"two real digits of the same class differ by ([\d.]+) per pixel", text).group(1))
    assert len(spreads) == 2 and max(spreads) < real / 2
