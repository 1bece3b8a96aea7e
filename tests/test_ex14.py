"""Every question of lesson 14: its solution passes, realistic wrong answers fail with a message naming the
mistake, the blank says "not attempted", hostile answers get a sentence. And the lesson's library is true:
the measures read bars and thickened or sheared digits as they should, captions round-trip, wrong captions
never equal the right ones, the trainer's D loss is GAN-CLS's, and the experiment script reproduces the
beginning of its shipped runs."""

import textwrap

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from gans_support import (  # noqa: F401  (one_thread: an autouse fixture)
    HOSTILE,
    assert_discussion_revealed,
    assert_hostile_answers_get_a_sentence,
    assert_stopped,
    evaluate,
    hangs,
    lesson_checks_contract,
    one_thread,
    run_solution,
    starter_with_blank,
)

from learntools.core import CORRECT, INCORRECT, NOT_ATTEMPTED
from learntools.gans import ex14
from learntools.gans.data import captions, load_mnist, thicken
from learntools.gans.experiments import text_runs
from learntools.gans.models.text import CaptionEncoder, TextDiscriminator, TextGenerator
from learntools.gans.training.text import TextGANTrainer, matching_aware_d_loss


# --------------------------------------------------------------------------- the notebook's solutions


def solved_namespace():
    namespace = {"torch": torch, "F": F, "outline_length": captions.outline_length}
    for name in ("q1", "q2", "q3", "q4"):
        run_solution(getattr(ex14, name), namespace)
    return namespace


SOLVED = solved_namespace()


def solution_answer(name):
    return SOLVED[getattr(ex14, name).var]


def function(source, name):
    namespace = dict(SOLVED)
    exec(textwrap.dedent(source), namespace)
    return namespace[name]


# --------------------------------------------------------------------------- wrong answers

THICKNESS = {
    "no factor 2": ("""def stroke_thickness(images):
    ink = (images + 1) / 2
    return ink.sum(dim=(1, 2, 3)) / outline_length(ink)""", "half the right one"),
    "[-1, 1] image": ("""def stroke_thickness(images):
    return 2 * images.sum(dim=(1, 2, 3)) / outline_length(images)""", "measured the [-1, 1] image itself"),
    "area on [-1, 1]": ("""def stroke_thickness(images):
    ink = (images + 1) / 2
    return 2 * images.sum(dim=(1, 2, 3)) / outline_length(ink)""", "summed on the [-1, 1] image"),
    "outline on [-1, 1]": ("""def stroke_thickness(images):
    ink = (images + 1) / 2
    return 2 * ink.sum(dim=(1, 2, 3)) / outline_length(images)""", "half the right one"),
    "clamped ink": ("""def stroke_thickness(images):
    ink = images.clamp(min=0)
    return 2 * ink.sum(dim=(1, 2, 3)) / outline_length(ink)""", "only the pixels above 0"),
    "pixel count": ("""def stroke_thickness(images):
    ink = (images + 1) / 2
    return 2 * (images > 0).float().sum(dim=(1, 2, 3)) / outline_length(ink)""", "counted the pixels above 0"),
    "whole batch": ("""def stroke_thickness(images):
    ink = (images + 1) / 2
    return 2 * ink.sum() / outline_length(ink).sum()""", "one number for"),
    "upside down": ("""def stroke_thickness(images):
    ink = (images + 1) / 2
    return outline_length(ink) / (2 * ink.sum(dim=(1, 2, 3)))""", "upside down"),
}

SLANT_HEAD = """def stroke_slant(images):
    height, width = images.shape[-2:]
    y = -torch.arange(height, dtype=images.dtype)[:, None]
    x = torch.arange(width, dtype=images.dtype)[None, :]
"""
SLANT = {
    "rows down": ("""def stroke_slant(images):
    height, width = images.shape[-2:]
    y = torch.arange(height, dtype=images.dtype)[:, None]
    x = torch.arange(width, dtype=images.dtype)[None, :]
    w = (images + 1) / 2
    w = w / w.sum(dim=(1, 2, 3), keepdim=True)
    mx, my = (w * x).sum(dim=(1, 2, 3), keepdim=True), (w * y).sum(dim=(1, 2, 3), keepdim=True)
    return (w * (x - mx) * (y - my)).sum(dim=(1, 2, 3)) / (w * (y - my) ** 2).sum(dim=(1, 2, 3))""",
                  "opposite sign"),
    "var x": (SLANT_HEAD + """    w = (images + 1) / 2
    w = w / w.sum(dim=(1, 2, 3), keepdim=True)
    mx, my = (w * x).sum(dim=(1, 2, 3), keepdim=True), (w * y).sum(dim=(1, 2, 3), keepdim=True)
    return (w * (x - mx) * (y - my)).sum(dim=(1, 2, 3)) / (w * (x - mx) ** 2).sum(dim=(1, 2, 3))""",
              "variance of x"),
    "not centred": (SLANT_HEAD + """    w = (images + 1) / 2
    w = w / w.sum(dim=(1, 2, 3), keepdim=True)
    return (w * x * y).sum(dim=(1, 2, 3)) / (w * y ** 2).sum(dim=(1, 2, 3))""", "not centred"),
    "[-1, 1] weights": (SLANT_HEAD + """    w = images / images.sum(dim=(1, 2, 3), keepdim=True)
    mx, my = (w * x).sum(dim=(1, 2, 3), keepdim=True), (w * y).sum(dim=(1, 2, 3), keepdim=True)
    return (w * (x - mx) * (y - my)).sum(dim=(1, 2, 3)) / (w * (y - my) ** 2).sum(dim=(1, 2, 3))""",
                        "weighted the pixels by the [-1, 1] image"),
    "unweighted": (SLANT_HEAD + """    w = torch.ones_like(images) / images[0].numel()
    mx, my = (w * x).sum(dim=(1, 2, 3), keepdim=True), (w * y).sum(dim=(1, 2, 3), keepdim=True)
    return (w * (x - mx) * (y - my)).sum(dim=(1, 2, 3)) / (w * (y - my) ** 2).sum(dim=(1, 2, 3))""",
                   "0 for every image"),
}

WRONG_CAPTIONS = {
    "shuffle": ("""def wrong_captions(tokens):
    return tokens[torch.randperm(len(tokens))]""", "equal to their own"),
    "roll": ("""def wrong_captions(tokens):
    return tokens.roll(1, dims=0)""", "equal to their own"),
    "other index only": ("""def wrong_captions(tokens):
    n = len(tokens)
    other = (torch.arange(n) + torch.randint(1, n, (n,))) % n
    return tokens[other]""", "equal to their own"),
    "random words": ("""def wrong_captions(tokens):
    return torch.randint(0, 15, tokens.shape)""", "no caption of the batch"),
    "one caption": ("""def wrong_captions(tokens):
    return tokens[torch.randint(0, len(tokens), (1,))]""", "shape (1, 3)"),
    "float": ("""def wrong_captions(tokens):
    differs = (tokens[:, None, :] != tokens[None, :, :]).any(dim=2).float()
    return tokens[torch.multinomial(differs, 1).squeeze(1)].float()""", "float32 values"),
}

D_LOSS = {
    "wrong labelled real": ("""def gan_cls_d_loss(D, G, real, captions, wrong, z):
    fake = G(z, captions).detach()
    return F.softplus(-D(real, captions)).mean() + (F.softplus(-D(real, wrong)).mean()
                                                    + F.softplus(D(fake, captions)).mean()) / 2""",
                            "scored as *real*"),
    "no mismatched term": ("""def gan_cls_d_loss(D, G, real, captions, wrong, z):
    fake = G(z, captions).detach()
    return F.softplus(-D(real, captions)).mean() + F.softplus(D(fake, captions)).mean()""",
                           "mismatched term is missing"),
    "full weights": ("""def gan_cls_d_loss(D, G, real, captions, wrong, z):
    fake = G(z, captions).detach()
    return (F.softplus(-D(real, captions)).mean() + F.softplus(D(real, wrong)).mean()
            + F.softplus(D(fake, captions)).mean())""", "full weight each"),
    "mean of three": ("""def gan_cls_d_loss(D, G, real, captions, wrong, z):
    fake = G(z, captions).detach()
    return (F.softplus(-D(real, captions)).mean() + F.softplus(D(real, wrong)).mean()
            + F.softplus(D(fake, captions)).mean()) / 3""", "averaged all three"),
    "fakes for wrong captions": ("""def gan_cls_d_loss(D, G, real, captions, wrong, z):
    fake = G(z, wrong).detach()
    return F.softplus(-D(real, captions)).mean() + (F.softplus(D(real, wrong)).mean()
                                                    + F.softplus(D(fake, wrong)).mean()) / 2""",
                                 "made (and judged) for the wrong captions"),
    "fakes judged wrong": ("""def gan_cls_d_loss(D, G, real, captions, wrong, z):
    fake = G(z, captions).detach()
    return F.softplus(-D(real, captions)).mean() + (F.softplus(D(real, wrong)).mean()
                                                    + F.softplus(D(fake, wrong)).mean()) / 2""",
                           "judged with the wrong captions"),
    "no fake term": ("""def gan_cls_d_loss(D, G, real, captions, wrong, z):
    return F.softplus(-D(real, captions)).mean() + F.softplus(D(real, wrong)).mean() / 2""",
                     "(fake image, right caption) term is missing"),
    "no detach": ("""def gan_cls_d_loss(D, G, real, captions, wrong, z):
    fake = G(z, captions)
    return F.softplus(-D(real, captions)).mean() + (F.softplus(D(real, wrong)).mean()
                                                    + F.softplus(D(fake, captions)).mean()) / 2""",
                  "detach the fakes"),
    "item": ("""def gan_cls_d_loss(D, G, real, captions, wrong, z):
    fake = G(z, captions).detach()
    return (F.softplus(-D(real, captions)).mean() + (F.softplus(D(real, wrong)).mean()
                                                     + F.softplus(D(fake, captions)).mean()) / 2).item()""",
             "no .item()"),
    "per example": ("""def gan_cls_d_loss(D, G, real, captions, wrong, z):
    fake = G(z, captions).detach()
    return F.softplus(-D(real, captions)) + (F.softplus(D(real, wrong)) + F.softplus(D(fake, captions))) / 2""",
                    "average each part over the batch"),
}

WRONG = {
    "q1": [(function(src, "stroke_thickness"), fragment) for src, fragment in THICKNESS.values()],
    "q2": [(function(src, "stroke_slant"), fragment) for src, fragment in SLANT.values()],
    "q3": [(function(src, "wrong_captions"), fragment) for src, fragment in WRONG_CAPTIONS.values()],
    "q4": [(function(src, "gan_cls_d_loss"), fragment) for src, fragment in D_LOSS.values()],
}
RIGHT_TOO = {
    "q1": [captions.stroke_thickness,
           function("""def stroke_thickness(images):
    ink = images + 1                       # twice the ink: the ratio is the same
    return 2 * ink.sum(dim=(1, 2, 3)) / outline_length(ink)""", "stroke_thickness")],
    "q2": [captions.stroke_slant],
    "q3": [captions.mismatched_captions],
    "q4": [function("""def gan_cls_d_loss(D, G, real, captions, wrong, z):
    with torch.no_grad():
        fake = G(z, captions)
    bce = F.binary_cross_entropy_with_logits
    r, w, f = D(real, captions), D(real, wrong), D(fake, captions)
    return bce(r, torch.ones_like(r)) + 0.5 * bce(w, torch.zeros_like(w)) + 0.5 * bce(f, torch.zeros_like(f))""",
                    "gan_cls_d_loss"),
           lambda D, G, real, captions, wrong, z: matching_aware_d_loss(
               D(real, captions), D(real, wrong), D(G(z, captions).detach(), captions))],
}

globals().update(lesson_checks_contract(ex14, WRONG, RIGHT_TOO, solution_answer=solution_answer, quick=2.0))


@pytest.mark.parametrize("name", list(WRONG))
def test_function_starter_is_not_attempted(name):
    outcome = evaluate(getattr(ex14, name), starter_with_blank)
    assert outcome.status == NOT_ATTEMPTED and "____" in outcome.message


@pytest.mark.parametrize("name", list(WRONG))
def test_hostile_answers_get_a_sentence(name):
    assert_hostile_answers_get_a_sentence(getattr(ex14, name), HOSTILE + [lambda *args: "a string",
                                                                          lambda *args: None])


def test_hanging_function_is_stopped(monkeypatch):
    assert_stopped(ex14.q1, hangs, monkeypatch)


def test_thought_question_reveals_discussion(capsys):
    assert_discussion_revealed(ex14.q5, "mismatched", capsys)


# --------------------------------------------------------------------------- the measures are measures


def test_a_bar_measures_about_its_width():
    for width in (1, 2, 3, 5):
        bar = -torch.ones(1, 1, 28, 28)
        bar[..., 4:24, 12:12 + width] = 1.0
        expected = 2 * width * 20 / (2 * 20 + 2 * width)  # 2 w L / (2 L + 2 w): the ends count in the outline
        assert captions.stroke_thickness(bar).item() == pytest.approx(expected, rel=1e-5)


def test_thicken_raises_every_digits_thickness():
    images, _ = load_mnist("train")
    before, after = captions.stroke_thickness(images[:500]), captions.stroke_thickness(thicken(images[:500]))
    assert bool((after > before).all())


def test_a_shear_adds_its_amount_to_the_slant():
    """Moving each row k pixels right per row up adds k to cov(x, y) / var(y) (about k: whole-pixel moves)."""
    images, _ = load_mnist("train")
    padded = F.pad(images[:1], (6, 6, 0, 0), value=-1.0)   # (1, 1, 28, 40): room to move sideways
    k = 0.25
    exact = -torch.ones(1, 1, 28, 40)
    for row in range(28):                                  # row r moves right by k * (rows above the bottom)
        exact[..., row, :] = padded[..., row, :].roll(round(k * (27 - row)), dims=-1)
    change = (captions.stroke_slant(exact) - captions.stroke_slant(padded)).item()
    assert change == pytest.approx(k, abs=0.04)
    assert captions.stroke_slant(padded.flip(-1)).item() == pytest.approx(-captions.stroke_slant(padded).item(),
                                                                          abs=1e-5)


def test_captions_round_trip_and_use_the_datas_thirds():
    images, labels = load_mnist("train")
    made = captions.caption_digits(images, labels)
    assert made.tokens.shape == (len(images), 3) and made.tokens.dtype == torch.int64
    assert torch.equal(captions.encode_captions(made.texts[:200]), made.tokens[:200])
    assert captions.encode_captions("a thin slanted two").tolist() == [[3, 11, 14]]
    assert captions.caption_text(torch.tensor([9, 0, 13])) == "an upright eight"
    thick_share = (made.tokens[:, 1] == captions.WORD_ID["thick"]).float().mean().item()
    assert thick_share == pytest.approx(1 / 3, abs=0.01)
    with pytest.raises(ValueError, match="unknown word 'purple'"):
        captions.encode_captions("a purple seven")
    with pytest.raises(ValueError, match="names no digit"):
        captions.encode_captions("a thick thin")


def test_mismatched_captions_never_equal_the_right_one():
    tokens = captions.encode_captions(["a one"] * 5 + ["a two", "a thick one", "a one"])
    generator = torch.Generator().manual_seed(0)
    for _ in range(50):
        wrong = captions.mismatched_captions(tokens, generator)
        assert not bool((wrong == tokens).all(dim=1).any())
    with pytest.raises(ValueError, match="every caption of this batch is the same"):
        captions.mismatched_captions(captions.encode_captions(["a one"] * 4))


def test_the_bag_of_words_ignores_the_padding_word():
    encoder = CaptionEncoder(dim=4)
    seven = captions.encode_captions(["a seven", "a thick seven"])
    vectors = encoder(seven)
    assert torch.allclose(vectors[0], encoder.bag.weight[captions.WORD_ID["seven"]])
    assert torch.allclose(vectors[1], encoder.bag.weight[[captions.WORD_ID["seven"], captions.WORD_ID["thick"]]].mean(0))


def test_the_networks_take_captions_and_refuse_labels():
    G, D = TextGenerator(z_dim=8, hidden=16), TextDiscriminator(hidden=16)
    tokens = captions.encode_captions(["a thick seven", "a two", "an eight"])
    images = G(torch.randn(3, 8), tokens)
    assert images.shape == (3, 1, 28, 28) and images.abs().max() <= 1
    assert D(images, tokens).shape == (3, 1)
    with pytest.raises(ValueError, match="integer tensor"):
        G(torch.randn(3, 8), torch.tensor([7, 2, 8]))


def test_the_matching_aware_loss_is_gan_cls_and_starts_at_two_ln_two():
    zeros = torch.zeros(4, 1)
    assert matching_aware_d_loss(zeros, zeros, zeros).item() == pytest.approx(2 * np.log(2))
    real, wrong, fake = torch.randn(4, 1), torch.randn(4, 1), torch.randn(4, 1)
    expected = -(torch.log(torch.sigmoid(real)).mean()
                 + (torch.log(1 - torch.sigmoid(wrong)).mean() + torch.log(1 - torch.sigmoid(fake)).mean()) / 2)
    assert matching_aware_d_loss(real, wrong, fake).item() == pytest.approx(expected.item(), rel=1e-5)


def _trainer(matching_aware):
    images, labels = load_mnist("train")
    made = captions.caption_digits(images[:256], labels[:256])
    torch.manual_seed(0)
    return text_runs.make_trainer(matching_aware, 0, images[:256], made.tokens)


def test_the_trainer_scores_mismatched_pairs_only_when_matching_aware():
    with_cls, plain = _trainer(True), _trainer(False)
    with_cls.fit(steps=2, progress=False)
    plain.fit(steps=2, progress=False)
    assert "mismatch_logit" in with_cls.history[-1] and "mismatch_logit" not in plain.history[-1]
    assert not bool((with_cls.last_wrong == with_cls.last_tokens).all(dim=1).any())
    samples = with_cls.sample(tokens=captions.encode_captions(["a thick seven"] * 3), seed=1)
    assert samples.shape == (3, 1, 28, 28)
    assert with_cls.sample(4).shape == (4, 1, 28, 28)


def test_the_trainer_replaces_hooks_not_steps():
    for name in ("step", "discriminator_step", "generator_step"):
        assert name not in vars(TextGANTrainer)


# --------------------------------------------------------------------------- the shipped runs


def test_the_shipped_runs_have_the_scripts_format():
    data = text_runs.load()
    assert [str(v) for v in data["variants"]] == list(text_runs.VARIANTS)
    assert data["seeds"].tolist() == list(text_runs.SEEDS) and int(data["steps"]) == text_runs.STEPS
    assert data["figures"].shape == (2, len(text_runs.SEEDS), len(text_runs.FIGURES))
    assert np.isfinite(data["figures"]).all() and data["figures"].min() >= 0 and data["figures"].max() <= 1
    assert data["curves"].shape == (2, len(text_runs.SEEDS), 2, text_runs.STEPS)
    assert data["grids"].shape == (2, 120, 28, 28) and data["grids"].dtype == np.uint8
    assert text_runs.OUTPUT.stat().st_size < 1_000_000


def test_the_script_reproduces_the_first_steps_of_the_shipped_runs(tmp_path):
    """A 5-step rerun of seed 0 of both variants, saved by the script's own main(), matches the beginning of
    the shipped loss curves: the runs are seeded, and a step does not depend on how many follow. The 1 %
    tolerance allows for another CPU's kernels (the file was made on an AMD EPYC); another seed is off by 3 %."""
    out = tmp_path / "short.npz"
    text_runs.main(["--steps", "5", "--seeds", "0", "--out", str(out), "--no-measure"])
    short, shipped = text_runs.load(out), text_runs.load()
    assert short["curves"].shape == (2, 1, 2, 5)
    np.testing.assert_allclose(short["curves"][:, 0], shipped["curves"][:, 0, :, :5], rtol=1e-2, atol=1e-5)


def test_what_the_lesson_says_of_the_shipped_runs_is_true():
    """q5's discussion: without the mismatched pairs the judge reads the asked digit near chance; with them,
    most of the time; thick above thin for the same noise in both variants."""
    figures = text_runs.load()["figures"]                 # (variants, seeds, 5)
    digit = text_runs.FIGURES.index("digit")
    assert figures[0, :, digit].min() > 0.6
    assert figures[1, :, digit].max() < 0.3
    assert figures[:, :, text_runs.FIGURES.index("thick_order")].min() > 0.6
