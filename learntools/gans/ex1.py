"""Lesson 01 checks: what a GAN is, its parts, its losses, its equilibrium, and mode collapse."""

import math
import numbers

import numpy as np
import torch

from learntools.core import (
    Incorrect,
    MultipartProblem,
    ThoughtProblem,
    ValueProblem,
    ____,
    bind_exercises,
    describe,
)
from learntools.gans import toy
from learntools.gans.checking.numbers import close

# ------------------------------------------------------------------ q1: generative or discriminative

GENERATIVE, DISCRIMINATIVE = "generative", "discriminative"

# Each model of the question: its kind, and what to say to a learner who picked the other kind.
MODELS = {
    "spam filter": (
        DISCRIMINATIVE,
        "the spam filter reads an e-mail and answers with a label (spam or not): it tells inputs apart, "
        "so it is discriminative.",
    ),
    "face maker": (
        GENERATIVE,
        "the face maker produces new pictures that did not exist before: it makes data, so it is generative.",
    ),
    "digit reader": (
        DISCRIMINATIVE,
        "the digit reader looks at an image and answers 0-9: a classifier, so it is discriminative.",
    ),
    "melody writer": (
        GENERATIVE,
        "the melody writer outputs new music (new data), so it is generative.",
    ),
    "GAN discriminator": (
        DISCRIMINATIVE,
        "a GAN's discriminator is a classifier: it takes a sample and says real or fake. It lives inside a "
        "generative model, but on its own it is discriminative.",
    ),
    "GAN generator": (
        GENERATIVE,
        "a GAN's generator turns random noise into new samples: it is the generative part.",
    ),
}
KIND_WORDS = {
    "generative": GENERATIVE, "generator": GENERATIVE, "gen": GENERATIVE, "g": GENERATIVE,
    "discriminative": DISCRIMINATIVE, "discriminator": DISCRIMINATIVE, "disc": DISCRIMINATIVE,
    "classifier": DISCRIMINATIVE, "d": DISCRIMINATIVE,
}


def _kind_word(value):
    if not isinstance(value, str):
        return None
    return KIND_WORDS.get(value.strip().strip("'\"").lower())


def _check_kinds(answer):
    if not isinstance(answer, dict):
        raise Incorrect(f"`kinds` should be a dict from each model's name to \"generative\" or "
                        f"\"discriminative\", but it is {describe(answer)}.")
    missing = [name for name in MODELS if name not in answer]
    if missing:
        extra = [key for key in answer if key not in MODELS]
        also = f" (it has {', '.join(repr(k) for k in extra[:2])} instead)" if extra else ""
        raise Incorrect(f"your dict has no entry for {', '.join(repr(m) for m in missing[:3])}{also}: "
                        "keep the six names of the starter code as they are.")
    unreadable = [name for name in MODELS if _kind_word(answer[name]) is None]
    if unreadable:
        name = unreadable[0]
        raise Incorrect(f"for {name!r} you wrote {describe(answer[name])}; write the string \"generative\" "
                        "or \"discriminative\".")
    wrong = [name for name in MODELS if _kind_word(answer[name]) != MODELS[name][0]]
    if not wrong:
        return "a discriminative model maps a sample to a label; a generative model makes new samples."
    if len(wrong) == len(MODELS):
        raise Incorrect("every answer is the opposite of the right one: a *generative* model makes new data "
                        "(a picture, a melody); a *discriminative* model reads data and outputs a label.")
    first = wrong[0]
    others = f" ({len(wrong) - 1} more answer{'s are' if len(wrong) > 2 else ' is'} off too.)" if len(wrong) > 1 else ""
    picked = _kind_word(answer[first])
    raise Incorrect(f"you marked {first!r} as {picked}, but {MODELS[first][1]}{others}")


kinds_question = ValueProblem(
    var="kinds",
    test=_check_kinds,
    hints=[
        "Ask of each model: does it *output a label* about an input it is given (discriminative), or "
        "does it *output new data*, a picture or a melody that wasn't there before (generative)?",
        "Three of each. The spam filter, the digit reader and the GAN's discriminator output labels; the "
        "face maker, the melody writer and the GAN's generator output new samples.",
    ],
)


# ------------------------------------------------------------------ q2: the targets of the two losses


def _as_float(value):
    """One real number as a float (booleans, 0-d or 1-element tensors and arrays count); None otherwise."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, torch.Tensor):
        if value.numel() != 1 or value.is_complex():
            return None
        value = value.item()
    elif isinstance(value, np.ndarray):
        if value.size != 1 or not np.issubdtype(value.dtype, np.number) or np.iscomplexobj(value):
            return None
        value = value.item()
    elif isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, numbers.Real):
        return float(value)
    return None


def _target(value, name):
    """A learner's BCE target as a float; Incorrect with a sentence when it is not one number."""
    if isinstance(value, str):
        raise Incorrect(f"`{name}` is the string {value!r}; write a number, the label BCE compares D's "
                        "output with: 1 means \"real\", 0 means \"fake\".")
    number = _as_float(value)
    if number is None:
        raise Incorrect(f"`{name}` is {describe(value)}; it should be one number (1 for \"real\", 0 for \"fake\").")
    if not math.isfinite(number):
        raise Incorrect(f"`{name}` is {number}; a BCE target is a probability between 0 and 1.")
    return number


def _check_targets(answer):
    names = ("d_target_real", "d_target_fake", "g_target_fake")
    real, fake, g_fake = (_target(value, name) for value, name in zip(answer, names))
    if close(real, 1, rtol=0, atol=1e-6) and close(fake, 0, rtol=0, atol=1e-6) and close(g_fake, 1, rtol=0, atol=1e-6):
        return ("D learns real -> 1, fake -> 0; G learns to make D say 1 on its fakes. Same BCE, opposite "
                "targets for the fakes: that is the whole game.")
    for value, name in zip((real, fake, g_fake), names):
        if value < 0 or value > 1:
            raise Incorrect(f"`{name}` is {value:g}, but BCE targets are probabilities in [0, 1]: "
                            "\"real\" is 1, \"fake\" is 0 (not -1: that's a tanh or hinge convention).")
    if close(real, 0, rtol=0, atol=1e-6) and close(fake, 1, rtol=0, atol=1e-6):
        also = ("" if close(g_fake, 0, rtol=0, atol=1e-6) else
                " And G, in that convention, would aim for 0.")
        raise Incorrect("D's targets are swapped: D(x) is the probability that x is *real*, so D learns to "
                        f"say 1 on real data and 0 on fakes.{also}")
    if not close(real, 1, rtol=0, atol=1e-6):
        raise Incorrect(f"`d_target_real` is {real:g}: D should say \"real\", 1, on real data.")
    if not close(fake, 0, rtol=0, atol=1e-6):
        raise Incorrect(f"`d_target_fake` is {fake:g}: D should say \"fake\", 0, on G's samples (that's how "
                        "the detective catches the forger).")
    if close(g_fake, 0, rtol=0, atol=1e-6):
        raise Incorrect("`g_target_fake` is 0: G would be training to make D call its fakes fake, helping "
                        "the detective. The forger wants D to say \"real\", 1, on its fakes.")
    if close(g_fake, 0.5, rtol=0, atol=1e-6):
        raise Incorrect("`g_target_fake` is 0.5: that is where D's output ends up at the equilibrium, not "
                        "what G aims for. G pushes D's verdict on its fakes towards \"real\", 1.")
    raise Incorrect(f"`g_target_fake` is {g_fake:g}: G wants D to say \"real\" about its fakes; what number "
                    "means \"real\"?")


targets_question = ValueProblem(
    var=("d_target_real", "d_target_fake", "g_target_fake"),
    test=_check_targets,
    hints=[
        "D(x) is D's probability that x is real, so its BCE targets are labels: 1 for \"real\", 0 for "
        "\"fake\". Which label does the detective want on real data, and which on forgeries? Which label "
        "does the forger want the detective to put on its forgeries?",
        "D: real -> 1, fake -> 0. G: fake -> 1 (the same fakes, the opposite target).",
    ],
)


# ------------------------------------------------------------------ q3: who is who in the code

SNIPPET_NAMES = ("net_a", "net_b", "optimizer_a", "optimizer_b", "x", "u", "v", "scores_x", "scores_v",
                 "loss_a", "loss_b")
ROLES = {"generator": "net_a", "discriminator": "net_b", "noise": "u", "data": "x"}

# What each name in the snippet is, said so that a wrong pick learns something.
WHAT_IT_IS = {
    "net_a": "`net_a` is the network that turns `u` into `v`, the generated samples: the generator",
    "net_b": "`net_b` scores both `x` and `v` and is trained to tell them apart (targets 1 and 0): the discriminator",
    "x": "`x` is only ever shown to `net_b`, with target 1 (\"real\"): it is the real data",
    "u": "`u` is the noise fed to the generator `net_a`",
    "v": "`v = net_a(u)` is the generator's output, the fake samples, neither the noise nor the data",
    "scores_x": "`scores_x` holds D's logits for the real data, not an input",
    "scores_v": "`scores_v` holds D's logits for the fakes, not an input",
    "optimizer_a": "`optimizer_a` is the optimizer that updates `net_a`, not a network",
    "optimizer_b": "`optimizer_b` is the optimizer that updates `net_b`, not a network",
    "loss_a": "`loss_a` is a loss (the generator's), not a network or an input",
    "loss_b": "`loss_b` is a loss (the discriminator's), not a network or an input",
}
ROLE_WORDS = {"generator": "the generator", "discriminator": "the discriminator", "noise": "the noise",
              "data": "the real data"}


def _clean_name(value):
    return value.strip().strip("`'\"").strip()


def _check_roles(answer):
    if not isinstance(answer, dict):
        raise Incorrect(f"`roles` should be a dict like {{\"generator\": \"net_a\", ...}}, but it is {describe(answer)}.")
    missing = [role for role in ROLES if role not in answer]
    if missing:
        raise Incorrect(f"your dict has no entry for {', '.join(repr(m) for m in missing)}: keep the four keys "
                        "generator, discriminator, noise and data.")
    for role in ROLES:
        value = answer[role]
        if not isinstance(value, str):
            raise Incorrect(f"for {role!r} you gave {describe(value)}; write the variable's name from the "
                            "snippet as a string, e.g. \"net_a\".")
        name = _clean_name(value)
        if name not in SNIPPET_NAMES:
            raise Incorrect(f"there is no variable {name!r} in `one_round`; for {role!r} pick one of "
                            f"{', '.join(SNIPPET_NAMES)}.")
    wrong = [role for role in ROLES if _clean_name(answer[role]) != ROLES[role]]
    if not wrong:
        return "G turns noise into fakes; D scores real data and fakes. Names don't matter, the data flow does."
    first = wrong[0]
    picked = _clean_name(answer[first])
    more = f" ({len(wrong) - 1} other role{'s are' if len(wrong) > 2 else ' is'} off too.)" if len(wrong) > 1 else ""
    raise Incorrect(f"you named `{picked}` as {ROLE_WORDS[first]}, but {WHAT_IT_IS[picked]}.{more}")


roles_question = ValueProblem(
    var="roles",
    test=_check_roles,
    hints=[
        "Follow the data. One network takes an input and produces samples of the same shape as the data; "
        "the other one produces a score (a logit) for whatever it is shown, and is shown two kinds of "
        "samples with the targets 1 and 0.",
        "`v = net_a(u)` makes the fakes, and `net_b` scores `x` (target 1) and `v` (target 0).",
    ],
)


# ------------------------------------------------------------------ q4: D's output at equilibrium

LN2 = math.log(2)
EQUILIBRIUM_MISTAKES = [
    (1.0, "1 would mean D is sure that everything is real. At the equilibrium the fakes look exactly like "
          "the data, so D cannot be sure of anything."),
    (0.0, "0 is D's *logit* at the equilibrium, its raw score. As a probability, 0 would mean D calls "
          "everything fake; D(x) = sigmoid(logit) = sigmoid(0) = ?"),
    (LN2, "ln 2 ≈ 0.693 is the BCE loss of one verdict at the equilibrium, -ln(0.5), not D's output."),
    (2 * LN2, "2 ln 2 ≈ 1.386 is D's whole loss at the equilibrium (one -ln 0.5 for the real batch, one for "
              "the fakes), not D's output, which is a probability."),
    (-LN2, "-ln 2 is a value of the minimax generator loss at the equilibrium, not D's output."),
    (0.25, "0.25 would be D's verdict if it were 75 % sure of \"fake\" everywhere; at the equilibrium "
           "real and fake look the same, so D can do no better than a coin toss."),
    (50.0, "D's output is a probability between 0 and 1, not a percentage: write 50 % as a fraction."),
]


def _check_equilibrium(answer):
    value = None if isinstance(answer, (bool, str)) else _as_float(answer)
    if value is None:
        raise Incorrect(f"`d_at_equilibrium` is {describe(answer)}; write one number: D's output, a probability.")
    if not math.isfinite(value):
        raise Incorrect(f"`d_at_equilibrium` is {value}; D's output, sigmoid(logit), is a probability between 0 and 1.")
    if abs(value - 0.5) < 1e-3:
        return ("at the equilibrium the generator's samples follow the data distribution, so the best D can "
                "do is a coin toss: D(x) = 1/2 everywhere.")
    for wrong, message in EQUILIBRIUM_MISTAKES:
        if abs(value - wrong) < 0.01:
            raise Incorrect(message)
    if 0.4 < value < 0.6:
        raise Incorrect(f"{value:g} is close but not exact. At the equilibrium the data and the fakes are "
                        "equally likely at every x; what probability does D give then?")
    if 0 <= value <= 1:
        raise Incorrect(f"D's output {value:g} would mean D still leans towards \"{'real' if value > 0.5 else 'fake'}\". "
                        "At the equilibrium, real and generated samples are indistinguishable: what is D's best guess?")
    raise Incorrect(f"{value:g} is not a probability: D's output, sigmoid(logit), lies between 0 and 1.")


equilibrium_question = ValueProblem(
    var="d_at_equilibrium",
    test=_check_equilibrium,
    hints=[
        "At the equilibrium the generator has won: its samples follow the data distribution exactly. "
        "Shown any x, could D tell whether it came from the data or from G?",
        "For a sample x, the best D outputs p_data(x) / (p_data(x) + p_G(x)). Put p_G = p_data.",
    ],
)


# ------------------------------------------------------------------ q5: what mode collapse looks like

PANELS = toy.collapse_panels()  # {"A": (1000, 2), ...}: the four generators of the question
COLLAPSED = "C"


# What the helpers say about each panel (modes covered, fraction of points close to a mode), worked
# out once: the messages quote them.
PANEL_FACTS = {letter: (toy.covered_modes(points, "ring"), toy.on_mode_fraction(points, "ring"))
               for letter, points in PANELS.items()}


def _panel_facts(letter):
    return PANEL_FACTS[letter]


def _panel_message(letter):
    modes, on_mode = _panel_facts(letter)
    if letter == "A":
        return (f"generator A covers all {modes} modes; its points are just blurry (only {on_mode:.0%} land close "
                "to a mode), as early in training. Collapse is about *which* modes get samples, not how sharp they are.")
    if letter == "B":
        return (f"generator B's points sit in one blob around the centre, on none of the modes (it covers "
                f"{modes}): an untrained generator. Collapse means sharp samples piled onto a few modes while "
                "the others get none.")
    return (f"generator D covers all {modes} modes with sharp samples ({on_mode:.0%} of them close to a mode): "
            "that is the generator we want.")


def _check_panel(answer):
    if not isinstance(answer, str):
        raise Incorrect(f"`collapsed_panel` is {describe(answer)}; write one letter, \"A\", \"B\", \"C\" or \"D\".")
    letter = answer.strip().strip("`'\"()").strip().upper().removeprefix("GENERATOR ").strip()
    if letter not in PANELS:
        raise Incorrect(f"{answer!r} is not one of the panels: write \"A\", \"B\", \"C\" or \"D\".")
    if letter != COLLAPSED:
        raise Incorrect(_panel_message(letter))
    modes, _ = _panel_facts(COLLAPSED)
    return (f"generator C makes sharp, convincing points, but only on {modes} of the 8 modes: each sample "
            "looks real, the variety is gone.")


def _check_mode_count(answer):
    if isinstance(answer, bool) or not isinstance(answer, (numbers.Real, np.integer, np.floating, torch.Tensor)):
        raise Incorrect(f"`modes_covered` is {describe(answer)}; write a whole number of modes, 0 to 8.")
    if isinstance(answer, torch.Tensor):
        if answer.numel() != 1 or answer.is_complex():
            raise Incorrect(f"`modes_covered` is {describe(answer)}; write one whole number.")
        answer = answer.item()
    value = float(answer)
    if not math.isfinite(value):
        raise Incorrect(f"`modes_covered` is {value}; count the modes that have orange points on them, 0 to 8.")
    expected, _ = _panel_facts(COLLAPSED)
    if value == expected:
        return f"{expected} of 8: the other {8 - expected} modes of the data never appear in its samples."
    if value == 8:
        raise Incorrect("8 is the number of modes of the data (generators A and D cover all of them). Count "
                        "only the modes where the collapsed generator puts its points.")
    if value == 8 - expected:
        raise Incorrect(f"{value:g} is the number of modes it *misses*; how many does it cover?")
    if value == 1:
        raise Incorrect("look again at the collapsed generator: do all its points sit on one cluster of the "
                        "ring? (A thin trail of stray points between clusters doesn't count as a mode.)")
    if value == 0:
        raise Incorrect("0 modes is generator B, the untrained blob. The collapsed generator's points do sit "
                        "on real modes, just not on all of them.")
    if value != int(value) or not 0 <= value <= 8:
        raise Incorrect(f"{value:g} can't be a number of covered modes: the ring has 8, so the answer is a whole number 0 to 8.")
    raise Incorrect(f"{value:g} is not what `covered_modes` finds for the collapsed generator: count the "
                    "clusters of orange points that sit on a blue mode.")


panel_part = ValueProblem(
    var="collapsed_panel",
    test=_check_panel,
    hints=[
        "Mode collapse: the generator makes only a few kinds of samples. Each sample may look perfectly "
        "real, but whole modes of the data never show up.",
        "Look for the generator whose orange points are sharp and sit on real modes, but on only some of them.",
    ],
)

count_part = ValueProblem(
    var="modes_covered",
    test=_check_mode_count,
    hints=[
        "Count the blue modes of the ring that have orange points on them, for the collapsed generator. "
        "Or let the helper count: `covered_modes(panels[\"C\"], \"ring\")`.",
        "A mode counts when it gets a fair share of the samples; a trail of a few stray points between two "
        "modes is not a mode.",
    ],
)

collapse_question = MultipartProblem(a=panel_part, b=count_part)


# ------------------------------------------------------------------ q6: why collapse happens (thought)

why_collapse_question = ThoughtProblem(
    points=1,
    hints=[
        "Which samples lower the generator's loss the most right now? Does the loss ask for variety anywhere?",
        "Think of the compare figure: where does D say \"fake\" after G has piled its points on one spot, and "
        "what does G do next when it takes five steps for each of D's?",
    ],
)


__all__ = bind_exercises(
    globals(),
    [
        kinds_question,
        targets_question,
        roles_question,
        equilibrium_question,
        collapse_question,
        why_collapse_question,
    ],
)
__all__ += ["____", "PANELS", "MODELS"]
