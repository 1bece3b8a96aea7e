"""learntools.gans, super-resolution (models.superres, training.superres): the SRGAN-style generator (low-resolution body, sub-pixel upsampling), the
feature (perceptual) loss with the digit classifier, and the SRGAN trainer on the pix2pix machinery."""

import pytest
import torch

from gans_support import one_thread  # noqa: F401  (an autouse fixture: one torch thread per module)

from learntools.gans.data import PairedImages, bicubic_upsample, downsample, lowres_to_highres_digits
from learntools.gans.evaluation import load_classifier, translation_scores
from learntools.gans.models import PatchDiscriminator, SRResNet
from learntools.gans.training import SRGANTrainer, digit_features, feature_distance, fit_l1



@pytest.mark.parametrize("scale, size", [(4, 28), (2, 28), (8, 32)])
def test_srresnet_keeps_the_size_and_works_at_low_resolution(scale, size):
    torch.manual_seed(0)
    G = SRResNet(scale=scale, width=8, n_blocks=2)
    x = torch.rand(2, 1, size, size) * 2 - 1
    assert G(x).shape == (2, 1, size, size)
    assert G.eval()(x).abs().max() <= 1  # clamped in eval mode
    # Only the scale x scale block averages of the input matter: the network sees the small image.
    small = torch.nn.functional.avg_pool2d(x, scale)
    same_blocks = small.repeat_interleave(scale, dim=2).repeat_interleave(scale, dim=3)
    torch.testing.assert_close(G(x), G(same_blocks), rtol=1e-4, atol=1e-5)
    shuffles = [m for m in G.modules() if isinstance(m, torch.nn.PixelShuffle)]
    assert len(shuffles) == scale.bit_length() - 1


def test_srresnet_rejects_bad_input():
    with pytest.raises(ValueError, match="scale"):
        SRResNet(scale=3)
    G = SRResNet(scale=4, width=4, n_blocks=1)
    with pytest.raises(ValueError, match="divisible"):
        G(torch.zeros(1, 1, 30, 30))
    with pytest.raises(ValueError, match=r"\(N, 1, H, W\)"):
        G(torch.zeros(1, 3, 28, 28))


def test_feature_distance_reaches_the_images_but_not_the_classifier():
    images = (torch.rand(2, 1, 28, 28) * 2 - 1).requires_grad_(True)
    targets = torch.rand(2, 1, 28, 28) * 2 - 1
    assert digit_features(images).shape == (2, 32, 14, 14)
    loss = feature_distance(images, targets)
    loss.backward()
    assert images.grad is not None and images.grad.abs().sum() > 0
    assert all(p.grad is None and not p.requires_grad for p in load_classifier(images.device).parameters())
    assert feature_distance(targets, targets) == 0


def test_srgan_trainer_step_and_loss():
    pairs = lowres_to_highres_digits("test")[:64]
    torch.manual_seed(0)
    G, D = SRResNet(width=8, n_blocks=1), PatchDiscriminator(in_channels=2, width=8, n_down=2)
    trainer = SRGANTrainer(G, D, pairs.batches(16), l1_weight=10.0, feature_weight=10.0, device="cpu")
    record = trainer.step()
    assert record["g_loss"] == pytest.approx(record["g_adversarial"] + 10 * record["l1"] + 10 * record["features"],
                                             rel=1e-5)
    plain = SRGANTrainer(SRResNet(width=8, n_blocks=1), PatchDiscriminator(in_channels=2, width=8), pairs.batches(16),
                         feature_weight=0, device="cpu").step()
    assert plain["features"] == 0
    with pytest.raises(ValueError, match="feature_weight"):
        SRGANTrainer(G, D, pairs.batches(16), feature_weight=-1)


def test_a_short_l1_run_learns():
    """No tanh at the end: the L1 pull towards the black background cannot freeze the output."""
    pairs, held_out = lowres_to_highres_digits("train"), lowres_to_highres_digits("test")[:200]
    torch.manual_seed(0)
    G = SRResNet(width=16, n_blocks=2)
    before = translation_scores(G, held_out)["l1"]
    fit_l1(G, pairs.batches(32), steps=60, lr=1e-3)
    after = translation_scores(G, held_out)["l1"]
    assert after < 0.4 * before
    assert G.eval()(held_out.inputs[:8]).std() > 0.1  # not one flat colour (a tanh version sat at 1e-4)
