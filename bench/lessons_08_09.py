"""Time to quality of lessons 08 and 09's classroom runs, without their wall-clock caps.

The notebooks train for a number of steps with a seconds cap (so a slow or busy machine still finishes
in about 3 minutes). This script runs the same training code for the full number of steps and reports
the figures a classroom run reaches, with the CPU and wall time it took:

    python bench/lessons_08_09.py            # both lessons
    python bench/lessons_08_09.py 08         # the conditional GAN only
    python bench/lessons_08_09.py 09 --task edges

CPU seconds are a fair measure on a shared machine: wall time there depends on the neighbours.
"""

import argparse
import json
import resource
import time

import torch


def _cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def conditional_gan(steps=1000):
    from learntools.gans.data import Batches, load_mnist
    from learntools.gans.evaluation import class_accuracy
    from learntools.gans.models import ConditionalDiscriminator, ConditionalGenerator
    from learntools.gans.training import AdamSettings, ConditionalGANTrainer, gaussian_noise

    images, labels = load_mnist("train")
    torch.manual_seed(0)
    G = ConditionalGenerator(z_dim=64, width=32)
    D = ConditionalDiscriminator(width=32)
    trainer = ConditionalGANTrainer(G, D, data=Batches(images, labels, batch_size=64, seed=0),
                                    noise=gaussian_noise(64), loss="nonsaturating",
                                    optimizers=AdamSettings(lr_g=1e-3, lr_d=1e-3, betas=(0.5, 0.999)), seed=0)
    cpu, wall = _cpu_seconds(), time.perf_counter()
    trainer.fit(steps=steps, progress=False)
    cpu, wall = _cpu_seconds() - cpu, time.perf_counter() - wall
    report = class_accuracy(G, n_per_class=100, seed=0)
    return {"steps": trainer.steps_done, "train_cpu_seconds": round(cpu, 1), "train_wall_seconds": round(wall, 1),
            "per_class_accuracy": report["per_class"], "mean_accuracy": report["mean"]}


def pix2pix(task="superres", steps=150):
    """Lesson 09's comparison at one budget: encoder-decoder (L1), U-Net (L1), U-Net (L2), pix2pix, all `steps` steps."""
    from learntools.gans.data import edges_to_digits, lowres_to_highres_digits
    from learntools.gans.evaluation import frechet_distance, translate, translation_scores
    from learntools.gans.models import EncoderDecoderGenerator, PatchDiscriminator, UNetGenerator
    from learntools.gans.training import AdamSettings, Pix2PixTrainer, fit_l1

    if task == "superres":
        train_pairs, held_out = lowres_to_highres_digits("train", factor=7), lowres_to_highres_digits("test", factor=7)
    else:
        train_pairs, held_out = edges_to_digits("train"), edges_to_digits("test")

    def figures(model, cpu, wall):
        outputs = translate(model, held_out.inputs).clamp(-1, 1)
        return {**translation_scores(model, held_out), "frechet": round(frechet_distance(outputs, held_out.targets), 1),
                "train_cpu_seconds": round(_cpu_seconds() - cpu, 1), "train_wall_seconds": round(time.perf_counter() - wall, 1)}

    results = {"input itself": translation_scores(None, held_out)}
    for name, Model, loss in [("encoder-decoder (L1)", EncoderDecoderGenerator, "l1"), ("U-Net (L1)", UNetGenerator, "l1"),
                              ("U-Net (L2)", UNetGenerator, "l2")]:
        torch.manual_seed(0)
        model = Model(in_channels=1, out_channels=1, width=16, depth=5)
        cpu, wall = _cpu_seconds(), time.perf_counter()
        fit_l1(model, train_pairs.batches(batch_size=32, seed=0), steps=steps, lr=1e-3, loss=loss)
        results[name] = figures(model, cpu, wall)
    torch.manual_seed(0)
    G = UNetGenerator(in_channels=1, out_channels=1, width=16, depth=5)
    D = PatchDiscriminator(in_channels=2, width=32, n_down=2)
    trainer = Pix2PixTrainer(G, D, data=train_pairs.batches(batch_size=32, seed=0), l1_weight=100.0,
                             optimizers=AdamSettings(lr_g=1e-3, lr_d=5e-4, betas=(0.5, 0.999)),
                             sample_inputs=held_out.inputs[:64], seed=0)
    cpu, wall = _cpu_seconds(), time.perf_counter()
    trainer.fit(steps=steps, progress=False)
    results["pix2pix (U-Net + PatchGAN)"] = figures(G, cpu, wall)
    return {"task": task, "steps": steps, "held_out": results}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("lesson", nargs="?", choices=("08", "09", "all"), default="all")
    parser.add_argument("--task", choices=("superres", "edges"), default="superres")
    arguments = parser.parse_args()
    results = {}
    if arguments.lesson in ("08", "all"):
        results["08"] = conditional_gan()
    if arguments.lesson in ("09", "all"):
        results["09"] = pix2pix(arguments.task)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
