"""GAN reference code (data, models, losses, trainer, metrics) and the workshop's exercises."""
