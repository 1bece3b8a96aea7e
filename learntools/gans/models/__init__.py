"""Networks (the map: module, what it holds, which lesson teaches it).

- conv.py:        convolution and transposed convolution written out by hand, one channel (lesson 02)
- dcgan.py:       DCGAN generator and discriminator for 28x28 digits, MLPs for 2-D toy data (lessons 01, 03, 04)
- conditional.py: one-hot labels, label planes, the conditional generator and discriminator (lesson 08)
- pix2pix.py:     U-Net and encoder-decoder generators, the PatchGAN discriminator, the pix2pix loss (lesson 09)
- pix2pixhd.py:   pix2pixHD's image pyramid for multi-scale discriminators, and its feature matching loss (lesson 15)
- cyclegan.py:    ResNet generator, image PatchGAN, the generator and discriminator pairs, cycle and identity losses (lesson 10)
- superres.py:    SRResNet, SRGAN's generator with sub-pixel upsampling (lesson 10)
- stylegan.py:    ProGAN's fade-in and StyleGAN's AdaIN (lesson 10)
- text.py:        the bag-of-words caption encoder, the text-conditional generator and discriminator (lesson 14)
"""

from learntools.gans.models.conditional import *  # noqa: F401,F403
from learntools.gans.models.conv import *  # noqa: F401,F403
from learntools.gans.models.cyclegan import *  # noqa: F401,F403
from learntools.gans.models.dcgan import *  # noqa: F401,F403
from learntools.gans.models.pix2pix import *  # noqa: F401,F403
from learntools.gans.models.pix2pixhd import *  # noqa: F401,F403
from learntools.gans.models.stylegan import *  # noqa: F401,F403
from learntools.gans.models.superres import *  # noqa: F401,F403
