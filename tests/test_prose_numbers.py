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


def _lesson_13_rows(pattern_names):
    """{row name: [mean, spread, mean, spread, ...]} of the lesson 13 tables whose rows start with these names."""
    rows = {}
    for line in printed("13").splitlines():
        for name in pattern_names:
            if re.match(re.escape(name) + r"\s+\d+\.\d+ ± ", line):
                rows[name] = [float(v) for v in re.findall(r"(\d+\.\d+) ± (\d+\.\d+)", line) for v in v]
    return rows


def test_13_the_ring_table_says_what_the_text_reads_off_it():
    """"Dropping half the modes leaves precision where the good generator has it and halves recall, as the share
    of real points on a visited mode says ... Blurring the modes keeps recall at the top ... and drops precision
    close to the share of fakes that land near a mode ... even the good generator does not reach 1"."""
    rows = _lesson_13_rows(["good", "drops modes", "spreads off the ring"])
    good, dropped, blurred = rows["good"], rows["drops modes"], rows["spreads off the ring"]
    precision, recall, near_mode, visited = 0, 2, 4, 6  # indices of the means (each followed by its spread)
    assert abs(dropped[precision] - good[precision]) < 0.03
    assert abs(dropped[recall] - dropped[visited]) < 0.05 and abs(dropped[recall] - good[recall] / 2) < 0.05
    assert blurred[recall] >= good[recall] - 0.01 and blurred[recall] > 0.95
    assert abs(blurred[precision] - blurred[near_mode]) < 0.05 and blurred[precision] < 0.3
    assert good[precision] < 1 and good[recall] < 1


def test_13_generated_digits_cover_like_real_ones_but_fewer_land_inside():
    """"The generated digits cover the real variety about as well as real digits do, but fewer of them land inside
    the real manifold ... [in pixels] the same samples get other numbers"."""
    rows = _lesson_13_rows(["generated vs held-out", "held-out vs training (real data)", "generated vs held-out, pixels"])
    generated, real = rows["generated vs held-out"], rows["held-out vs training (real data)"]
    pixels = rows["generated vs held-out, pixels"]
    assert abs(generated[2] - real[2]) < 0.05
    assert generated[0] < real[0] - 0.1
    assert abs(pixels[0] - generated[0]) > 2 * (pixels[1] + generated[1]) or abs(pixels[2] - generated[2]) > 2 * (
        pixels[3] + generated[3])


def test_13_the_frechet_bias_at_small_n_is_larger_than_the_generators_distance():
    """"at the smallest n their distance is larger than the generated digits' distance at the largest n"; the
    thought question: "two samples of the same distribution differ by more at 200 than at 1,000"."""
    text = printed("13")
    small, large = map(float, re.search(r"same distribution at n = \d+: ([\d.]+); generated vs training at n = \d+: "
                                        r"([\d.]+)", text).groups())
    assert small > large
    row = re.search(r"^training vs training \(same distribution\)(.*)$", text, flags=re.M).group(1)
    means = {int(n): float(m) for n, m in re.findall(r"n=(\d+):\s+([\d.]+)", row)}
    assert means[200] > means[1000] and means[50] > means[100] > means[200]
    generated = re.search(r"^generated vs training(.*)$", text, flags=re.M).group(1)
    generated = {int(n): float(m) for n, m in re.findall(r"n=(\d+):\s+([\d.]+)", generated)}
    # "The real-data curves keep falling as n grows, while the generated ones level off".
    assert means[1000] / means[500] < 0.7 and generated[1000] / generated[500] > 0.8


def test_13_generated_digits_lie_further_from_the_training_set_than_held_out_ones():
    """"Most generated digits lie *further* from the training set than held-out digits do, most clearly in
    features"."""
    found = re.findall(r"in (features|pixels)\s*: median distance to the training set: held-out digits\s+([\d.]+), "
                       r"generated ([\d.]+) ± [\d.]+; .*near-copies among generated digits: ([\d.]+) ±", printed("13"))
    medians = {space: (float(held_out), float(generated)) for space, held_out, generated, _ in found}
    assert set(medians) == {"features", "pixels"}
    assert all(generated > held_out for held_out, generated in medians.values())
    ratio = {space: generated / held_out for space, (held_out, generated) in medians.items()}
    assert ratio["features"] > ratio["pixels"]


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


def test_15_what_the_case_studies_say_of_their_runs():
    """Lesson 15: "16×16 pieces ... the whole digit (67 pixels)"; feature matching "is 0 when the fakes are the real
    images"; the fitted ink axis and lesson 06's "point much the same way", it "leans towards 'is a 0' and away from
    'is a 1'"; along the orthogonalised axis "at every step more digits keep their identity", "the ink moves less per
    step" and it "changes fewer digits for the same ink"; the normalised pose matches the target; a convolution of
    the moved song "is the convolution of the song, moved the same way"."""
    text = printed("15")
    fields = [int(n) for n in re.findall(r"^D\d: sees .* each covering (\d+)×\d+ pixels", text, flags=re.M)]
    assert fields[0] == 16 and fields[-1] == 67
    assert "feature matching of the real pairs with themselves: 0.000" in text
    cosine = float(re.search(r"cosine of the fitted ink axis with lesson 06's averaged one: ([\d.]+)", text).group(1))
    assert cosine > 0.9
    zero, one = map(float, re.search(r"with the 'is a 0' axis: ([+-][\d.]+), with the 'is a 1' axis: ([+-][\d.]+)",
                                     text).groups())
    assert zero > 0.3 and one < -0.3
    steps = {(name.strip(), step): (float(after), int(same)) for name, step, after, same in re.findall(
        r"^\s*(fitted ink axis|orthogonalised), step ([+-]\d): ink [\d.]+ -> ([\d.]+), same digit as before: (\d+)%",
        text, flags=re.M)}
    before = float(re.search(r"step [+-]\d: ink ([\d.]+) ->", text).group(1))
    assert len(steps) == 8
    for step in ("-2", "-1", "+1", "+2"):
        fitted, orthogonal = steps[("fitted ink axis", step)], steps[("orthogonalised", step)]
        assert orthogonal[1] > fitted[1]
        assert abs(orthogonal[0] - before) < abs(fitted[0] - before)
    costs = dict(re.findall(r"^(fitted ink axis|orthogonalised): (\d+)% of the digits change", text, flags=re.M))
    assert int(costs["orthogonalised"]) < int(costs["fitted ink axis"])
    poses = re.findall(r"^\s*(normalised|target): ([\d.]+) px from head to ankles, ankles centred at x = ([\d.]+), "
                       r"y = ([\d.]+)", text, flags=re.M)
    assert len(poses) == 2 and poses[0][1:] == poses[1][1:]
    assert "moved up 2 rows: 0.0\n" in text and "moved 4 steps later: 0.0\n" in text
    left = float(re.search(r"then the raw 'is a 1' axis\): cosine ([+-][\d.]+) with 'is a 0'", text).group(1))
    assert abs(left) >= 0.01  # "would leave some of the first one back in"
